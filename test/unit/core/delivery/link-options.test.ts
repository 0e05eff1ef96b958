// What each carrier's link and queue are made with, from config and tuning.
import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '../../../../src/runtime/index.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { DEFAULT_TUNING, carrierLinkOptions, carrierQueueOptions, sendWindowsFor } from '../../../../src/core/delivery/index.ts';
import { DUNNING_WINDOW_JST, SendWindowPolicy } from '../../../../src/core/dispatch/index.ts';

const clock = new ManualClock(0);
const random = new SeededRandom(1);

describe('carrierLinkOptions', () => {
  it('turns the per-bind tps into one bucket for the link and takes reconnect bounds from the carrier', () => {
    const config = resolveConfig({ carriers: { au: { binds: 4, tps: 25, reconnectMinMs: 200, reconnectMaxMs: 9000 } } });
    const o = carrierLinkOptions('au', config, { ...DEFAULT_TUNING, reconnectJitter: 0.3 }, clock, random);
    expect(o).toMatchObject({ carrier: 'au', binds: 4, tps: 100, reconnect: { baseMs: 200, maxMs: 9000, jitter: 0.3 } });
    expect(o.throttle.backoff).toEqual(DEFAULT_TUNING.throttleBackoff);
  });
});

describe('carrierQueueOptions', () => {
  it('takes the receipt deadline from the config in ms and the message-id radix from the tuning', () => {
    const config = resolveConfig({ messages: { receiptTimeoutSeconds: 90 } });
    const o = carrierQueueOptions('docomo', config, { ...DEFAULT_TUNING, messageIdRadix: { docomo: 'hex' } }, clock, random);
    expect(o).toMatchObject({ carrier: 'docomo', receiptTimeoutMs: 90_000, messageIdRadix: 'hex', claimIntervalMs: DEFAULT_TUNING.claimIntervalMs });
    expect(carrierQueueOptions('au', config, DEFAULT_TUNING, clock, random).messageIdRadix).toBeUndefined();
  });
});

describe('sendWindowsFor', () => {
  it('holds dunning 08:00-21:00 JST by default, follows the config per tenant, and the tuning overrides both', () => {
    const byDefault = sendWindowsFor(resolveConfig({}), DEFAULT_TUNING);
    expect(byDefault.windowFor('default', 'dunning')).toEqual(DUNNING_WINDOW_JST);
    expect(byDefault.windowFor('default', 'otp')).toBeUndefined();
    const off = sendWindowsFor(resolveConfig({ messages: { sendWindows: { dunning: 'always' } } }), DEFAULT_TUNING);
    expect(off.windowFor('default', 'dunning')).toBeUndefined();
    const own = SendWindowPolicy.of({ promotion: DUNNING_WINDOW_JST });
    expect(sendWindowsFor(resolveConfig({}), { ...DEFAULT_TUNING, sendWindows: own })).toBe(own);
    expect(carrierQueueOptions('au', resolveConfig({}), { ...DEFAULT_TUNING, sendWindows: own }, clock, random).sendWindows).toBe(own);
  });
});
