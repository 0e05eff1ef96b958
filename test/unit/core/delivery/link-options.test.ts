// What each carrier's link and queue are made with, from config and tuning.
import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '../../../../src/runtime/index.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { DEFAULT_TUNING, carrierLinkOptions, carrierQueueOptions, heldLanesFor } from '../../../../src/core/delivery/index.ts';
import { DUNNING_WINDOW_JST } from '../../../../src/core/dispatch/index.ts';

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

describe('heldLanesFor', () => {
  it('holds dunning 08:00-21:00 JST when the config asks, nothing when it does not, and the tuning overrides both', () => {
    expect([...heldLanesFor(resolveConfig({ messages: { dunningQuietHours: true } }), DEFAULT_TUNING)]).toEqual([['dunning', DUNNING_WINDOW_JST]]);
    expect(heldLanesFor(resolveConfig({ messages: { dunningQuietHours: false } }), DEFAULT_TUNING).size).toBe(0);
    const own = new Map([['promotion' as const, DUNNING_WINDOW_JST]]);
    expect(heldLanesFor(resolveConfig({ messages: { dunningQuietHours: true } }), { ...DEFAULT_TUNING, heldLanes: own })).toBe(own);
  });
});
