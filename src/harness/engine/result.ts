// The serialisable result of a run, the pure merge of two results (e.g. two
// engine processes sharing a test, autocannon's aggregateResult), and the pure
// projection of a result into k6's handleSummary data plus denpa's extras.

import { createHash } from 'node:crypto';
import { evaluateThreshold, percentilesNeeded, type MetricThresholds } from '../thresholds/index.ts';
import type { IntervalEntry, IntervalRecord, MetricSnapshot } from './metric-registry.ts';
import { INTERVAL_PERCENTILES } from './metric-registry.ts';
import { decodeHistogram, type SummaryMetric } from '../run-result/index.ts';
import { isEmpty, mergeSinks, sinkValues, trendPercentile } from './metric-sink.ts';

export interface CheckSummary {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly passes: number;
  readonly fails: number;
}

export interface GroupSummary {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly groups: readonly GroupSummary[];
  readonly checks: readonly CheckSummary[];
}

export interface ScenarioReport {
  readonly executor: string;
  /** Iterations planned by an arrival-rate or iterations executor; null for duration-based VU executors. */
  readonly planned: number | null;
  readonly started: number;
  readonly completed: number;
  readonly dropped: number;
  /** Iterations still running at the hard stop (gracefulStop exceeded), not counted in `iterations`. */
  readonly interrupted: number;
}

export type RunEnd =
  | { readonly state: 'completed' }
  | { readonly state: 'aborted'; readonly by: 'threshold' | 'script' | 'signal'; readonly reason: string; readonly atMs: number };

/** Everything a run measured; JSON-serialisable. */
export interface EngineResult {
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly metrics: Readonly<Record<string, MetricSnapshot>>;
  readonly intervals: readonly IntervalRecord[];
  readonly rootGroup: GroupSummary;
  readonly scenarios: Readonly<Record<string, ScenarioReport>>;
  readonly end: RunEnd;
  /** Distinct iteration errors (first 20 messages) with their counts. */
  readonly errors: readonly ErrorCount[];
}

export interface ErrorCount {
  readonly message: string;
  readonly count: number;
}

export function groupId(path: string): string {
  return createHash('md5').update(path).digest('hex');
}

export function emptyRootGroup(): GroupSummary {
  return { name: '', path: '', id: groupId(''), groups: [], checks: [] };
}

function mergeGroups(a: GroupSummary, b: GroupSummary): GroupSummary {
  const checks = new Map<string, CheckSummary>();
  for (const c of [...a.checks, ...b.checks]) {
    const prev = checks.get(c.name);
    checks.set(c.name, prev ? { ...prev, passes: prev.passes + c.passes, fails: prev.fails + c.fails } : c);
  }
  const groups = new Map<string, GroupSummary>();
  for (const g of [...a.groups, ...b.groups]) {
    const prev = groups.get(g.name);
    groups.set(g.name, prev ? mergeGroups(prev, g) : g);
  }
  return { ...a, groups: [...groups.values()], checks: [...checks.values()] };
}

function mergeIntervalEntries(a: IntervalEntry, b: IntervalEntry): IntervalEntry {
  const sink = mergeSinks(a.sink, b.sink);
  if (sink.type !== 'trend') return { sink };
  const h = decodeHistogram(sink.hdr);
  const p = (q: number): number => trendPercentile(h, sink.min, sink.max, q);
  const [p50, p90, p95, p99, p999] = INTERVAL_PERCENTILES.map(p) as [number, number, number, number, number];
  return { sink, stats: { avg: sink.count ? sink.sum / sink.count : 0, p50, p90, p95, p99, p999 } };
}

function mergeIntervals(a: readonly IntervalRecord[], b: readonly IntervalRecord[]): IntervalRecord[] {
  // Intervals line up by their offset from each run's start (1 s buckets).
  const byBucket = new Map<number, IntervalRecord>();
  for (const rec of [...a, ...b]) {
    const bucket = Math.round(rec.offsetMs / 1000);
    const prev = byBucket.get(bucket);
    if (!prev) {
      byBucket.set(bucket, rec);
      continue;
    }
    const metrics: Record<string, IntervalEntry> = { ...prev.metrics };
    for (const [k, e] of Object.entries(rec.metrics)) metrics[k] = metrics[k] ? mergeIntervalEntries(metrics[k] as IntervalEntry, e) : e;
    byBucket.set(bucket, { offsetMs: prev.offsetMs, durationMs: Math.max(prev.durationMs, rec.durationMs), metrics });
  }
  return [...byBucket.entries()].sort((x, y) => x[0] - y[0]).map(([, r]) => r);
}

/** Pure merge of two results of the same test (e.g. two engine processes splitting the load). */
export function mergeResults(a: EngineResult, b: EngineResult): EngineResult {
  const metrics: Record<string, MetricSnapshot> = { ...a.metrics };
  for (const [k, m] of Object.entries(b.metrics)) {
    const prev = metrics[k];
    metrics[k] = prev ? { ...prev, sink: mergeSinks(prev.sink, m.sink) } : m;
  }
  const scenarios: Record<string, ScenarioReport> = { ...a.scenarios };
  for (const [k, s] of Object.entries(b.scenarios)) {
    const p = scenarios[k];
    scenarios[k] = p
      ? {
          executor: p.executor,
          planned: p.planned === null || s.planned === null ? null : p.planned + s.planned,
          started: p.started + s.started,
          completed: p.completed + s.completed,
          dropped: p.dropped + s.dropped,
          interrupted: p.interrupted + s.interrupted,
        }
      : s;
  }
  const startedAtMs = Math.min(a.startedAtMs, b.startedAtMs);
  const endMs = Math.max(a.startedAtMs + a.durationMs, b.startedAtMs + b.durationMs);
  return {
    startedAtMs,
    durationMs: endMs - startedAtMs,
    metrics,
    intervals: mergeIntervals(a.intervals, b.intervals),
    rootGroup: mergeGroups(a.rootGroup, b.rootGroup),
    scenarios,
    end: a.end.state === 'aborted' ? a.end : b.end,
    errors: mergeErrors(a.errors, b.errors),
  };
}

function mergeErrors(a: readonly ErrorCount[], b: readonly ErrorCount[]): ErrorCount[] {
  const m = new Map<string, number>();
  for (const e of [...a, ...b]) m.set(e.message, (m.get(e.message) ?? 0) + e.count);
  return [...m.entries()].map(([message, count]) => ({ message, count }));
}

/** The `denpa` extras of the summary (built-in engine only). */
export interface DenpaExtras {
  readonly engine: 'builtin';
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly end: RunEnd;
  readonly scenarios: Readonly<Record<string, ScenarioReport>>;
  readonly intervals: readonly IntervalRecord[];
  /** Base64 compressed HdrHistogram of every trend and trend sub-metric (values in µs, or thousandths for non-time trends). */
  readonly histograms: Readonly<Record<string, string>>;
  /** Threshold keys (`metric: expression`) that failed. */
  readonly failedThresholds: readonly string[];
  /** Metrics measured from each iteration's intended start (coordinated omission). */
  readonly intendedMetrics: readonly string[];
  readonly errors: readonly ErrorCount[];
  /** Set when handleSummary() threw; the summary is still returned. */
  handleSummaryError?: string;
}

/** k6's handleSummary data, plus `denpa`. */
export interface SummaryData {
  root_group: GroupSummary;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  denpa: DenpaExtras;
}

export interface SummaryOptions {
  readonly summaryTrendStats: readonly string[];
  readonly thresholds: readonly MetricThresholds[];
  readonly isStdOutTTY?: boolean;
  readonly isStdErrTTY?: boolean;
}

export const INTENDED_METRICS = ['iteration_duration_intended', 'http_req_duration_intended'] as const;

/**
 * Project a result into k6's summary data. Metrics with no samples are left
 * out unless a threshold names them (then they count as zeros, as k6 does at
 * the end of a test). Threshold `ok` is evaluated here, at the end.
 */
export function buildSummary(result: EngineResult, opts: SummaryOptions): SummaryData {
  const metrics: Record<string, SummaryMetric> = {};
  const failed: string[] = [];
  const histograms: Record<string, string> = {};
  const keys = Object.keys(result.metrics).sort();
  for (const key of keys) {
    const m = result.metrics[key] as MetricSnapshot;
    const defs = opts.thresholds.filter((d) => d.metric.key === key);
    if (isEmpty(m.sink) && defs.length === 0) continue;
    const stats = [...opts.summaryTrendStats, ...percentilesNeeded(opts.thresholds, key).filter((p) => !opts.summaryTrendStats.includes(p))];
    const values = sinkValues(m.sink, result.durationMs, stats);
    const entry: SummaryMetric = { type: m.type, contains: m.contains, values };
    if (defs.length > 0) {
      entry.thresholds = {};
      for (const d of defs) {
        for (const t of d.thresholds) {
          const ok = evaluateThreshold(t.expression, values);
          entry.thresholds[t.expression.source] = { ok };
          if (!ok) failed.push(`${key}: ${t.expression.source}`);
        }
      }
    }
    metrics[key] = entry;
    if (m.sink.type === 'trend' && m.sink.count > 0) histograms[key] = m.sink.hdr;
  }
  return {
    root_group: result.rootGroup,
    options: { summaryTrendStats: [...opts.summaryTrendStats], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: opts.isStdOutTTY ?? false, isStdErrTTY: opts.isStdErrTTY ?? false, testRunDurationMs: result.durationMs },
    metrics,
    denpa: {
      engine: 'builtin',
      startedAtMs: result.startedAtMs,
      durationMs: result.durationMs,
      end: result.end,
      scenarios: result.scenarios,
      intervals: result.intervals,
      histograms,
      failedThresholds: failed,
      intendedMetrics: [...INTENDED_METRICS],
      errors: result.errors,
    },
  };
}
