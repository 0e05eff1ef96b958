import { describe, expect, it } from 'vitest';
import { fitUsl, uslThroughput, type UslParameters } from '../../../../src/harness/model/usl.ts';
import { projectUsl } from '../../../../src/harness/model/usl-projection.ts';

const truths = [
  { lambda: 100, sigma: 0.05, kappa: 0.002 },
  { lambda: 50, sigma: 0.3, kappa: 0 },
  { lambda: 20, sigma: 0, kappa: 0.05 },
  { lambda: 80, sigma: 0.1, kappa: 0.0001 },
];

describe('fitUsl (least squares, σ κ ≥ 0)', () => {
  for (const truth of truths) {
    it(`recovers λ=${truth.lambda} σ=${truth.sigma} κ=${truth.kappa} from exact points at 1..4 nodes`, () => {
      const fit = fitUsl([1, 2, 3, 4].map((n) => ({ n, x: uslThroughput(truth, n) })));
      expect(fit?.lambda).toBeCloseTo(truth.lambda, 4);
      expect(fit?.sigma).toBeCloseTo(truth.sigma, 5);
      expect(fit?.kappa).toBeCloseTo(truth.kappa, 6);
      expect(fit?.rmse).toBeLessThan(1e-6);
      expect(fit?.atBound).toEqual([]);
    });
  }

  it('recovers exact data over a wide range of loads, with its peak', () => {
    const truth = { lambda: 100, sigma: 0.05, kappa: 0.002 };
    const fit = fitUsl([1, 2, 4, 8, 16, 32].map((n) => ({ n, x: uslThroughput(truth, n) })));
    expect(fit?.lambda).toBeCloseTo(100, 6);
    expect(fit?.sigma).toBeCloseTo(0.05, 6);
    expect(fit?.kappa).toBeCloseTo(0.002, 6);
    expect(fit?.peakN).toBeCloseTo(Math.sqrt(0.95 / 0.002), 4);
    expect(fit?.r2).toBeCloseTo(1, 9);
  });

  it('sees linear scaling as no contention and no peak', () => {
    const fit = fitUsl([1, 2, 3, 4].map((n) => ({ n, x: 25 * n })));
    expect(fit?.lambda).toBeCloseTo(25, 6);
    expect(fit?.sigma).toBe(0);
    expect(fit?.kappa).toBe(0);
    expect(fit?.peakN).toBe(Number.POSITIVE_INFINITY);
  });

  it('is deterministic and keeps σ, κ ≥ 0 on noisy points that would pull them negative', () => {
    // Superlinear points (better than linear): the unconstrained optimum has σ < 0.
    const points = [
      { n: 1, x: 10 },
      { n: 2, x: 21 },
      { n: 3, x: 33 },
      { n: 4, x: 46 },
    ];
    const a = fitUsl(points);
    const b = fitUsl(points);
    expect(a).toEqual(b);
    expect(a?.sigma).toBe(0);
    expect(a?.kappa).toBe(0);
    // With σ = κ = 0, least squares λ = Σxn / Σn².
    expect(a?.lambda).toBeCloseTo((10 + 42 + 99 + 184) / 30, 9);
    expect(a?.rmse).toBeGreaterThan(0);
  });

  it('on noisy points, leaves no more squared error than the true curve does', () => {
    const truth = { lambda: 40, sigma: 0.08, kappa: 0.003 };
    const noise = [0.02, -0.015, 0.01, -0.02, 0.015, -0.01];
    const points = [1, 2, 3, 4, 6, 8].map((n, i) => ({ n, x: uslThroughput(truth, n) * (1 + (noise[i] as number)) }));
    const fit = fitUsl(points);
    expect(fit?.lambda).toBeGreaterThan(38);
    expect(fit?.lambda).toBeLessThan(42);
    const sse = (f: (n: number) => number) => points.reduce((s, p) => s + (p.x - f(p.n)) ** 2, 0);
    const fitted = sse((n) => uslThroughput(fit as UslParameters, n));
    // Least squares: the minimum over the parameters is no worse than the truth (and not 0: noise).
    expect(fitted).toBeLessThanOrEqual(sse((n) => uslThroughput(truth, n)) + 1e-9);
    expect(fitted).toBeGreaterThan(0);
  });

  it('refuses fewer than 3 distinct loads, and points with no throughput', () => {
    expect(fitUsl([])).toBeUndefined();
    expect(fitUsl([{ n: 1, x: 10 }, { n: 2, x: 20 }])).toBeUndefined();
    expect(fitUsl([{ n: 1, x: 10 }, { n: 1, x: 11 }, { n: 2, x: 20 }])).toBeUndefined();
    expect(fitUsl([{ n: 1, x: 10 }, { n: 2, x: 20 }, { n: 3, x: 0 }])).toBeUndefined();
    expect(fitUsl([{ n: 1, x: 10 }, { n: 2, x: 20 }, { n: 3, x: Number.NaN }])).toBeUndefined();
  });
});

describe('projectUsl', () => {
  it('refuses with fewer than 3 node counts, naming how many it has', () => {
    const p = projectUsl([{ n: 1, x: 10 }, { n: 2, x: 18 }], [4, 8]);
    expect(p).toEqual({ state: 'refused', reason: 'no USL fit: it needs a sustained throughput at 3 or more distinct node counts (it has 3 parameters, λ σ κ), and 2 have one' });
  });

  it('fits but refuses to project from exactly 3 node counts', () => {
    const p = projectUsl([{ n: 1, x: 10 }, { n: 2, x: 18 }, { n: 3, x: 24 }], [4, 8]);
    expect(p.state).toBe('refused');
    if (p.state !== 'refused') return;
    expect(p.reason).toMatch(/^no projection: 3 node counts for the 3 parameters leave no degree of freedom/);
    expect(p.fit?.rmse).toBeLessThan(1e-6);
  });

  it('projects from 4 exact points with a band that collapses onto the curve', () => {
    const truth = { lambda: 30, sigma: 0.1, kappa: 0.01 };
    const p = projectUsl([1, 2, 3, 4].map((n) => ({ n, x: uslThroughput(truth, n) })), [8, 16]);
    expect(p.state).toBe('projected');
    if (p.state !== 'projected') return;
    expect(p.leaveOneOutFits).toBe(4);
    for (const q of p.points) {
      expect(q.predicted).toBeCloseTo(uslThroughput(truth, q.n), 3);
      expect(q.high - q.low).toBeLessThan(1e-3);
    }
  });

  it('widens the band when one point disagrees, and the band contains the fit', () => {
    const truth = { lambda: 30, sigma: 0.1, kappa: 0.01 };
    const points = [1, 2, 3, 4].map((n) => ({ n, x: uslThroughput(truth, n) * (n === 4 ? 1.1 : 1) }));
    const p = projectUsl(points, [8]);
    if (p.state !== 'projected') throw new Error(p.reason);
    const q = p.points[0] as { n: number; predicted: number; low: number; high: number };
    expect(q.high - q.low).toBeGreaterThan(1);
    expect(q.low).toBeLessThanOrEqual(q.predicted);
    expect(q.high).toBeGreaterThanOrEqual(q.predicted);
    expect(p.residualError).toBeGreaterThan(0);
  });
});
