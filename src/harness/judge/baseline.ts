import { findMetric, type RunResult, type SummaryMetric, type ThresholdVerdict } from '../run-result/index.ts';

// Baselines and the regression rule. A baseline is the set of figures of one
// scenario's accepted run (`reports/baselines/<scenario>.json`); a later run
// regresses when a figure is worse than the baseline's by more than the
// noise-aware tolerance of its kind:
//
//   worse-by > max(relative × |baseline|, absolute floor)
//
// The relative part absorbs run-to-run noise that scales with the figure
// (latency jitter on a shared machine); the floor stops tiny figures (2 ms,
// 0 lost) from flagging sub-millisecond or one-message wobbles.
//
// Direction comes from the SLA when there is one (`<`: lower is better,
// `>`: higher is better; `==` only for counters of trouble such as
// messages_lost, where lower is better); for the extra figures every
// baseline records, latency lower is better and throughput higher is better.

export type FigureKind = 'latency' | 'throughput' | 'ratio' | 'count' | 'other';
export type Better = 'lower' | 'higher';

export interface BaselineFigure {
  metric: string;
  aggregation: string;
  value: number;
  better: Better;
  kind: FigureKind;
}

export const BASELINE_SCHEMA = 'denpa.baseline/1';

export interface Baseline {
  schema: typeof BASELINE_SCHEMA;
  scenario: string;
  runId: string;
  /** ms since the epoch of the run it came from. */
  recordedAt: number;
  engine: string;
  durationScale: number;
  environment: { cpus: number; node: string; platform: string };
  figures: BaselineFigure[];
}

export interface ToleranceRule {
  /** Fraction of the baseline value, e.g. 0.35 = 35 %. */
  relative: number;
  /** In the metric's unit (ms for latency, /s for throughput, 0..1 for ratios). */
  absolute: number;
}

export type Tolerance = Record<FigureKind, ToleranceRule>;

export const DEFAULT_TOLERANCE: Tolerance = {
  latency: { relative: 0.5, absolute: 50 },
  throughput: { relative: 0.1, absolute: 1 },
  ratio: { relative: 0, absolute: 0.02 },
  count: { relative: 0.1, absolute: 1 },
  other: { relative: 0.2, absolute: 0 },
};

export interface Comparison {
  metric: string;
  aggregation: string;
  kind: FigureKind;
  better: Better;
  baseline: number;
  current: number;
  /** Positive = worse than the baseline, in the metric's unit. */
  worseBy: number;
  /** The tolerance applied: max(relative × |baseline|, absolute). */
  allowed: number;
  regressed: boolean;
}

/** Figures every baseline records besides the SLAs', when the run has them. */
const EXTRA_FIGURES: ReadonlyArray<{ metric: string; aggregation: string; better: Better }> = [
  { metric: 'http_reqs', aggregation: 'rate', better: 'higher' },
  { metric: 'http_req_duration', aggregation: 'p(95)', better: 'lower' },
  { metric: 'http_req_duration', aggregation: 'p(99)', better: 'lower' },
  { metric: 'delivery_latency', aggregation: 'p(95)', better: 'lower' },
  { metric: 'delivery_latency', aggregation: 'p(99)', better: 'lower' },
  { metric: 'otp_on_time', aggregation: 'rate', better: 'higher' },
];

export function figureKind(metric: SummaryMetric | undefined, aggregation: string): FigureKind {
  if (!metric) return 'other';
  if (metric.type === 'trend') return metric.contains === 'time' ? 'latency' : 'other';
  if (metric.type === 'counter') return aggregation === 'rate' ? 'throughput' : 'count';
  if (metric.type === 'rate') return 'ratio';
  return 'other';
}

/** Counters that only ever count trouble: fewer is better even under an `==` SLA. */
const TROUBLE_COUNTERS: ReadonlySet<string> = new Set([
  'messages_lost',
  'messages_duplicated',
  'messages_corrupted',
  'dropped_iterations',
  'callbacks_duplicated',
  'callbacks_out_of_order',
  'callbacks_bad_signature',
]);

/** The shape of a trouble counter k6 left out of the summary because nothing was counted. */
const TROUBLE_SHAPE: SummaryMetric = { type: 'counter', contains: 'default', values: {} };

function betterFor(metric: string, op: string): Better | undefined {
  if (op === '<' || op === '<=') return 'lower';
  if (op === '>' || op === '>=') return 'higher';
  return TROUBLE_COUNTERS.has(metric.split('{')[0] ?? metric) ? 'lower' : undefined;
}

function allMetrics(result: RunResult): Record<string, SummaryMetric> {
  return { ...result.summary.metrics, ...(result.delivery?.metrics ?? {}) };
}

/** The figures of a run worth keeping as its scenario's baseline. Pure. */
export function baselineFromRun(result: RunResult): Baseline {
  const metrics = allMetrics(result);
  const figures = new Map<string, BaselineFigure>();
  const add = (metric: string, aggregation: string, value: number | null | undefined, better: Better | undefined): void => {
    if (value == null || !Number.isFinite(value) || !better) return;
    const id = `${metric} ${aggregation}`;
    if (figures.has(id)) return;
    const known = metrics[metric] ?? (TROUBLE_COUNTERS.has(metric.split('{')[0] ?? metric) ? TROUBLE_SHAPE : undefined);
    const kind = figureKind(known, aggregation);
    // A count where more is better is volume (`messages_accepted count>=0`
    // bookkeeping), set by the scenario and its duration scale, not quality.
    if (kind === 'count' && better === 'higher') return;
    figures.set(id, { metric, aggregation, value, better, kind });
  };
  for (const t of result.verdict.thresholds) {
    if (t.state === 'unmeasured') continue;
    add(t.metric, t.aggregation, t.figure, betterFor(t.metric, t.operator));
  }
  for (const x of EXTRA_FIGURES) add(x.metric, x.aggregation, metrics[x.metric]?.values[x.aggregation], x.better);
  return {
    schema: BASELINE_SCHEMA,
    scenario: result.scenario,
    runId: result.runId,
    recordedAt: result.startedAt,
    engine: result.engine,
    durationScale: result.durationScale,
    environment: { cpus: result.environment.cpus, node: result.environment.node, platform: result.environment.platform },
    figures: [...figures.values()],
  };
}

function currentFigure(result: RunResult, metric: string, aggregation: string): number | undefined {
  const fromVerdict = result.verdict.thresholds.find(
    (t): t is Extract<ThresholdVerdict, { figure: number | null }> => t.state !== 'unmeasured' && t.metric === metric && t.aggregation === aggregation,
  );
  if (fromVerdict?.figure != null) return fromVerdict.figure;
  return findMetric(allMetrics(result), metric)?.values[aggregation];
}

/** Compare a run with its scenario's baseline. Figures the run lacks are skipped. Pure. */
export function compareWithBaseline(result: RunResult, baseline: Baseline, tolerance: Tolerance = DEFAULT_TOLERANCE): Comparison[] {
  const out: Comparison[] = [];
  for (const f of baseline.figures) {
    const current = currentFigure(result, f.metric, f.aggregation);
    if (current === undefined || !Number.isFinite(current)) continue;
    const rule = tolerance[f.kind] ?? DEFAULT_TOLERANCE.other;
    const worseBy = f.better === 'lower' ? current - f.value : f.value - current;
    const allowed = Math.max(rule.relative * Math.abs(f.value), rule.absolute);
    out.push({
      metric: f.metric,
      aggregation: f.aggregation,
      kind: f.kind,
      better: f.better,
      baseline: f.value,
      current,
      worseBy,
      allowed,
      regressed: worseBy > allowed,
    });
  }
  return out;
}
