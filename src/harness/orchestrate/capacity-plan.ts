// The stepping plan of `denpa capacity`: pure decisions, so the search is
// tested without running anything.
//
//   scale = start, start·factor, start·factor², ... until a step fails an SLA
//   or maxSteps ran; then `refine` bisections between the highest passing
//   and the lowest failing scale.
import { RunFailure } from '../../runtime/index.ts';
import type { UslFit } from '../model/usl.ts';
import type { UslProjection } from '../model/usl-projection.ts';

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


/** The rate search at one node count: its steps and the highest one where every SLA held. */
export interface NodeCapacity {
  nodes: number;
  steps: CapacityStep[];
  best?: CapacityStep;
}

/**
 * A comma list of distinct integers in [min, max], e.g. `--nodes 1,2,3`:
 * sorted ascending. Bad input is a RunFailure naming the flag.
 */
export function parseCountList(text: string, flag: string, min: number, max: number): number[] {
  const items = text.split(',').map((t) => t.trim());
  const out: number[] = [];
  for (const item of items) {
    const n = Number(item);
    if (item === '' || !Number.isInteger(n) || n < min || n > max) throw new RunFailure(`${flag} ${text}: expected a comma list of integers from ${min} to ${max}, e.g. ${flag} ${min},${Math.min(max, min + 1)}`);
    if (out.includes(n)) throw new RunFailure(`${flag} ${text}: ${n} is listed twice`);
    out.push(n);
  }
  return out.sort((a, b) => a - b);
}

/** The sustained throughput at each node count that has one (a passing step). */
export function nodePoints(perNode: readonly NodeCapacity[]): Array<{ n: number; x: number }> {
  return perNode.flatMap((c) => (c.best ? [{ n: c.nodes, x: c.best.throughput }] : []));
}

const f1 = (v: number): string => v.toFixed(1);

/** Pure: the text of a node-stepping capacity run. */
export function formatNodeCapacity(perNode: readonly NodeCapacity[], projection: UslProjection, projectAt: readonly number[]): string {
  const lines = ['| core nodes | rate steps | highest passing rate | sustained accepted/s | first failing rate | broken there |', '|---:|---:|---:|---:|---:|:--|'];
  for (const c of perNode) {
    const fail = [...c.steps].filter((s) => !s.passed).sort((a, b) => a.rateScale - b.rateScale)[0];
    lines.push(`| ${c.nodes} | ${c.steps.length} | ${c.best ? `×${c.best.rateScale}` : '-'} | ${c.best ? f1(c.best.throughput) : 'none held'} | ${fail ? `×${fail.rateScale}` : 'none failed'} | ${fail?.broken.join('; ') || '-'} |`);
  }
  lines.push('');
  const fit = projection.fit;
  if (fit) {
    const peak = Number.isFinite(fit.peakN) ? `throughput peaks near ${fit.peakN.toFixed(1)} nodes at ${f1(fit.peakX)}/s` : 'no peak within the model (κ = 0)';
    lines.push(`USL fit over node counts: λ=${fit.lambda.toFixed(2)}/s for one node, σ=${fit.sigma.toFixed(4)}, κ=${fit.kappa.toFixed(5)}; RMSE ${fit.rmse.toFixed(2)}/s, R²=${fit.r2.toFixed(3)}; ${peak}.`);
    if (fit.atBound.length > 0) lines.push(`The fit ended on the bound of ${fit.atBound.join(' and ')} (1): the points pull outside the model's range; read the projection as unreliable.`);
    lines.push('');
    lines.push('| core nodes | measured/s | fitted/s | residual/s |', '|---:|---:|---:|---:|');
    for (const r of fit.residuals) lines.push(`| ${r.n} | ${f1(r.x)} | ${f1(r.predicted)} | ${r.residual >= 0 ? '+' : ''}${f1(r.residual)} |`);
    lines.push('');
  }
  if (projection.state === 'refused') {
    lines.push(`Projection refused: ${projection.reason}.`);
    return lines.join('\n');
  }
  lines.push(`Projected throughput (band: the lowest and highest prediction of the full fit and the ${projection.leaveOneOutFits} fits that each leave one measured node count out; residual standard error ${projection.residualError.toFixed(2)}/s):`);
  lines.push('');
  lines.push('| core nodes | predicted/s | band low/s | band high/s |', '|---:|---:|---:|---:|');
  for (const p of projection.points.filter((q) => projectAt.includes(q.n))) lines.push(`| ${p.n} | ${f1(p.predicted)} | ${f1(p.low)} | ${f1(p.high)} |`);
  return lines.join('\n');
}
