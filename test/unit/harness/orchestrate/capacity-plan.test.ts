import { describe, expect, it } from 'vitest';
import { highestPassing, nextScale, type CapacityStep } from '../../../../src/harness/orchestrate/capacity-plan.ts';
import { fitUsl, uslThroughput } from '../../../../src/harness/model/usl.ts';
import { formatCapacity } from '../../../../src/harness/orchestrate/capacity-plan.ts';

const plan = { start: 1, factor: 2, maxSteps: 4, refine: 1 };
const step = (rateScale: number, passed: boolean, throughput = rateScale * 10): CapacityStep => ({ rateScale, passed, throughput, broken: passed ? [] : ['otp_on_time rate>=0.99'], runId: 'AAAA' });

describe('capacity stepping', () => {
  it('starts at start and multiplies by factor while every step passes', () => {
    expect(nextScale(plan, [])).toBe(1);
    expect(nextScale(plan, [step(1, true)])).toBe(2);
    expect(nextScale(plan, [step(1, true), step(2, true)])).toBe(4);
  });

  it('stops after maxSteps passing steps', () => {
    expect(nextScale(plan, [step(1, true), step(2, true), step(4, true), step(8, true)])).toBeUndefined();
  });

  it('bisects once between the last pass and the first failure, then stops', () => {
    const steps = [step(1, true), step(2, true), step(4, false)];
    expect(nextScale(plan, steps)).toBe(3);
    expect(nextScale(plan, [...steps, step(3, true)])).toBeUndefined();
    expect(highestPassing([...steps, step(3, true)])?.rateScale).toBe(3);
  });

  it('gives no passing step when the first one fails', () => {
    expect(nextScale(plan, [step(1, false)])).toBeUndefined();
    expect(highestPassing([step(1, false)])).toBeUndefined();
    expect(formatCapacity([step(1, false)], undefined, undefined)).toContain('No step held every SLA');
  });

  it('does not report a pass above a failure', () => {
    expect(highestPassing([step(1, true), step(2, false), step(4, true)])?.rateScale).toBe(1);
  });
});

describe('Universal Scalability Law fit', () => {
  it('recovers the parameters of exact USL data', () => {
    const truth = { lambda: 100, sigma: 0.05, kappa: 0.002 };
    const points = [1, 2, 4, 8, 16, 32].map((n) => ({ n, x: uslThroughput(truth, n) }));
    const fit = fitUsl(points);
    expect(fit).toBeDefined();
    expect(fit?.lambda).toBeCloseTo(100, 6);
    expect(fit?.sigma).toBeCloseTo(0.05, 6);
    expect(fit?.kappa).toBeCloseTo(0.002, 6);
    expect(fit?.peakN).toBeCloseTo(Math.sqrt(0.95 / 0.002), 4);
    expect(fit?.r2).toBeCloseTo(1, 9);
  });

  it('sees linear scaling as no contention and no peak', () => {
    const fit = fitUsl([1, 2, 3, 4].map((n) => ({ n, x: 25 * n })));
    expect(fit?.lambda).toBeCloseTo(25, 6);
    expect(fit?.sigma).toBeCloseTo(0, 6);
    expect(fit?.kappa).toBeCloseTo(0, 6);
  });

  it('needs three distinct loads', () => {
    expect(fitUsl([{ n: 1, x: 10 }, { n: 2, x: 20 }])).toBeUndefined();
    expect(fitUsl([{ n: 1, x: 10 }, { n: 1, x: 11 }, { n: 2, x: 20 }])).toBeUndefined();
  });
});
