import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { DEFAULT_SEND_RATE, SendRate, type SendRatePolicy } from '../../../../src/core/carrier/send-rate.ts';

const policy: SendRatePolicy = { ...DEFAULT_SEND_RATE, backoff: { baseMs: 100, maxMs: 5_000, jitter: 0 } };

describe('SendRate', () => {
  it('starts at the cap; a throttled answer pauses the link with the base back-off', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    expect(r.tps).toBe(1000);
    expect(r.throttled(0, 10)).toBe(100);
  });

  it('answers to submits sent before the link reacted are ignored: no pause, no cut', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    r.throttled(0, 10);
    for (let i = 0; i < 100; i++) expect(r.throttled(5, 11 + i)).toBe(0);
    expect(r.tps).toBe(1000);
  });

  it('dense throttling cuts the rate: three throttled answers in a row after reacting', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    expect(r.throttled(0, 0)).toBe(100);
    expect(r.throttled(100, 100)).toBe(200);
    expect(r.tps).toBe(1000);
    expect(r.throttled(300, 300)).toBe(400);
    expect(r.tps).toBe(700);
    // The share starts over after a cut: the next cut needs dense throttling again.
    r.throttled(700, 700);
    r.throttled(800, 800);
    expect(r.tps).toBe(700);
    r.throttled(900, 900);
    expect(r.tps).toBeCloseTo(490);
  });

  it('sporadic throttling (1 answer in 20) pauses but never cuts', () => {
    const r = new SendRate(30, policy, new SeededRandom(1));
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += 100;
      if (i % 20 === 19) expect(r.throttled(t, t + 10)).toBe(100);
      else r.accepted(t, t + 10);
    }
    expect(r.tps).toBe(30);
  });

  it('an accept in between keeps the pause at its base', () => {
    const r = new SendRate(1000, policy, new SeededRandom(1));
    expect(r.throttled(0, 0)).toBe(100);
    expect(r.throttled(1, 1)).toBe(200);
    r.accepted(2, 3);
    expect(r.throttled(4, 4)).toBe(100);
  });

  it('climbs back by a tenth per second after a cut, never above the cap', () => {
    const r = new SendRate(100, policy, new SeededRandom(1));
    for (let t = 0; t < 3; t++) r.throttled(t, t);
    expect(r.tps).toBe(70);
    expect(r.accepted(500, 500)).toBe(false);
    expect(r.accepted(1002, 1002)).toBe(true);
    expect(r.tps).toBeCloseTo(77);
    for (let t = 2000; t <= 10_000; t += 1000) r.accepted(t, t);
    expect(r.tps).toBe(100);
    expect(r.accepted(20_000, 20_000)).toBe(false);
  });

  it('never goes below minTps (nor above a cap smaller than it)', () => {
    const r = new SendRate(10, policy, new SeededRandom(1));
    for (let i = 0; i < 200; i++) r.throttled(i, i);
    expect(r.tps).toBe(1);
    const tiny = new SendRate(0.5, policy, new SeededRandom(1));
    for (let i = 0; i < 10; i++) tiny.throttled(i, i);
    expect(tiny.tps).toBe(0.5);
    expect(() => new SendRate(0, policy, new SeededRandom(1))).toThrow(RangeError);
  });
});
