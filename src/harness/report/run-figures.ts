import { fmt } from '../format/index.ts';
import { decodeHistogram, type DeliveryBreakdown, type LatencyStats, type RunResult, type SummaryMetric, type ThresholdVerdict } from '../run-result/index.ts';

// What every human-facing report shows first, computed once. Pure.

export interface Headline {
  label: string;
  value: string;
}

const value = (m: SummaryMetric | undefined, key: string): number | undefined => m?.values[key];

function ms(n: number | undefined): string {
  return n === undefined ? '–' : `${fmt(n)} ms`;
}

function percent(n: number | undefined): string {
  return n === undefined ? '–' : `${(n * 100).toFixed(2)} %`;
}

/**
 * A trend's percentile in ms: from the summary values, else (k6 reports only
 * the percentiles a threshold or summaryTrendStats names) from the built-in
 * engine's whole-run histogram of that metric.
 */
export function trendPercentile(result: RunResult, metric: string, p: number): number | undefined {
  const direct = result.summary.metrics[metric]?.values[`p(${p})`];
  if (direct !== undefined) return direct;
  const b64 = result.summary.denpa?.histograms?.[metric];
  if (!b64) return undefined;
  const h = decodeHistogram(b64);
  return h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : undefined;
}

export function headlines(result: RunResult): Headline[] {
  const m = result.summary.metrics;
  const d = result.delivery?.metrics ?? {};
  const out: Headline[] = [
    { label: 'Test run / wall clock', value: `${fmt(result.summary.state.testRunDurationMs / 1000)} s / ${fmt((result.endedAt - result.startedAt) / 1000)} s` },
    { label: 'Requests', value: `${value(m.http_reqs, 'count') ?? 0} (${fmt(value(m.http_reqs, 'rate') ?? 0)}/s)` },
    { label: 'Accepted', value: String(value(m.messages_accepted, 'count') ?? '–') },
    { label: 'HTTP failed', value: percent(value(m.http_req_failed, 'rate')) },
    { label: 'http_req_duration p95 / p99', value: `${ms(trendPercentile(result, 'http_req_duration', 95))} / ${ms(trendPercentile(result, 'http_req_duration', 99))}` },
    { label: 'Dropped iterations', value: String(value(m.dropped_iterations, 'count') ?? 0) },
  ];
  if (result.delivery) {
    out.push(
      { label: 'OTP on time', value: percent(value(d.otp_on_time, 'rate')) },
      { label: 'Lost / duplicated / corrupted', value: `${value(d.messages_lost, 'count') ?? 0} / ${value(d.messages_duplicated, 'count') ?? 0} / ${value(d.messages_corrupted, 'count') ?? 0}` },
      { label: 'Delivery latency p95 / p99', value: `${ms(value(d.delivery_latency, 'p(95)'))} / ${ms(value(d.delivery_latency, 'p(99)'))}` },
    );
  }
  return out;
}

export function thresholdRow(t: ThresholdVerdict): { status: string; metric: string; expression: string; figure: string; limit: string; note: string } {
  if (t.state === 'unmeasured') return { status: 'UNMEASURED', metric: t.metric, expression: t.expression, figure: '–', limit: '–', note: t.reason };
  return {
    status: t.state === 'passed' ? 'PASS' : 'FAIL',
    metric: t.metric,
    expression: t.expression,
    figure: t.figure === null ? 'n/a' : `${t.aggregation} = ${fmt(t.figure)}`,
    limit: `${t.operator} ${fmt(t.limit)}`,
    note: t.figure === null ? 'judged by the engine (value not reported)' : t.abortOnFail ? 'abortOnFail' : '',
  };
}

export interface BreakdownRow {
  key: string;
  cells: string[];
}

export const BREAKDOWN_HEADER = ['seen', 'delivered', 'on time', 'duplicated', 'corrupted', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function breakdownRows(table: Partial<Record<string, DeliveryBreakdown>>): BreakdownRow[] {
  return Object.entries(table).flatMap(([key, b]) =>
    b
      ? [
          {
            key,
            cells: [
              String(b.seen),
              String(b.delivered),
              String(b.onTime),
              String(b.duplicated),
              String(b.corrupted),
              b.latencyMs ? fmt(b.latencyMs.med) : '–',
              b.latencyMs ? fmt(b.latencyMs['p(95)']) : '–',
              b.latencyMs ? fmt(b.latencyMs['p(99)']) : '–',
              b.latencyMs ? fmt(b.latencyMs.max) : '–',
            ],
          },
        ]
      : [],
  );
}

/** Callback latency (request -> first final callback) per category, for every SLA table. */
export const CALLBACK_TITLE = 'Callback latency by category (request → final callback)';
export const CALLBACK_HEADER = ['callbacks', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];

/** One row per category with a final callback; a category without one shows `0` and dashes. */
export function callbackRows(byCategory: Partial<Record<string, DeliveryBreakdown>>): BreakdownRow[] {
  return Object.entries(byCategory).flatMap(([key, b]) => {
    if (!b) return [];
    const l: LatencyStats | undefined = b.callbackLatencyMs;
    return [{ key, cells: l ? [String(l.count), fmt(l.med), fmt(l['p(95)']), fmt(l['p(99)']), fmt(l.max)] : ['0', '–', '–', '–', '–'] }];
  });
}

/** The engine's per-category HTTP latency, from `http_req_duration{category:x}` sub-metrics when reported. */
export function httpByTag(result: RunResult, tag: string): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  const prefix = `http_req_duration{${tag}:`;
  for (const [key, metric] of Object.entries(result.summary.metrics).sort(([a], [b]) => a.localeCompare(b))) {
    if (!key.startsWith(prefix) || key.includes(',')) continue;
    const v = metric.values;
    rows.push({
      key: key.slice(prefix.length, -1),
      cells: [fmt(v.avg ?? 0), fmt(v.med ?? 0), fmt(v['p(90)'] ?? 0), fmt(v['p(95)'] ?? 0), v['p(99)'] !== undefined ? fmt(v['p(99)']) : '–', fmt(v.max ?? 0)],
    });
  }
  return rows;
}

export const HTTP_HEADER = ['avg ms', 'med ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'];

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
