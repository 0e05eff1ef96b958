// The built-in engine: runs k6 TypeScript scripts in Node (see docs/engine.md).

export { runScript, preciseSystemClock, type RunScriptOptions, type RunScriptResult, type HandleSummaryOutput } from './run.ts';
export { writeHandleSummaryOutput } from './summary-output.ts';
export { type ProgressSnapshot, type ScenarioProgress, formatProgress } from './progress.ts';
export {
  type EngineResult,
  type SummaryData,
  type DenpaExtras,
  type ScenarioReport,
  type GroupSummary,
  type CheckSummary,
  type RunEnd,
  type ErrorCount,
  buildSummary,
  mergeResults,
  INTENDED_METRICS,
} from './result.ts';
export { type IntervalRecord, type IntervalEntry, type IntervalTrendStats, type MetricSnapshot } from './metric-registry.ts';
export { type SinkSnapshot, mergeSinks, sinkValues, newHistogram } from './metric-sink.ts';
export { EXIT_CODE, type EngineExitCode, EngineConfigError, UnsupportedApiError, ScriptBundleError, ScriptInitError } from './errors.ts';
export { resolveOptions, type Scenario, type ResolvedOptions, type ExecutorName, EXECUTORS } from './options.ts';
export { parseDuration } from './duration.ts';
export { constantArrivalSchedule, rampingArrivalSchedule, rampingVuSteps, rampingVusAt, arrivalRateAt } from './schedule.ts';
export { bundleScript, findUnsupportedMembers } from './bundle.ts';
export { K6_MODULES } from './k6-modules/index.ts';
