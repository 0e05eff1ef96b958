import { describe, expect, it } from 'vitest';
import { type ArrivalSchedule, arrivalRateAt, constantArrivalSchedule, rampingArrivalSchedule, rampingVuSteps, rampingVusAt } from '../../../../src/harness/engine/schedule.ts';

function all(s: ArrivalSchedule, cap = 1_000_000): number[] {
  const out: number[] = [];
  for (let i = 0; i < cap; i++) {
    const v = s.next();
    if (v === undefined) break;
    out.push(v);
  }
  return out;
}

describe('constant-arrival-rate schedule', () => {
  it('rate 10 per 1s over 1s: one every 100 ms from 0', () => {
    const s = constantArrivalSchedule(10, 1000, 1000);
    expect(s.planned).toBe(10);
    expect(all(s)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('timeUnit scales the spacing (rate 1 per 200ms = every 200 ms)', () => {
    expect(all(constantArrivalSchedule(1, 200, 1000))).toEqual([0, 200, 400, 600, 800]);
  });

  it('5,000/s over 30 s plans 150,000 evenly spaced starts', () => {
    const s = constantArrivalSchedule(5000, 1000, 30_000);
    const xs = all(s);
    expect(xs).toHaveLength(150_000);
    expect(xs[1]).toBeCloseTo(0.2, 9);
    expect(xs[149_999]).toBeCloseTo(29_999.8, 6);
  });

  it('a duration that is not a multiple of the spacing keeps the partial slot', () => {
    expect(all(constantArrivalSchedule(10, 1000, 1050))).toHaveLength(11);
  });
});

describe('ramping-arrival-rate schedule (k6 cal: iteration k when the area under the rate reaches k)', () => {
  it('a constant stage of 10/s starts at 100, 200, ... 1000 ms', () => {
    const xs = all(rampingArrivalSchedule(10, 1000, [{ target: 10, durationMs: 1000 }]));
    expect(xs).toHaveLength(10);
    xs.forEach((x, i) => expect(x).toBeCloseTo((i + 1) * 100, 6));
  });

  it('a linear ramp 0 -> 10/s over 10 s starts at sqrt(2k) s and plans 50', () => {
    const s = rampingArrivalSchedule(0, 1000, [{ target: 10, durationMs: 10_000 }]);
    expect(s.planned).toBe(50);
    const xs = all(s);
    expect(xs).toHaveLength(50);
    xs.forEach((x, i) => expect(x).toBeCloseTo(Math.sqrt(2 * (i + 1)) * 1000, 6));
  });

  it('a ramp down 10 -> 0/s over 10 s mirrors it', () => {
    const xs = all(rampingArrivalSchedule(10, 1000, [{ target: 0, durationMs: 10_000 }]));
    expect(xs).toHaveLength(50);
    // area(t) = 10t - t^2/2 = k  =>  t = 10 - sqrt(100 - 2k)
    xs.forEach((x, i) => expect(x).toBeCloseTo((10 - Math.sqrt(100 - 2 * (i + 1))) * 1000, 6));
  });

  it('stages chain: ramp 0->100/s over 1 s (50), hold 100/s for 1 s (100), total 150', () => {
    const xs = all(
      rampingArrivalSchedule(0, 1000, [
        { target: 100, durationMs: 1000 },
        { target: 100, durationMs: 1000 },
      ]),
    );
    expect(xs).toHaveLength(150);
    expect(xs[49]).toBeCloseTo(1000, 6);
    expect(xs[50]).toBeCloseTo(1010, 6);
    expect(xs[149]).toBeCloseTo(2000, 6);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1] as number);
  });

  it('a stage at 0 plans nothing and the next stage starts from its time', () => {
    const xs = all(
      rampingArrivalSchedule(0, 1000, [
        { target: 0, durationMs: 5000 },
        { target: 2, durationMs: 0 },
        { target: 2, durationMs: 1000 },
      ]),
    );
    expect(xs).toEqual([5500, 6000]);
  });

  it('arrivalRateAt interpolates linearly', () => {
    const stages = [
      { target: 100, durationMs: 10_000 },
      { target: 100, durationMs: 5000 },
    ];
    expect(arrivalRateAt(0, 1000, stages, 0)).toBe(0);
    expect(arrivalRateAt(0, 1000, stages, 2500)).toBe(25);
    expect(arrivalRateAt(0, 1000, stages, 12_000)).toBe(100);
    expect(arrivalRateAt(0, 1000, stages, 15_000)).toBe(0);
    expect(arrivalRateAt(6, 60_000, [{ target: 6, durationMs: 1000 }], 500)).toBeCloseTo(0.1, 9);
  });
});

describe('ramping-vus steps', () => {
  it('0 -> 10 over 10 s adds one VU per second; 10 -> 0 over 5 s removes one every 500 ms', () => {
    const steps = rampingVuSteps(0, [
      { target: 10, durationMs: 10_000 },
      { target: 0, durationMs: 5000 },
    ]);
    expect(steps[0]).toEqual({ atMs: 0, vus: 0 });
    expect(steps.slice(1, 4)).toEqual([
      { atMs: 1000, vus: 1 },
      { atMs: 2000, vus: 2 },
      { atMs: 3000, vus: 3 },
    ]);
    expect(steps[10]).toEqual({ atMs: 10_000, vus: 10 });
    expect(steps[11]).toEqual({ atMs: 10_500, vus: 9 });
    expect(steps.at(-1)).toEqual({ atMs: 15_000, vus: 0 });
    expect(rampingVusAt(0, [{ target: 10, durationMs: 10_000 }], 4500)).toBe(4);
    expect(rampingVusAt(1, [{ target: 1, durationMs: 10_000 }], 4500)).toBe(1);
  });
});
