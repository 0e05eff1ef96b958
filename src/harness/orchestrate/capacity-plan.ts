// The stepping plan of `denpa capacity`: pure decisions, so the search is
// tested without running anything.
//
//   scale = start, start·factor, start·factor², ... until a step fails an SLA
//   or maxSteps ran; then `refine` bisections between the highest passing
//   and the lowest failing scale.
import type { UslFit } from '../model/usl.ts';

export interface CapacityStep {
  rateScale: number;
  passed: boolean;
  /** Accepted messages per second during the run. */
  throughput: number;
  /** Thresholds that failed ("metric expression"). */
  broken: string[];
  runId: string;
}

export interface CapacityPlan {
  start: number;
  factor: number;
  maxSteps: number;
  refine: number;
}

/** The next rate scale to try, or undefined when the search is over. */
export function nextScale(plan: CapacityPlan, steps: readonly CapacityStep[]): number | undefined {
  if (steps.length === 0) return plan.start;
  const passed = steps.filter((s) => s.passed).map((s) => s.rateScale);
  const failed = steps.filter((s) => !s.passed).map((s) => s.rateScale);
  const stepping = steps.length <= plan.maxSteps && failed.length === 0;
  if (stepping) return steps.length < plan.maxSteps ? plan.start * plan.factor ** steps.length : undefined;
  if (failed.length === 0 || passed.length === 0) return undefined;
  const refinements = steps.length - (steps.findIndex((s) => !s.passed) + 1);
  if (refinements >= plan.refine) return undefined;
  const lo = Math.max(...passed.filter((p) => p < Math.min(...failed)), 0);
  const hi = Math.min(...failed);
  if (lo <= 0 || hi / lo < 1.05) return undefined;
  return Math.round(((lo + hi) / 2) * 1000) / 1000;
}

/** The highest step where every SLA held. */
export function highestPassing(steps: readonly CapacityStep[]): CapacityStep | undefined {
  let best: CapacityStep | undefined;
  const lowestFail = Math.min(...steps.filter((s) => !s.passed).map((s) => s.rateScale), Number.POSITIVE_INFINITY);
  for (const s of steps) if (s.passed && s.rateScale < lowestFail && (!best || s.rateScale > best.rateScale)) best = s;
  return best;
}

/** Pure: the text table of the steps. */
export function formatCapacity(steps: readonly CapacityStep[], best: CapacityStep | undefined, usl: UslFit | undefined): string {
  const lines = ['| rate scale | accepted/s | verdict | broken SLAs |', '|---:|---:|:--|:--|'];
  for (const s of [...steps].sort((a, b) => a.rateScale - b.rateScale)) {
    lines.push(`| ${s.rateScale} | ${s.throughput.toFixed(1)} | ${s.passed ? 'pass' : 'FAIL'} | ${s.broken.join('; ') || '-'} |`);
  }
  lines.push('');
  lines.push(best ? `Highest rate where every SLA held: ×${best.rateScale} of the scenario's rates (${best.throughput.toFixed(1)} accepted messages/s, run ${best.runId}).` : 'No step held every SLA: the scenario fails at its starting rate.');
  if (usl) {
    const peak = Number.isFinite(usl.peakN) ? `throughput peaks near ×${usl.peakN.toFixed(2)} at ${usl.peakX.toFixed(1)}/s` : 'no throughput peak within the model (κ = 0)';
    lines.push(`USL fit: λ=${usl.lambda.toFixed(2)}/s per unit, σ=${usl.sigma.toFixed(4)}, κ=${usl.kappa.toFixed(5)}, R²=${usl.r2.toFixed(3)}; ${peak}.`);
  }
  return lines.join('\n');
}

