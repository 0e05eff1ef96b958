import * as hdr from 'hdr-histogram-js';
import type { RunResult } from '../run-result/index.ts';

// HdrHistogram interval logs (.hlog, log format 1.3), one file per latency
// metric the engine kept per interval, readable by HdrHistogram's
// HistogramLogProcessor and HistogramLogAnalyzer. Values in the histograms
// are microseconds; Interval_Max is written in milliseconds.

/** k6's built-in time trends, for metrics the summary left out. */
const TIME_METRICS: ReadonlySet<string> = new Set([
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
  'http_req_duration_intended',
  'iteration_duration_intended',
]);

/** File name for a metric key: `http_req_duration{category:otp}` -> `http_req_duration.category-otp.hlog`. */
export function hlogFileName(metric: string): string {
  const safe = metric
    .replace(/[{}]/g, (c) => (c === '{' ? '.' : ''))
    .replace(/[:,]/g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe}.hlog`;
}

/** file name -> .hlog content, for every metric with per-interval histograms. */
export function renderHlogs(result: RunResult): Record<string, string> {
  const intervals = result.summary.denpa?.intervals ?? [];
  // Time trends only: other trends are in thousandths of arbitrary units.
  const isTime = (key: string): boolean => {
    const m = result.summary.metrics[key] ?? result.summary.metrics[key.split('{')[0] ?? key];
    return m ? m.contains === 'time' : TIME_METRICS.has(key.split('{')[0] ?? key);
  };
  const metrics = [...new Set(intervals.flatMap((i) => Object.keys(i.histograms)))].filter(isTime).sort();
  const out: Record<string, string> = {};
  for (const metric of metrics) {
    const lines: string[] = [];
    const writer = new hdr.HistogramLogWriter((text) => lines.push(text));
    writer.outputComment(`denpa run ${result.runId} scenario ${result.scenario} metric ${metric} (values in microseconds)`);
    writer.outputLogFormatVersion();
    writer.outputStartTime(result.startedAt);
    writer.outputLegend();
    for (const i of intervals) {
      const b64 = i.histograms[metric];
      if (!b64) continue;
      const h = hdr.decodeFromCompressedBase64(b64);
      writer.outputIntervalHistogram(h, i.t / 1000, (i.t + i.durationMs) / 1000, 1000);
    }
    out[hlogFileName(metric)] = lines.join('');
  }
  return out;
}
