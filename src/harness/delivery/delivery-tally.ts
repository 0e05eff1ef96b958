import type { DeliveryBreakdown, DeliveryResult, SummaryMetric } from '../run-result/index.ts';
import { FAILURE_STATUSES } from '../sink/index.ts';
import { CATEGORIES, type AcceptedCounts } from './accepted-counts.ts';
import type { LedgerProbe } from './ledger-probe.ts';
import { DEFAULT_TREND_PERCENTILES, LatencyHistogram } from './latency-histogram.ts';
import { judgeOtp, otpOnTimeRate, type OtpRule } from './otp-on-time.ts';

// The measurement model's delivery metrics (docs/design.md), folded page by page
// over the simulator's truth ledger so that memory stays bounded: per probe
// only its seq (in the `seen` set) is kept; latencies go into histograms.
//
//   otp_on_time          rate     passes = OTPs to deliverable recipients on
//                                 a handset within the deadline of sentAt
//                                 (judgeOtp, as the live line counts them);
//                                 denominator = accepted deliverable OTPs
//                                 (never delivered = late)
//   messages_lost        counter  accepted − |seen ∪ reported-failed|
//   messages_duplicated  counter  probes with deliveries > 1
//   messages_corrupted   counter  probes whose checksum failed (intact false)
//   delivery_latency     trend ms sentAt → handsetAt, {category:x} {carrier:y}
//   messages_delivered   counter  probes on a handset, {category:x} sub-metrics
//   delivered_share      rate     per {category:x}: probes to deliverable
//                                 recipients on a handset ÷ accepted of that
//                                 category less those the ledger saw go to an
//                                 undeliverable one (a held lane that never
//                                 drains fails it: never seen = not delivered)
//   messages_via_aggregator counter probes that came through the fallback
//                                 route, {category:x} sub-metrics
//   callbacks_*          counters from the sink; callback_latency trend ms
//                                 sentAt → first final callback's arrival,
//                                 {category:x} sub-metrics

export const DEFAULT_OTP_DEADLINE_MS = 10_000;

/** What the sink knows about a run (a subset of SinkRunSnapshot). */
export interface CallbackFacts {
  received: number;
  duplicates: number;
  outOfOrder: number;
  seqs: ReadonlyArray<{ seq: number; status: string; arrivedAt: number }>;
  sink?: { badSignatures: number };
}

export interface DeliveryOptions {
  otpDeadlineMs?: number;
  /** Extra percentiles for the trends (e.g. every p(N) a threshold names). */
  percentiles?: readonly number[];
  /** Run duration, for counters' `rate` (per second). 0 or absent: rate 0. */
  durationMs?: number;
  /** Canonical numbers whose handset fate is deliverable (the fixture's): otp_on_time counts only OTPs to these. */
  deliverableNumbers?: ReadonlySet<string>;
}

class Breakdown {
  seen = 0;
  delivered = 0;
  viaAggregator = 0;
  /** Seen, to a recipient whose handset fate is not deliverable. */
  toUndeliverable = 0;
  /** Delivered, to a deliverable recipient. */
  deliverableDelivered = 0;
  onTime = 0;
  duplicated = 0;
  corrupted = 0;
  readonly latency = new LatencyHistogram();
  readonly callbackLatency = new LatencyHistogram();
}

export class DeliveryTally {
  private readonly deadlineMs: number;
  private readonly otpRule: OtpRule;
  private readonly seen = new Set<number>();
  private readonly callbackArrival = new Map<number, number>();
  private readonly failed = new Set<number>();
  private readonly latency = new LatencyHistogram();
  private readonly callbackLatency = new LatencyHistogram();
  private readonly byCategory = new Map<string, Breakdown>();
  private readonly byCarrier = new Map<string, Breakdown>();
  private otpOnTime = 0;
  private duplicated = 0;
  private corrupted = 0;
  private delivered = 0;
  private viaAggregator = 0;
  private repeatedProbes = 0;

  constructor(
    private readonly callbacks: CallbackFacts | undefined,
    private readonly options: DeliveryOptions = {},
  ) {
    this.deadlineMs = options.otpDeadlineMs ?? DEFAULT_OTP_DEADLINE_MS;
    this.otpRule = { deadlineMs: this.deadlineMs, ...(options.deliverableNumbers ? { deliverable: options.deliverableNumbers } : {}) };
    for (const c of callbacks?.seqs ?? []) {
      this.callbackArrival.set(c.seq, c.arrivedAt);
      if (FAILURE_STATUSES.has(c.status)) this.failed.add(c.seq);
    }
  }

  private breakdown(map: Map<string, Breakdown>, key: string): Breakdown {
    let b = map.get(key);
    if (!b) map.set(key, (b = new Breakdown()));
    return b;
  }

  /** Fold one page of probes in. A seq seen twice (overlapping pages) counts once. */
  add(probes: Iterable<LedgerProbe>): void {
    for (const p of probes) {
      if (this.seen.has(p.seq)) {
        this.repeatedProbes++;
        continue;
      }
      this.seen.add(p.seq);
      const rows = [this.breakdown(this.byCategory, p.category), this.breakdown(this.byCarrier, p.carrier)];
      for (const r of rows) r.seen++;
      if (p.deliveries > 1) {
        this.duplicated++;
        for (const r of rows) r.duplicated++;
      }
      if (!p.intact) {
        this.corrupted++;
        for (const r of rows) r.corrupted++;
      }
      const arrival = this.callbackArrival.get(p.seq);
      if (arrival !== undefined) {
        this.callbackLatency.record(arrival - p.sentAt);
        (rows[0] as Breakdown).callbackLatency.record(arrival - p.sentAt);
      }
      const deliverable = !this.options.deliverableNumbers || p.to === undefined || this.options.deliverableNumbers.has(p.to);
      if (!deliverable) (rows[0] as Breakdown).toUndeliverable++;
      else if (p.handsetAt != null) (rows[0] as Breakdown).deliverableDelivered++;
      if (p.route === 'aggregator') {
        this.viaAggregator++;
        (rows[0] as Breakdown).viaAggregator++;
      }
      if (judgeOtp(p, this.otpRule) === 'on-time') this.otpOnTime++;
      if (p.handsetAt == null) continue;
      const ms = p.handsetAt - p.sentAt;
      this.delivered++;
      this.latency.record(ms);
      const onTime = ms <= this.deadlineMs;
      for (const r of rows) {
        r.delivered++;
        r.latency.record(ms);
        if (onTime) r.onTime++;
      }
    }
  }

  finish(accepted: AcceptedCounts): DeliveryResult {
    const percentiles = [...new Set([...DEFAULT_TREND_PERCENTILES, ...(this.options.percentiles ?? [])])].sort((a, b) => a - b);
    const seconds = (this.options.durationMs ?? 0) / 1000;
    const counter = (count: number): SummaryMetric => ({
      type: 'counter',
      contains: 'default',
      values: { count, rate: seconds > 0 ? count / seconds : 0 },
    });
    const trend = (h: LatencyHistogram): SummaryMetric => ({ type: 'trend', contains: 'time', values: h.trendValues(percentiles) });

    let reportedFailedUnseen = 0;
    for (const seq of this.failed) if (!this.seen.has(seq)) reportedFailedUnseen++;
    // The accepted set is known only by its size (the engine counts
    // acceptances; it does not keep seqs), so lost is a difference of counts.
    const lost = Math.max(0, accepted.total - (this.seen.size + reportedFailedUnseen));
    const otp = otpOnTimeRate(this.otpOnTime, accepted.otpDeliverable);

    const metrics: Record<string, SummaryMetric> = {
      otp_on_time: { type: 'rate', contains: 'default', values: { ...otp } },
      messages_lost: counter(lost),
      messages_duplicated: counter(this.duplicated),
      messages_corrupted: counter(this.corrupted),
      messages_delivered: counter(this.delivered),
      callbacks_received: counter(this.callbacks?.received ?? 0),
      callbacks_duplicated: counter(this.callbacks?.duplicates ?? 0),
      callbacks_out_of_order: counter(this.callbacks?.outOfOrder ?? 0),
      callbacks_bad_signature: counter(this.callbacks?.sink?.badSignatures ?? 0),
    };
    // A latency with no sample has no figure, so it is left out and its
    // thresholds are unmeasured (a failure) instead of passing on zeros: a
    // callback path that never answers must break `callback_latency p(95)<x`.
    const putTrend = (key: string, h: LatencyHistogram): void => {
      if (h.size > 0) metrics[key] = trend(h);
    };
    metrics.messages_via_aggregator = counter(this.viaAggregator);
    for (const c of CATEGORIES) {
      const b = this.byCategory.get(c);
      const acceptedOf = accepted.byCategory[c] ?? 0;
      if (!b && acceptedOf === 0) continue;
      metrics[`messages_delivered{category:${c}}`] = counter(b?.delivered ?? 0);
      metrics[`messages_via_aggregator{category:${c}}`] = counter(b?.viaAggregator ?? 0);
      const judged = Math.max(0, acceptedOf - (b?.toUndeliverable ?? 0));
      const passes = Math.min(b?.deliverableDelivered ?? 0, judged);
      metrics[`delivered_share{category:${c}}`] = { type: 'rate', contains: 'default', values: { rate: judged > 0 ? passes / judged : 0, passes, fails: judged - passes } };
    }
    putTrend('delivery_latency', this.latency);
    putTrend('callback_latency', this.callbackLatency);
    for (const [c, b] of [...this.byCategory].sort()) putTrend(`delivery_latency{category:${c}}`, b.latency);
    for (const [c, b] of [...this.byCarrier].sort()) putTrend(`delivery_latency{carrier:${c}}`, b.latency);
    for (const [c, b] of [...this.byCategory].sort()) putTrend(`callback_latency{category:${c}}`, b.callbackLatency);

    const table = (map: Map<string, Breakdown>): Record<string, DeliveryBreakdown> => {
      const out: Record<string, DeliveryBreakdown> = {};
      for (const [key, b] of [...map].sort()) {
        const row: DeliveryBreakdown = { seen: b.seen, delivered: b.delivered, onTime: b.onTime, duplicated: b.duplicated, corrupted: b.corrupted };
        const latency = latencyStats(b.latency);
        if (latency) row.latencyMs = latency;
        const callback = latencyStats(b.callbackLatency);
        if (callback) row.callbackLatencyMs = callback;
        out[key] = row;
      }
      return out;
    };

    const byStatus: Record<string, number> = {};
    for (const c of this.callbacks?.seqs ?? []) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    return {
      metrics,
      details: {
        otpDeadlineMs: this.deadlineMs,
        accepted: { ...accepted, byCategory: { ...accepted.byCategory } },
        otpOnTime: this.otpOnTime,
        seen: this.seen.size,
        reportedFailedUnseen,
        lost,
        callbacks: {
          received: this.callbacks?.received ?? 0,
          finals: this.callbacks?.seqs.length ?? 0,
          duplicates: this.callbacks?.duplicates ?? 0,
          outOfOrder: this.callbacks?.outOfOrder ?? 0,
          badSignatures: this.callbacks?.sink?.badSignatures ?? 0,
          byStatus,
        },
        byCategory: table(this.byCategory),
        byCarrier: table(this.byCarrier),
        ...(this.latency.size > 0 ? { latencyHdr: this.latency.encode() } : {}),
      },
    };
  }
}

/** The breakdown tables' latency columns; undefined for an empty histogram. */
function latencyStats(h: LatencyHistogram): DeliveryBreakdown['latencyMs'] {
  if (h.size === 0) return undefined;
  const v = h.trendValues([90, 95, 99]);
  return {
    count: h.size,
    min: v.min as number,
    med: v.med as number,
    'p(90)': v['p(90)'] as number,
    'p(95)': v['p(95)'] as number,
    'p(99)': v['p(99)'] as number,
    max: v.max as number,
    avg: v.avg as number,
  };
}

export interface DeliveryInputs extends DeliveryOptions {
  accepted: AcceptedCounts;
  probes: Iterable<LedgerProbe>;
  callbacks?: CallbackFacts;
}

/** Pure: the delivery metrics from accepted counts, ledger probes and sink facts. */
export function computeDeliveryMetrics(inputs: DeliveryInputs): DeliveryResult {
  const { accepted, probes, callbacks, ...options } = inputs;
  const tally = new DeliveryTally(callbacks, options);
  tally.add(probes);
  return tally.finish(accepted);
}
