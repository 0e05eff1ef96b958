import type * as hdr from 'hdr-histogram-js';
import { decodeHistogram, type IntervalSample, type RunResult } from '../run-result/index.ts';

// The series the HTML report draws, computed in Node from the RunResult so
// the page only plots numbers. Pure.

/** Percentiles of the HDR percentile curves (x axis), spaced like HdrHistogram's plots. */
export const CURVE_PERCENTILES: readonly number[] = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

export interface TimeSeries {
  name: string;
  /** [seconds since the run started, value] */
  points: Array<[number, number]>;
}

export interface CurveSeries {
  name: string;
  /** value in ms at each CURVE_PERCENTILES entry */
  valuesMs: number[];
  count: number;
}

export interface FaultBand {
  label: string;
  /** seconds since the run started */
  from: number;
  to: number;
}

export interface ChartData {
  throughput: TimeSeries[];
  latencyOverTime: TimeSeries[];
  curves: CurveSeries[];
  faults: FaultBand[];
  /** The latency metric drawn over time (the engine's main one). */
  latencyMetric: string | undefined;
}

const THROUGHPUT_COUNTS: ReadonlyArray<[string, string]> = [
  ['iterations', 'iterations/s'],
  ['http_reqs', 'requests/s'],
  ['messages_accepted', 'accepted/s'],
  ['http_req_failed', 'failed requests/s'],
  ['dropped_iterations', 'dropped iterations/s'],
];

const OVER_TIME_PERCENTILES: ReadonlyArray<[number, string]> = [
  [50, 'p50'],
  [90, 'p90'],
  [99, 'p99'],
  [100, 'max'],
];

/** Latency drawn over time: the first of these the engine kept per interval. */
const LATENCY_OVER_TIME = ['http_req_duration', 'iteration_duration'];

/** Whole-run latency histograms drawn as percentile curves (time trends, µs). */
const CURVE_METRICS = ['http_req_duration', 'http_req_duration_intended', 'iteration_duration', 'iteration_duration_intended'];

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

function decodeOverTime(intervals: readonly IntervalSample[], metric: string): Array<{ end: number; h: hdr.Histogram }> {
  const out: Array<{ end: number; h: hdr.Histogram }> = [];
  for (const i of intervals) {
    const b64 = i.histograms[metric];
    if (!b64) continue;
    const h = decodeHistogram(b64);
    if (h.totalCount > 0) out.push({ end: round((i.t + i.durationMs) / 1000), h });
  }
  return out;
}

export function chartData(result: RunResult): ChartData {
  const intervals = result.summary.denpa?.intervals ?? [];
  const throughput: TimeSeries[] = [];
  for (const [key, label] of THROUGHPUT_COUNTS) {
    if (!intervals.some((i) => i.counts[key] !== undefined)) continue;
    throughput.push({
      name: label,
      points: intervals.map((i) => [round((i.t + i.durationMs) / 1000), round((i.counts[key] ?? 0) / Math.max(0.001, i.durationMs / 1000))]),
    });
  }

  const latencyMetric = LATENCY_OVER_TIME.find((m) => intervals.some((i) => i.histograms[m] !== undefined));
  const latencyOverTime: TimeSeries[] = [];
  if (latencyMetric) {
    const decoded = decodeOverTime(intervals, latencyMetric);
    for (const [p, label] of OVER_TIME_PERCENTILES) latencyOverTime.push({ name: label, points: decoded.map((d) => [d.end, round(d.h.getValueAtPercentile(p) / 1000)]) });
    // The same requests timed from when they should have started: a stalled
    // server shows here even when the measured latency looks calm.
    const intended = `${latencyMetric}_intended`;
    if (intervals.some((i) => i.histograms[intended] !== undefined)) {
      latencyOverTime.push({ name: 'p99 from intended start', points: decodeOverTime(intervals, intended).map((d) => [d.end, round(d.h.getValueAtPercentile(99) / 1000)]) });
    }
  }

  const curves: CurveSeries[] = [];
  const histograms: Record<string, string> = {};
  const all = result.summary.denpa?.histograms ?? {};
  for (const key of CURVE_METRICS) if (all[key]) histograms[key] = all[key];
  if (result.delivery?.details.latencyHdr) histograms['delivery_latency (sent → handset)'] = result.delivery.details.latencyHdr;
  for (const [name, b64] of Object.entries(histograms)) {
    const h = decodeHistogram(b64);
    if (h.totalCount === 0) continue;
    curves.push({ name, count: h.totalCount, valuesMs: CURVE_PERCENTILES.map((p) => round(h.getValueAtPercentile(p) / 1000)) });
  }

  const faults: FaultBand[] = result.faults.map((f) => ({
    label: `${f.carrier} ${f.kind}`,
    from: round((f.startsAt - result.startedAt) / 1000),
    to: round((f.endsAt - result.startedAt) / 1000),
  }));
  return { throughput, latencyOverTime, curves, faults, latencyMetric };
}
