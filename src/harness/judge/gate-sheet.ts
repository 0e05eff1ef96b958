import { fmt } from '../format/index.ts';
import type { DeliveryBreakdown, RunDeployment, RunResult, ThresholdVerdict } from '../run-result/index.ts';
import { compareWithBaseline, DEFAULT_TOLERANCE, type Baseline, type Comparison, type Tolerance } from './baseline.ts';

// The release-judgement sheet (リリース判定) over the suite's runs: GO only
// when every scenario ran, every SLA held and nothing regressed beyond the
// tolerance against its committed baseline. Pure.

export type GateDecision = 'GO' | 'NO-GO';

export type ScenarioJudgement =
  | {
      state: 'judged';
      scenario: string;
      runId: string;
      outcome: 'pass' | 'fail';
      exitCode: number;
      thresholds: ThresholdVerdict[];
      /** The run's delivery breakdown per category (its callback latency goes on the sheet); empty without delivery metrics. */
      deliveryByCategory: Partial<Record<string, DeliveryBreakdown>>;
      baseline: { state: 'compared'; runId: string; recordedAt: number; comparisons: Comparison[] } | { state: 'missing' };
      regressions: Comparison[];
    }
  /** The scenario could not be run (the run itself failed, not an SLA). */
  | { state: 'not-run'; scenario: string; reason: string };

export interface GateSheet {
  decision: GateDecision;
  /** ms since the epoch. */
  generatedAt: number;
  /** One line per reason for NO-GO (empty for GO). */
  reasons: string[];
  scenarios: ScenarioJudgement[];
  tolerance: Tolerance;
  /** Whether regressions alone make NO-GO (default true). */
  regressionsBlock: boolean;
  /** The core nodes and store the harness started for every run (absent against --target). */
  deployment?: RunDeployment;
}

export interface GateInput {
  runs: RunResult[];
  /** Scenarios of the suite that produced no RunResult, with why. */
  notRun?: Array<{ scenario: string; reason: string }>;
  /** Committed baselines by scenario name. */
  baselines: Readonly<Record<string, Baseline | undefined>>;
  tolerance?: Tolerance;
  regressionsBlock?: boolean;
  generatedAt: number;
  deployment?: RunDeployment;
}

function describeRegression(c: Comparison): string {
  const unit = c.kind === 'latency' ? ' ms' : c.kind === 'throughput' ? '/s' : '';
  return `${c.metric} ${c.aggregation} ${fmt(c.current)}${unit} vs baseline ${fmt(c.baseline)}${unit} (worse by ${fmt(c.worseBy)}${unit}, tolerance ${fmt(c.allowed)}${unit})`;
}

export function describeThreshold(t: ThresholdVerdict): string {
  if (t.state === 'unmeasured') return `${t.metric}: ${t.expression} unmeasured (${t.reason})`;
  const figure = t.figure === null ? 'n/a' : fmt(t.figure);
  return `${t.metric}: ${t.expression} ${t.state} (figure ${figure}, limit ${t.operator} ${fmt(t.limit)})`;
}

export function judgeGate(input: GateInput): GateSheet {
  const tolerance = input.tolerance ?? DEFAULT_TOLERANCE;
  const regressionsBlock = input.regressionsBlock ?? true;
  const reasons: string[] = [];
  const scenarios: ScenarioJudgement[] = [];
  for (const run of input.runs) {
    const baseline = input.baselines[run.scenario];
    const comparisons = baseline ? compareWithBaseline(run, baseline, tolerance) : [];
    const regressions = comparisons.filter((c) => c.regressed);
    scenarios.push({
      state: 'judged',
      scenario: run.scenario,
      runId: run.runId,
      outcome: run.verdict.outcome,
      exitCode: run.exitCode,
      thresholds: run.verdict.thresholds,
      deliveryByCategory: run.delivery?.details.byCategory ?? {},
      baseline: baseline ? { state: 'compared', runId: baseline.runId, recordedAt: baseline.recordedAt, comparisons } : { state: 'missing' },
      regressions,
    });
    for (const t of run.verdict.thresholds) if (t.state !== 'passed') reasons.push(`${run.scenario}: SLA ${describeThreshold(t)}`);
    if (regressionsBlock) for (const c of regressions) reasons.push(`${run.scenario}: regression ${describeRegression(c)}`);
  }
  for (const n of input.notRun ?? []) {
    scenarios.push({ state: 'not-run', scenario: n.scenario, reason: n.reason });
    reasons.push(`${n.scenario}: not run (${n.reason})`);
  }
  if (scenarios.length === 0) reasons.push('no scenario ran');
  return { decision: reasons.length === 0 ? 'GO' : 'NO-GO', generatedAt: input.generatedAt, reasons, scenarios, tolerance, regressionsBlock, ...(input.deployment ? { deployment: input.deployment } : {}) };
}

/** `denpa gate`'s exit code: 0 GO, 99 NO-GO. */
export function gateExitCode(sheet: GateSheet): 0 | 99 {
  return sheet.decision === 'GO' ? 0 : 99;
}

export { describeRegression };
