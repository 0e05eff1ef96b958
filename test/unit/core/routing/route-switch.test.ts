// The fallback switch and the route choice, on fake time (ManualClock).
import { describe, expect, it } from 'vitest';
import { chooseRoute, DIRECT, nextSwitchState, overrideFor, RouteTable, type RouteOverride, type SwitchMode } from '../../../../src/core/routing/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

const POLICY = { failAfterMs: 2000, returnAfterMs: 5000 };
const CATEGORIES = { otp: 'fallback', notice: 'fallback', dunning: 'wait', promotion: 'wait' } as const;

function table(clock: ManualClock, hasAggregator = true) {
  const switches: Array<[string, SwitchMode, string]> = [];
  const t = new RouteTable({ clock, ...POLICY, categories: CATEGORIES, hasAggregator, onSwitch: (c, to, why) => switches.push([c, to, why]) });
  return { t, switches };
}

describe('nextSwitchState', () => {
  const h = (downSince?: number, upSince?: number, failingSince?: number) => ({ downSince, upSince, failingSince });
  it.each([
    ['bound and answering', h(undefined, 0, undefined), 10_000, 'direct'],
    ['down 1999 ms', h(8001, undefined, undefined), 10_000, 'direct'],
    ['down 2000 ms', h(8000, undefined, undefined), 10_000, 'fallback'],
    ['failing 1999 ms', h(undefined, 0, 8001), 10_000, 'direct'],
    ['failing 2000 ms while bound', h(undefined, 0, 8000), 10_000, 'fallback'],
  ] as const)('direct, %s -> %s', (_name, health, now, mode) => {
    expect(nextSwitchState(DIRECT, health, POLICY, now).mode).toBe(mode);
  });

  it('returns once a bind has been bound returnAfterMs, counted from the switch at the earliest', () => {
    const fallen = { mode: 'fallback', since: 10_000 } as const;
    expect(nextSwitchState(fallen, h(10_000, undefined, undefined), POLICY, 60_000)).toBe(fallen);
    expect(nextSwitchState(fallen, h(undefined, 20_000, undefined), POLICY, 24_999)).toBe(fallen);
    expect(nextSwitchState(fallen, h(undefined, 20_000, undefined), POLICY, 25_000)).toBe(DIRECT);
    // Bound all along (it fell back for failing submits): five seconds after the switch.
    expect(nextSwitchState(fallen, h(undefined, 0, 9_000), POLICY, 14_999)).toBe(fallen);
    expect(nextSwitchState(fallen, h(undefined, 0, 9_000), POLICY, 15_000)).toBe(DIRECT);
  });
});

describe('chooseRoute and overrideFor', () => {
  const policy = { categories: CATEGORIES, hasAggregator: true };
  it.each([
    ['direct', undefined, 'promotion', 'direct'],
    ['fallback', undefined, 'otp', 'aggregator'],
    ['fallback', undefined, 'notice', 'aggregator'],
    ['fallback', undefined, 'dunning', 'hold'],
    ['fallback', undefined, 'promotion', 'hold'],
    ['fallback', 'direct', 'otp', 'direct'],
    ['direct', 'fallback', 'promotion', 'aggregator'],
    ['direct', 'hold', 'otp', 'hold'],
  ] as const)('switch %s, override %s, %s -> %s', (mode, override, category, route) => {
    expect(chooseRoute(mode, override, category, policy)).toBe(route);
  });

  it("holds what would fall back when no aggregator is configured (an operator's fallback included)", () => {
    const none = { categories: CATEGORIES, hasAggregator: false };
    expect(chooseRoute('fallback', undefined, 'otp', none)).toBe('hold');
    expect(chooseRoute('direct', 'fallback', 'otp', none)).toBe('hold');
  });

  it('a category override outranks a carrier-wide one; the last of equals wins; other carriers untouched', () => {
    const list: RouteOverride[] = [
      { carrier: 'au', category: 'otp', mode: 'direct' },
      { carrier: 'au', mode: 'hold' },
      { carrier: 'au', mode: 'fallback' },
    ];
    expect(overrideFor(list, 'au', 'otp')).toBe('direct');
    expect(overrideFor(list, 'au', 'promotion')).toBe('fallback');
    expect(overrideFor(list, 'docomo', 'otp')).toBeUndefined();
  });
});

describe('RouteTable on fake time', () => {
  it('falls back failAfterMs after the last bind drops, and returns returnAfterMs after one is bound again', () => {
    const clock = new ManualClock();
    const { t, switches } = table(clock);
    t.bound('docomo', 2);
    clock.advance(60_000);
    expect(t.choose('docomo', 'otp')).toBe('direct');
    t.bound('docomo', 0);
    clock.advance(1999);
    expect(t.choose('docomo', 'otp')).toBe('direct');
    clock.advance(1);
    expect(t.choose('docomo', 'otp')).toBe('aggregator');
    expect(t.choose('docomo', 'promotion')).toBe('hold');
    expect(t.choose('au', 'otp')).toBe('direct');
    clock.advance(10_000);
    t.bound('docomo', 1);
    clock.advance(4999);
    expect(t.mode('docomo')).toBe('fallback');
    clock.advance(1);
    expect(t.mode('docomo')).toBe('direct');
    expect(t.choose('docomo', 'promotion')).toBe('direct');
    expect(switches).toEqual([
      ['docomo', 'fallback', 'no direct bind bound'],
      ['docomo', 'direct', 'direct bind bound again'],
    ]);
  });

  it('falls back while bound when submits fail with no good answer for failAfterMs; a good answer resets it', () => {
    const clock = new ManualClock();
    const { t } = table(clock);
    t.bound('au', 2);
    t.submitFailed('au');
    clock.advance(1500);
    t.submitAnswered('au');
    t.submitFailed('au');
    clock.advance(1999);
    expect(t.mode('au')).toBe('direct');
    t.submitFailed('au'); // more failures do not move the start
    clock.advance(1);
    expect(t.mode('au')).toBe('fallback');
    // Back after returnAfterMs (bound all along), with a clean slate: old failures do not send it straight back.
    clock.advance(5000);
    expect(t.mode('au')).toBe('direct');
    expect(t.health('au').failingSince).toBeUndefined();
    clock.advance(60_000);
    expect(t.mode('au')).toBe('direct');
  });

  it('a carrier whose links never come up falls back failAfterMs after start', () => {
    const clock = new ManualClock();
    const { t } = table(clock);
    expect(t.mode('softbank')).toBe('direct');
    clock.advance(2000);
    expect(t.mode('softbank')).toBe('fallback');
  });

  it('without an aggregator the switch never leaves direct', () => {
    const clock = new ManualClock();
    const { t, switches } = table(clock, false);
    t.bound('docomo', 0);
    clock.advance(600_000);
    expect(t.choose('docomo', 'otp')).toBe('direct');
    expect(switches).toEqual([]);
  });

  it('overrides outrank the switch until a later list (replacing the whole list) clears them', () => {
    const clock = new ManualClock();
    const { t } = table(clock);
    t.bound('docomo', 0);
    clock.advance(5000);
    expect(t.choose('docomo', 'otp')).toBe('aggregator');
    t.setOverrides([{ carrier: 'docomo', mode: 'direct' }]);
    expect(t.choose('docomo', 'otp')).toBe('direct');
    t.setOverrides([{ carrier: 'docomo', category: 'promotion', mode: 'fallback' }]);
    expect(t.choose('docomo', 'otp')).toBe('aggregator');
    expect(t.choose('docomo', 'promotion')).toBe('aggregator');
    t.setOverrides([]);
    expect(t.choose('docomo', 'promotion')).toBe('hold');
    expect(t.standingOverrides).toEqual([]);
  });
});
