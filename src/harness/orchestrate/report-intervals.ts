// The built-in engine keeps its per-second intervals as
//   {offsetMs, durationMs, metrics: {<key>: {sink: {type, count | passes | hdr ...}}}}
// while reports read
//   {t, durationMs, counts: {<key>: n}, histograms: {<key>: base64}} (run-result/types.ts).
// This pure adapter turns the first into the second when a summary carries
// the engine's shape, and leaves a summary already in the report's shape alone.
// Likewise the judge reads the scenario's thresholds from options.thresholds;
// when an engine left them out, they are rebuilt from the metrics' own
// `thresholds` entries (every threshold the engine evaluated is there).
import type { IntervalSample, K6Summary, ThresholdSpec } from '../run-result/index.ts';

interface EngineInterval {
  offsetMs: number;
  durationMs: number;
  metrics: Record<string, { sink?: { type?: string; count?: number; passes?: number; hdr?: string } }>;
}

function isEngineInterval(v: unknown): v is EngineInterval {
  return typeof v === 'object' && v !== null && typeof (v as EngineInterval).offsetMs === 'number' && typeof (v as EngineInterval).metrics === 'object';
}

export function toReportInterval(i: EngineInterval): IntervalSample {
  const counts: Record<string, number> = {};
  const histograms: Record<string, string> = {};
  for (const [key, entry] of Object.entries(i.metrics)) {
    const sink = entry.sink;
    if (!sink) continue;
    if (sink.type === 'counter' && typeof sink.count === 'number') counts[key] = sink.count;
    // A Rate's passes are its non-zero samples: for http_req_failed, the failed requests.
    else if (sink.type === 'rate' && typeof sink.passes === 'number') counts[key] = sink.passes;
    else if (sink.type === 'trend' && typeof sink.hdr === 'string') histograms[key] = sink.hdr;
  }
  return { t: i.offsetMs, durationMs: i.durationMs, counts, histograms };
}

/** Pure: the summary with its intervals in the report's shape. */
export function withReportIntervals(summary: K6Summary): K6Summary {
  const intervals = summary.denpa?.intervals as unknown[] | undefined;
  if (!summary.denpa || !intervals || !intervals.some(isEngineInterval)) return summary;
  return { ...summary, denpa: { ...summary.denpa, intervals: intervals.map((i) => (isEngineInterval(i) ? toReportInterval(i) : (i as IntervalSample))) } };
}

/** Pure: the summary with options.thresholds filled from the metrics when absent. */
export function withDeclaredThresholds(summary: K6Summary): K6Summary {
  if (summary.options?.thresholds && Object.keys(summary.options.thresholds).length > 0) return summary;
  const thresholds: Record<string, ThresholdSpec[]> = {};
  for (const [key, metric] of Object.entries(summary.metrics)) {
    if (metric.thresholds) thresholds[key] = Object.keys(metric.thresholds);
  }
  if (Object.keys(thresholds).length === 0) return summary;
  return { ...summary, options: { ...summary.options, thresholds } };
}
