import { PROBE_CATEGORIES } from '../../probe/index.ts';
import { findMetric, type K6Summary, type MessageCategory } from '../run-result/index.ts';

// How many messages the API accepted, as the scenario counted them. The
// scenario library counts each acceptance under a name of its own per
// category (`messages_accepted_otp`, ...) and for OTPs to deliverable
// handsets (`messages_accepted_otp_deliverable`): k6 reports a custom metric
// whenever it has samples, so no always-true threshold is needed to make
// them appear. A script of one's own may instead tag the Counter
// `messages_accepted` {category, deliverable} and name those sub-metrics in
// a threshold; they are read when the dedicated counters are absent.

export const CATEGORIES: readonly MessageCategory[] = PROBE_CATEGORIES;

export const ACCEPTED_METRIC = 'messages_accepted';
export const ACCEPTED_OTP_DELIVERABLE_METRIC = 'messages_accepted_otp_deliverable';

/** The dedicated counter of one category's acceptances. */
export function acceptedMetricOf(category: MessageCategory): string {
  return `${ACCEPTED_METRIC}_${category}`;
}

export interface AcceptedCounts {
  total: number;
  /** Accepted OTPs whose recipient's handset fate is deliverable: otp_on_time's denominator. */
  otpDeliverable: number;
  byCategory: Partial<Record<MessageCategory, number>>;
  /**
   * Where otpDeliverable came from: the {category:otp,deliverable:true}
   * sub-metric, or (when the run did not report it) all accepted OTPs,
   * which judges undeliverable recipients as late: stricter, never kinder.
   */
  otpDeliverableSource: 'deliverable-submetric' | 'all-otp' | 'none';
}

function countOf(summary: K6Summary, key: string): number | undefined {
  return findMetric(summary.metrics, key)?.values.count;
}

export function acceptedCountsFromSummary(summary: K6Summary): AcceptedCounts {
  const total = countOf(summary, ACCEPTED_METRIC) ?? 0;
  const dedicated = CATEGORIES.some((c) => countOf(summary, acceptedMetricOf(c)) !== undefined);
  const byCategory: Partial<Record<MessageCategory, number>> = {};
  for (const c of CATEGORIES) {
    // With the dedicated counters, a category without samples had no acceptances.
    const n = dedicated ? (countOf(summary, acceptedMetricOf(c)) ?? 0) : countOf(summary, `${ACCEPTED_METRIC}{category:${c}}`);
    if (n !== undefined) byCategory[c] = n;
  }
  const deliverable = dedicated
    ? (countOf(summary, ACCEPTED_OTP_DELIVERABLE_METRIC) ?? 0)
    : countOf(summary, `${ACCEPTED_METRIC}{category:otp,deliverable:true}`);
  if (deliverable !== undefined) return { total, otpDeliverable: deliverable, byCategory, otpDeliverableSource: 'deliverable-submetric' };
  if (byCategory.otp !== undefined) return { total, otpDeliverable: byCategory.otp, byCategory, otpDeliverableSource: 'all-otp' };
  return { total, otpDeliverable: 0, byCategory, otpDeliverableSource: 'none' };
}
