// Delivery metrics: what reached a handset, when, and what was lost.
export {
  computeDeliveryMetrics,
  DeliveryTally,
  DEFAULT_OTP_DEADLINE_MS,
  type CallbackFacts,
  type DeliveryOptions,
  type DeliveryInputs,
} from './delivery-tally.ts';
export {
  acceptedCountsFromSummary,
  ACCEPTED_METRIC,
  ACCEPTED_OTP_DELIVERABLE_METRIC,
  acceptedMetricOf,
  CATEGORIES,
  type AcceptedCounts,
} from './accepted-counts.ts';
export { collectDeliveryMetrics, forEachLedgerPage, LEDGER_PAGE_LIMIT, type LedgerPage, type LedgerLoadOptions, type CollectDeliveryOptions } from './ledger-loader.ts';
export { type LedgerProbe } from './ledger-probe.ts';
export { LatencyHistogram, percentileKey, DEFAULT_TREND_PERCENTILES } from './latency-histogram.ts';
export { LedgerUnreachableError, LedgerAnswerError, LedgerPagingError } from './errors.ts';
export { judgeOtp, otpOnTimeRate, type OtpJudgement, type OtpRule, type OtpOnTimeRate } from './otp-on-time.ts';
