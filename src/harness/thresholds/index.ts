// k6's threshold grammar (`p(95)<5000`, `rate>=0.99`, `count==0`, metric
// keys with sub-metric tag filters) and the metric types it judges. The
// built-in engine evaluates thresholds with it during a run, the judge over
// the run's summary and delivery metrics after it: one parser for both.
export {
  parseThresholds,
  parseThresholdExpression,
  parseMetricKey,
  tagsMatch,
  aggregationAllowed,
  checkAgainstTypes,
  percentilesNeeded,
  percentileOf,
  compare,
  evaluateThreshold,
  cannotFail,
  ThresholdSyntaxError,
  type MetricType,
  type ThresholdOperator,
  type ThresholdExpression,
  type MetricKey,
  type ThresholdDefinition,
  type MetricThresholds,
} from './grammar.ts';
export { metricNameOfKey, thresholdSources, percentileRead } from './reading.ts';
