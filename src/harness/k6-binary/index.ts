// The k6 room: bundling scenarios for the real k6, finding and running it,
// and manifests for distributed runs with the k6 operator.
export {
  REFERENCE_K6_VERSION,
  SUPPORTED_K6_MAJOR,
  type K6Version,
  type K6Lookup,
  type FindK6Options,
  parseK6Version,
  findK6,
  describeK6Lookup,
} from './binary.ts';
export { K6_EXTERNALS, K6_TARGET, type BundleResult, bundleForK6, envelopeEntry } from './bundle.ts';
export { ENV_SUMMARY_FILE, DELIVERY_METRICS, optionsForK6, summaryForK6 } from './envelope.ts';
export { K6Error, type K6ErrorCode, RUN_NOT_MADE_EXIT_CODE } from './errors.ts';
export { K6_EXIT, VERDICT_FAILED_EXIT_CODE, type K6Outcome, k6Outcome } from './exit-code.ts';
export { type K6Progress, type K6ScenarioProgress, K6ProgressParser } from './progress.ts';
export {
  ENV_DURATION_SCALE,
  type K6Metric,
  type K6Extras,
  type K6RunSummary,
  type RunK6Options,
  type K6RunResult,
  type RunScenarioOnK6Options,
  runK6,
  runScenarioOnK6,
} from './run.ts';
export { type K6Interval, type K6Samples, K6SampleAggregator, readK6Samples, INTERVAL_COUNTS, INTERVAL_TRENDS } from './samples.ts';
export {
  OPERATOR_MOUNT_DIR,
  DEFAULT_RUNNER_IMAGE,
  type TestRunInput,
  type RenderedManifest,
  renderTestRunManifest,
  testRunNameFor,
} from './manifest.ts';
