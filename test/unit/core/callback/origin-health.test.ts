// The per-origin state machine, as a table: which results count against an
// origin, when it backs off, how long, and what a probe's answer does.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { FAILURES_BEFORE_BACKOFF, afterFailure, afterSuccess, atTime, inFlightBound, isOriginFailure, type OriginHealth } from '../../../../src/core/callback/index.ts';

const policy = { initialDelayMs: 1000, maxDelayMs: 8000, maxAgeSeconds: 3600 };
const T0 = 1_000_000;

describe('isOriginFailure', () => {
  it.each([
    [undefined, true], // timeout, refused, reset
    [500, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [404, false],
    [410, false],
    [200, false],
  ])('status %s -> %s', (status, expected) => {
    expect(isOriginFailure(status)).toBe(expected);
  });
});

describe('origin health', () => {
  it(`backs off after ${FAILURES_BEFORE_BACKOFF} failures in a row, not before; a success in between starts the count again`, () => {
    const random = new SeededRandom(1);
    let h: OriginHealth = afterSuccess();
    h = afterFailure(h, T0, policy, random);
    h = afterFailure(h, T0, policy, random);
    expect(h).toEqual({ state: 'healthy', failures: 2 });
    h = afterSuccess();
    h = afterFailure(afterFailure(h, T0, policy, random), T0, policy, random);
    expect(h.state).toBe('healthy');
    h = afterFailure(h, T0, policy, random);
    expect(h.state).toBe('backing_off');
    if (h.state !== 'backing_off') return;
    // The first back-off: initialDelayMs with half of it random.
    expect(h.until - T0).toBeGreaterThanOrEqual(500);
    expect(h.until - T0).toBeLessThanOrEqual(1000);
    expect(h.level).toBe(1);
  });

  it('sends nothing while backing off, one probe after it, the full bound after a success', () => {
    const h: OriginHealth = { state: 'backing_off', until: T0 + 800, level: 1 };
    expect(inFlightBound(atTime(h, T0 + 799), 64)).toBe(0);
    const probing = atTime(h, T0 + 800);
    expect(probing).toEqual({ state: 'probing', level: 1 });
    expect(inFlightBound(probing, 64)).toBe(1);
    expect(inFlightBound(afterSuccess(), 64)).toBe(64);
  });

  it('a failed probe doubles the back-off, up to maxDelayMs', () => {
    const random = new SeededRandom(2);
    const delays: number[] = [];
    let h: OriginHealth = { state: 'probing', level: 1 };
    for (let i = 0; i < 6; i++) {
      const now = T0 + i * 100_000;
      h = afterFailure(h, now, policy, random);
      if (h.state !== 'backing_off') throw new Error(`expected backing_off, got ${h.state}`);
      delays.push(h.until - now);
      h = atTime(h, h.until);
    }
    // Levels 2..7: caps 2000, 4000, 8000, 8000, 8000, 8000; each delay in [cap/2, cap].
    const caps = [2000, 4000, 8000, 8000, 8000, 8000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(caps[i]! / 2);
      expect(d).toBeLessThanOrEqual(caps[i]!);
    });
  });

  it('a failure of a request sent before the back-off began changes nothing', () => {
    const h: OriginHealth = { state: 'backing_off', until: T0 + 800, level: 3 };
    expect(afterFailure(h, T0 + 10, policy, new SeededRandom(3))).toBe(h);
  });
});
