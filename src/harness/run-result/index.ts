// The shape of a run: RunResult and the k6 summary inside it, summary.json,
// metric look-up by key, and the codec of the histograms it carries. The
// bottom of the harness: judge/, delivery/ and report/ build on it.
export * from './types.ts';
export { renderSummaryJson, parseSummaryJson } from './summary-json.ts';
export { findMetric } from './find-metric.ts';
export { encodeHistogram, decodeHistogram } from './histogram.ts';
export { SummaryInvalidError } from './errors.ts';
