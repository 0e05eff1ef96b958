// The envelope: a few lines wrapped around a scenario when it is bundled for
// the real k6. It runs INSIDE k6 (plain ECMAScript, no Node built-ins), so it
// is bundled into the script together with the scenario.
//
//   bundled script
//   ├─ the scenario, unchanged (every export re-exported)
//   ├─ options      = optionsForK6(scenario.options)
//   │                 thresholds on delivery metrics are set aside (k6 cannot
//   │                 see them; the harness judges them after the run from the
//   │                 simulator's ledger and the sink), and summaryTrendStats
//   │                 gains p(99) and every percentile a threshold names
//   └─ handleSummary = summaryForK6(data, scenario.handleSummary, __ENV)
//                     also writes k6's raw end-of-test data as JSON to
//                     __ENV.DENPA_SUMMARY_FILE when the harness asked for it
//
// Durations are not rewritten here: scenarios scale their own durations from
// __ENV.DURATION_SCALE (scenarios/lib/settings.ts), the harness passes it.

// The lenient threshold reader: plain ECMAScript, bundled in with this file.
import { metricNameOfKey, percentileRead, thresholdSources } from '../thresholds/reading.ts';

/** Where the harness wants k6's end-of-test data (an absolute path); unset = k6 behaves as usual. */
export const ENV_SUMMARY_FILE = 'DENPA_SUMMARY_FILE';

/**
 * Metrics the harness computes after the run from the simulator's ledger and
 * the callback sink (the judge's DELIVERY_METRIC_TYPES; a unit test keeps the
 * two lists equal: this file cannot import the judge, it runs inside k6).
 * k6 cannot judge them: no VU adds a sample (an empty Rate fails `rate>x`),
 * an undeclared one is a configuration error (exit 104), and across
 * distributed runners k6 could not aggregate them anyway.
 */
export const DELIVERY_METRICS: readonly string[] = [
  'otp_on_time',
  'messages_lost',
  'messages_duplicated',
  'messages_corrupted',
  'messages_delivered',
  'messages_via_aggregator',
  'delivered_share',
  'delivery_latency',
  'callbacks_received',
  'callbacks_duplicated',
  'callbacks_out_of_order',
  'callbacks_bad_signature',
  'callback_latency',
];

/** k6's default summaryTrendStats, plus p(99): every report shows it. */
export const BASE_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

type Thresholds = Record<string, unknown>;
type Options = Record<string, unknown> & { thresholds?: Thresholds; summaryTrendStats?: unknown };

/** `p(99.9)` style aggregations named in expressions, normalised as k6 prints them. */
export function percentilesNamed(expressions: readonly string[]): string[] {
  const found: string[] = [];
  for (const e of expressions) {
    const n = percentileRead(e);
    if (n !== undefined) {
      const p = `p(${n})`;
      if (!found.includes(p)) found.push(p);
    }
  }
  return found;
}

export interface OptionsForK6 {
  options: Options;
  /** Thresholds set aside for the harness to judge after the run (by key, as written). */
  deferred: Thresholds;
}

/**
 * The scenario's options as k6 should see them. Pure: returns a copy.
 * `deferredMetrics` defaults to DELIVERY_METRICS.
 */
export function optionsForK6(options: unknown, deferredMetrics: readonly string[] = DELIVERY_METRICS): OptionsForK6 {
  const source: Options = options !== null && typeof options === 'object' ? (options as Options) : {};
  const copy: Options = JSON.parse(JSON.stringify(source)) as Options;
  const kept: Thresholds = {};
  const deferred: Thresholds = {};
  const expressions: string[] = [];
  for (const [key, entry] of Object.entries(copy.thresholds ?? {})) {
    expressions.push(...thresholdSources(entry));
    if (deferredMetrics.includes(metricNameOfKey(key))) deferred[key] = entry;
    else kept[key] = entry;
  }
  if (copy.thresholds !== undefined) copy.thresholds = kept;

  const stats: string[] = Array.isArray(copy.summaryTrendStats)
    ? (copy.summaryTrendStats as unknown[]).filter((s): s is string => typeof s === 'string')
    : [];
  for (const s of [...BASE_TREND_STATS, ...percentilesNamed(expressions)]) if (!stats.includes(s)) stats.push(s);
  copy.summaryTrendStats = stats;
  return { options: copy, deferred };
}

/** What handleSummary may return to k6: file path (or stdout/stderr) -> content. */
export type SummaryOutputs = Record<string, string | ArrayBuffer>;
export type HandleSummary = (data: unknown) => SummaryOutputs | undefined | null | void;

/**
 * The envelope's handleSummary. The scenario's own handleSummary (if any)
 * decides what k6 prints and writes, exactly as without the envelope; the
 * harness's file is added beside it. Without either, k6 prints its usual
 * end-of-test summary (a falsy result makes k6 do so).
 */
export function summaryForK6(
  data: unknown,
  scenarioHandleSummary: HandleSummary | undefined,
  env: Record<string, string | undefined>,
  scenarioOptions?: unknown,
): SummaryOutputs | undefined {
  const own = typeof scenarioHandleSummary === 'function' ? scenarioHandleSummary(data) : undefined;
  const file = env[ENV_SUMMARY_FILE];
  if (file === undefined || file === '') return own ?? undefined;
  const outputs: SummaryOutputs = { ...(own ?? {}) };
  outputs[file] = JSON.stringify(withScenarioThresholds(data, scenarioOptions));
  if (own == null) outputs.stdout = thresholdLines(data);
  return outputs;
}

/**
 * k6's data.options holds only the summary settings; the judge also needs
 * every threshold the scenario declared, including the deferred ones, in
 * long-or-short form lists (as the built-in engine reports them).
 */
export function withScenarioThresholds(data: unknown, scenarioOptions: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  const thresholds = (scenarioOptions as Options | undefined)?.thresholds;
  if (thresholds === undefined || thresholds === null || typeof thresholds !== 'object') return data;
  const lists: Record<string, unknown[]> = {};
  for (const [key, entry] of Object.entries(thresholds)) lists[key] = Array.isArray(entry) ? entry : [entry];
  const d = data as { options?: Record<string, unknown> };
  return { ...d, options: { ...(d.options ?? {}), thresholds: lists } };
}

/**
 * A short plain-text summary for k6's stdout when the harness took the
 * summary over (k6 would otherwise print its own): one line per threshold.
 */
export function thresholdLines(data: unknown): string {
  const metrics = (data as { metrics?: Record<string, { thresholds?: Record<string, { ok: boolean }> }> } | null)?.metrics ?? {};
  const lines: string[] = [];
  for (const name of Object.keys(metrics).sort()) {
    const t = metrics[name]?.thresholds ?? {};
    for (const expr of Object.keys(t)) lines.push(`  ${t[expr]?.ok ? 'ok  ' : 'FAIL'} ${name}: ${expr}`);
  }
  return lines.length === 0 ? '\nno k6 thresholds\n' : `\nk6 thresholds:\n${lines.join('\n')}\n`;
}
