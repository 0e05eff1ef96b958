import { PROBE_CATEGORIES } from '../../probe/index.ts';
import { findMetric } from '../judge/index.ts';
import type { K6Summary, MessageCategory } from '../report/index.ts';

// How many messages the API accepted, as the scenario counted them with the
// Counter `messages_accepted` tagged {category, deliverable}. k6 (and the
// built-in engine) only report sub-metrics that a threshold names, so a run
// that wants delivery metrics declares these (ACCEPTED_SUBMETRICS, e.g. as
// `count>=0` thresholds, which always hold).

export const CATEGORIES: readonly MessageCategory[] = PROBE_CATEGORIES;

export const ACCEPTED_METRIC = 'messages_accepted';

/** The sub-metric keys delivery metrics read; add them to options.thresholds with `count>=0`. */
export const ACCEPTED_SUBMETRICS: readonly string[] = [
  'messages_accepted{category:otp,deliverable:true}',
  ...CATEGORIES.map((c) => `messages_accepted{category:${c}}`),
];

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
  const byCategory: Partial<Record<MessageCategory, number>> = {};
  for (const c of CATEGORIES) {
    const n = countOf(summary, `${ACCEPTED_METRIC}{category:${c}}`);
    if (n !== undefined) byCategory[c] = n;
  }
  const deliverable = countOf(summary, `${ACCEPTED_METRIC}{category:otp,deliverable:true}`);
  if (deliverable !== undefined) return { total, otpDeliverable: deliverable, byCategory, otpDeliverableSource: 'deliverable-submetric' };
  if (byCategory.otp !== undefined) return { total, otpDeliverable: byCategory.otp, byCategory, otpDeliverableSource: 'all-otp' };
  return { total, otpDeliverable: 0, byCategory, otpDeliverableSource: 'none' };
}
