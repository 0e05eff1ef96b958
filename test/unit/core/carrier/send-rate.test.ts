import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { DEFAULT_SEND_RATE, SendRate, type SendRatePolicy } from '../../../../src/core/carrier/send-rate.ts';

const policy: SendRatePolicy = { ...DEFAULT_SEND_RATE, backoff: { baseMs: 100, maxMs: 5_000, jitter: 0 } };

describe('SendRate', () => {
  it('starts at the cap; a throttle episode cuts it and pauses with the base back-off', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    expect(r.tps).toBe(1000);
    expect(r.throttled(0, 10)).toBe(100);
    expect(r.tps).toBe(700);
  });

  it('answers to submits sent before the cut belong to that episode: no second cut, no pause', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    r.throttled(0, 10);
    for (let i = 0; i < 100; i++) expect(r.throttled(5, 11 + i)).toBe(0);
    expect(r.tps).toBe(700);
    // A submit sent after the cut and throttled too: a new episode, a longer pause.
    expect(r.throttled(300, 320)).toBe(200);
    expect(r.tps).toBeCloseTo(490);
  });

  it('the pause grows only while nothing is accepted between episodes', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    expect(r.throttled(0, 0)).toBe(100);
    expect(r.throttled(1, 1)).toBe(200);
    expect(r.throttled(2, 2)).toBe(400);
    r.accepted(3);
    expect(r.throttled(4, 4)).toBe(100);
  });

  it('climbs back by a tenth per second without throttling, never above the cap', () => {
    const r = new SendRate(100, policy, new SeededRandom(1));
    r.throttled(0, 0);
    expect(r.tps).toBe(70);
    expect(r.accepted(500)).toBe(false);
    expect(r.accepted(1000)).toBe(true);
    expect(r.tps).toBeCloseTo(77);
    for (let t = 2000; t <= 10_000; t += 1000) r.accepted(t);
    expect(r.tps).toBe(100);
    expect(r.accepted(20_000)).toBe(false);
  });

  it('never goes below minTps (nor above a cap smaller than it)', () => {
    const r = new SendRate(10, policy, new SeededRandom(1));
    for (let i = 0; i < 50; i++) r.throttled(i, i);
    expect(r.tps).toBe(1);
    const tiny = new SendRate(0.5, policy, new SeededRandom(1));
    tiny.throttled(0, 0);
    expect(tiny.tps).toBe(0.5);
    expect(() => new SendRate(0, policy, new SeededRandom(1))).toThrow(RangeError);
  });
});
