import { describe, expect, it } from 'vitest';
import { LANE_SPAN, LANES, laneSequence, scenarioLane } from '../../../scenarios/lib/lanes.ts';

describe('scenarioLane', () => {
  it('gives lane 0 when the script has no scenarios block (the vus/duration shortcut runs one)', () => {
    expect(scenarioLane('default', [])).toBe(0);
  });

  it('ranks a scenario among the names in sorted order, whatever order the script declared them in', () => {
    const declared = ['otp', 'notice', 'docomo_outage'];
    expect(scenarioLane('docomo_outage', declared)).toBe(0);
    expect(scenarioLane('notice', declared)).toBe(1);
    expect(scenarioLane('otp', declared)).toBe(2);
    // k6 hands the keys over sorted; the built-in engine in script order: same lanes.
    expect(scenarioLane('otp', [...declared].sort())).toBe(2);
  });

  it('gives every scenario of a script a lane of its own', () => {
    const names = ['otp', 'blast', 'notice', 'promo', 'control'];
    expect(new Set(names.map((n) => scenarioLane(n, names))).size).toBe(names.length);
  });

  it('refuses a scenario that is not among the names', () => {
    expect(() => scenarioLane('ghost', ['otp'])).toThrow(/"ghost" is not among the script's scenarios \(otp\)/);
  });

  it('refuses a script with more scenarios than lanes', () => {
    const names = Array.from({ length: LANES + 1 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    expect(scenarioLane(names[LANES - 1] as string, names)).toBe(LANES - 1);
    expect(() => scenarioLane(names[LANES] as string, names)).toThrow(/at most 12 scenarios/);
  });
});

describe('laneSequence', () => {
  it('is lane × LANE_SPAN + the iteration', () => {
    expect(laneSequence(0, 0)).toBe(0);
    expect(laneSequence(0, 41)).toBe(41);
    expect(laneSequence(2, 7)).toBe(2 * LANE_SPAN + 7);
    expect(laneSequence(LANES - 1, LANE_SPAN - 1)).toBe(LANES * LANE_SPAN - 1);
  });

  it('refuses a lane outside [0, LANES) and an iteration past the lane', () => {
    expect(() => laneSequence(-1, 0)).toThrow(/lane must be an integer in \[0, 12\), got -1/);
    expect(() => laneSequence(LANES, 0)).toThrow(/got 12/);
    expect(() => laneSequence(1.5, 0)).toThrow(/got 1.5/);
    expect(() => laneSequence(3, LANE_SPAN)).toThrow(/lane 3 ran out of sequence numbers \(5000000\)/);
  });
});
