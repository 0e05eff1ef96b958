// The Universal Scalability Law (Gunther): throughput at load N is
//
//   X(N) = λN / (1 + σ(N−1) + κN(N−1))
//
// λ the throughput of one unit of load (one node, or one base rate), σ
// contention (the serial share), κ coherency cost (crosstalk between units).
// Peak throughput is at N* = sqrt((1−σ)/κ) when κ > 0. Pure.
//
// The fit is least squares on X itself (not on a linearised N/X, which
// weights the points unevenly), with σ in [0, 1] and κ in [0, 1]:
//
// - for fixed (σ, κ) the model is linear in λ, so the best λ has a closed
//   form: λ = Σ xᵢgᵢ / Σ gᵢ², gᵢ = Nᵢ / (1 + σ(Nᵢ−1) + κNᵢ(Nᵢ−1));
// - (σ, κ) minimise the squared residuals over a fixed grid (σ linear,
//   κ geometric from 1e-6, plus 0), then a compass search from the grid's
//   best point, halving its steps when no move improves, at most
//   MAX_EVALUATIONS evaluations.
//
// Deterministic (no random starts), bounded (a fixed number of evaluations),
// and σ, κ ≥ 0 by construction.

export interface UslPoint {
  /** Load: node count, or the offered rate in units of a base rate. */
  n: number;
  /** Measured throughput at that load (> 0). */
  x: number;
}

export interface UslParameters {
  lambda: number;
  sigma: number;
  kappa: number;
}

export interface UslFit extends UslParameters {
  /** Load of peak throughput (Infinity when κ = 0). */
  peakN: number;
  /** Throughput the model predicts at peakN (λ/σ as N→∞ when κ = 0 and σ > 0). */
  peakX: number;
  /** Coefficient of determination of X against the model, on the given points. */
  r2: number;
  /** Root of the mean squared residual, in the unit of x. */
  rmse: number;
  /** Measured minus predicted, per point, in the order given. */
  residuals: Array<{ n: number; x: number; predicted: number; residual: number }>;
  /** Parameters the search ended on a bound of (σ = 1, κ = 1): the data pull outside the model's range. */
  atBound: Array<'sigma' | 'kappa'>;
}

export const SIGMA_MAX = 1;
export const KAPPA_MAX = 1;
const MAX_EVALUATIONS = 20_000;

export function uslThroughput(p: UslParameters, n: number): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

function usable(points: readonly UslPoint[]): UslPoint[] {
  return points.filter((p) => p.n > 0 && p.x > 0 && Number.isFinite(p.n) && Number.isFinite(p.x));
}

/** The best λ for (σ, κ) and the squared residuals it leaves. */
function bestLambda(pts: readonly UslPoint[], sigma: number, kappa: number): { lambda: number; sse: number } {
  let xg = 0;
  let gg = 0;
  const g = pts.map((p) => p.n / (1 + sigma * (p.n - 1) + kappa * p.n * (p.n - 1)));
  pts.forEach((p, i) => {
    xg += p.x * (g[i] as number);
    gg += (g[i] as number) ** 2;
  });
  const lambda = xg / gg;
  let sse = 0;
  pts.forEach((p, i) => (sse += (p.x - lambda * (g[i] as number)) ** 2));
  return { lambda, sse };
}

const clamp = (v: number, hi: number): number => Math.min(hi, Math.max(0, v));

/**
 * Fits the USL to points at 3 or more distinct loads (3 parameters);
 * undefined when there are fewer. Points with x ≤ 0 or non-finite values
 * are left out.
 */
export function fitUsl(points: readonly UslPoint[]): UslFit | undefined {
  const pts = usable(points);
  if (new Set(pts.map((p) => p.n)).size < 3) return undefined;
  let evaluations = 0;
  const sseAt = (s: number, k: number): number => {
    evaluations++;
    return bestLambda(pts, s, k).sse;
  };
  // The grid: σ in steps of 1/40, κ ∈ {0} ∪ 1e-6 · 10^(i/5) up to 1.
  const sigmas = Array.from({ length: 41 }, (_, i) => (i / 40) * SIGMA_MAX);
  const kappas = [0, ...Array.from({ length: 31 }, (_, i) => 1e-6 * 10 ** (i / 5))].map((k) => Math.min(k, KAPPA_MAX));
  let best = { s: 0, k: 0, sse: Number.POSITIVE_INFINITY };
  for (const s of sigmas) {
    for (const k of kappas) {
      const sse = sseAt(s, k);
      if (sse < best.sse) best = { s, k, sse };
    }
  }
  // Compass search from the grid's best point.
  let stepS = SIGMA_MAX / 40;
  let stepK = Math.max(best.k, 1e-6);
  while (evaluations < MAX_EVALUATIONS && (stepS > 1e-12 || stepK > 1e-15)) {
    let moved = false;
    for (const [ds, dk] of [
      [stepS, 0],
      [-stepS, 0],
      [0, stepK],
      [0, -stepK],
      [stepS, -stepK],
      [-stepS, stepK],
      [stepS, stepK],
      [-stepS, -stepK],
    ] as const) {
      const s = clamp(best.s + ds, SIGMA_MAX);
      const k = clamp(best.k + dk, KAPPA_MAX);
      if (s === best.s && k === best.k) continue;
      const sse = sseAt(s, k);
      if (sse < best.sse) {
        best = { s, k, sse };
        moved = true;
        break;
      }
    }
    if (!moved) {
      stepS /= 2;
      stepK /= 2;
    }
  }
  const { lambda } = bestLambda(pts, best.s, best.k);
  const params = { lambda, sigma: best.s, kappa: best.k };
  const peakN = params.kappa > 0 ? Math.sqrt(Math.max(0, 1 - params.sigma) / params.kappa) : Number.POSITIVE_INFINITY;
  const peakX = Number.isFinite(peakN) ? uslThroughput(params, peakN) : params.sigma > 0 ? lambda / params.sigma : Number.POSITIVE_INFINITY;
  const residuals = pts.map((p) => {
    const predicted = uslThroughput(params, p.n);
    return { n: p.n, x: p.x, predicted, residual: p.x - predicted };
  });
  const mean = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const ssTot = pts.reduce((s, p) => s + (p.x - mean) ** 2, 0);
  const ssRes = residuals.reduce((s, r) => s + r.residual ** 2, 0);
  const atBound: UslFit['atBound'] = [];
  if (params.sigma >= SIGMA_MAX) atBound.push('sigma');
  if (params.kappa >= KAPPA_MAX) atBound.push('kappa');
  return { ...params, peakN, peakX, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1, rmse: Math.sqrt(ssRes / pts.length), residuals, atBound };
}
