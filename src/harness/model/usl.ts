// The Universal Scalability Law (Gunther): throughput at load N is
//
//   X(N) = λN / (1 + σ(N−1) + κN(N−1))
//
// λ the throughput of one unit of load, σ contention (serial share), κ
// coherency cost (crosstalk). Dividing through gives a model linear in
// (a, b, c) = (1/λ, σ/λ, κ/λ):
//
//   N / X = a + b(N−1) + c·N(N−1)
//
// which ordinary least squares solves in closed form (3×3 normal equations).
// Pure. Peak throughput is at N* = sqrt((1−σ)/κ) when κ > 0.

export interface UslPoint {
  /** Load: concurrency, or the offered rate in units of a base rate. */
  n: number;
  /** Measured throughput at that load (> 0). */
  x: number;
}

export interface UslFit {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Load of peak throughput (Infinity when κ = 0). */
  peakN: number;
  /** Throughput the model predicts at peakN (λ/σ as N→∞ when κ = 0 and σ > 0). */
  peakX: number;
  /** Coefficient of determination of X against the model, on the given points. */
  r2: number;
}

export function uslThroughput(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

function solve3(m: number[][], v: number[]): number[] | undefined {
  // Gaussian elimination with partial pivoting on a 3×3 system.
  const a = m.map((row, i) => [...row, v[i] as number]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs((a[r] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = r;
    if (Math.abs((a[pivot] as number[])[col] as number) < 1e-12) return undefined;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const p = a[col] as number[];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const row = a[r] as number[];
      const f = (row[col] as number) / (p[col] as number);
      for (let k = col; k < 4; k++) row[k] = (row[k] as number) - f * (p[k] as number);
    }
  }
  return a.map((row, i) => (row[3] as number) / (row[i] as number));
}

/** Fits the USL to at least 3 points with distinct loads; undefined when it cannot. */
export function fitUsl(points: readonly UslPoint[]): UslFit | undefined {
  const pts = points.filter((p) => p.n > 0 && p.x > 0 && Number.isFinite(p.n) && Number.isFinite(p.x));
  if (new Set(pts.map((p) => p.n)).size < 3) return undefined;
  const ata = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const aty = [0, 0, 0];
  for (const p of pts) {
    const f = [1, p.n - 1, p.n * (p.n - 1)];
    const y = p.n / p.x;
    for (let i = 0; i < 3; i++) {
      aty[i] = (aty[i] as number) + (f[i] as number) * y;
      for (let j = 0; j < 3; j++) (ata[i] as number[])[j] = ((ata[i] as number[])[j] as number) + (f[i] as number) * (f[j] as number);
    }
  }
  const sol = solve3(ata, aty);
  if (!sol) return undefined;
  const [a, b, c] = sol as [number, number, number];
  if (!(a > 0)) return undefined;
  const lambda = 1 / a;
  const sigma = Math.max(0, b / a);
  const kappa = Math.max(0, c / a);
  const peakN = kappa > 0 ? Math.sqrt(Math.max(0, 1 - sigma) / kappa) : Number.POSITIVE_INFINITY;
  const peakX = Number.isFinite(peakN) ? uslThroughput({ lambda, sigma, kappa }, peakN) : sigma > 0 ? lambda / sigma : Number.POSITIVE_INFINITY;
  const mean = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const ssTot = pts.reduce((s, p) => s + (p.x - mean) ** 2, 0);
  const ssRes = pts.reduce((s, p) => s + (p.x - uslThroughput({ lambda, sigma, kappa }, p.n)) ** 2, 0);
  return { lambda, sigma, kappa, peakN, peakX, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1 };
}
