// What the USL says about node counts that were not measured, and how far
// to trust it. Pure.
//
// The band at each projected N is the range of the predictions of the full
// fit and of every leave-one-out fit (the fit again without one measured
// point). It answers "how much does this projection move if any single
// measurement had not been made", which is what decides whether a
// projection from a handful of points is worth anything. It is not a
// confidence interval: it does not know about errors the model itself makes
// (a bottleneck that appears only beyond the measured range), and with few
// points it is wide on purpose.
//
// Refused, with the reason, when:
// - fewer than 3 distinct node counts have a measured throughput: the USL's
//   3 parameters are not determined;
// - exactly 3: 3 points for 3 parameters leave no degree of freedom to
//   estimate the error from (the curve passes through all three unless the
//   bounds σ, κ ≥ 0 stop it, and then the misfit says the model is wrong,
//   not how wrong the projection is), and no leave-one-out fit (2 points
//   determine nothing), so any band would be made up.
import { fitUsl, uslThroughput, type UslFit, type UslPoint } from './usl.ts';

export const MIN_COUNTS_TO_FIT = 3;
export const MIN_COUNTS_TO_PROJECT = 4;

export interface ProjectedPoint {
  n: number;
  predicted: number;
  low: number;
  high: number;
}

export type UslProjection =
  | { state: 'refused'; reason: string; fit?: UslFit }
  | {
      state: 'projected';
      fit: UslFit;
      /** sqrt(Σ residual² / (points − 3)): the spread of the points around the curve, per degree of freedom. */
      residualError: number;
      /** How many leave-one-out fits the band spans. */
      leaveOneOutFits: number;
      points: ProjectedPoint[];
    };

export function projectUsl(points: readonly UslPoint[], at: readonly number[]): UslProjection {
  const measured = points.filter((p) => p.x > 0 && Number.isFinite(p.x));
  const counts = new Set(measured.map((p) => p.n)).size;
  if (counts < MIN_COUNTS_TO_FIT) {
    return { state: 'refused', reason: `no USL fit: it needs a sustained throughput at ${MIN_COUNTS_TO_FIT} or more distinct node counts (it has 3 parameters, λ σ κ), and ${counts} ${counts === 1 ? 'has' : 'have'} one` };
  }
  const fit = fitUsl(measured) as UslFit;
  if (counts < MIN_COUNTS_TO_PROJECT) {
    return {
      state: 'refused',
      reason: `no projection: ${counts} node counts for the 3 parameters leave no degree of freedom to estimate its error from, and no leave-one-out fit; measure at least ${MIN_COUNTS_TO_PROJECT} node counts to project beyond them`,
      fit,
    };
  }
  const loo: UslFit[] = [];
  for (let i = 0; i < measured.length; i++) {
    const f = fitUsl(measured.filter((_, j) => j !== i));
    if (f) loo.push(f);
  }
  const sse = fit.residuals.reduce((s, r) => s + r.residual ** 2, 0);
  return {
    state: 'projected',
    fit,
    residualError: Math.sqrt(sse / (measured.length - 3)),
    leaveOneOutFits: loo.length,
    points: at.map((n) => {
      const all = [fit, ...loo].map((f) => uslThroughput(f, n));
      return { n, predicted: uslThroughput(fit, n), low: Math.min(...all), high: Math.max(...all) };
    }),
  };
}
