import { describe, expect, it } from 'vitest';
import {
  acceptedCountsFromSummary,
  computeDeliveryMetrics,
  DeliveryTally,
  type AcceptedCounts,
  type CallbackFacts,
  type LedgerProbe,
} from '../../../../src/harness/delivery/index.ts';
import { judgeRun } from '../../../../src/harness/judge/index.ts';
import type { K6Summary } from '../../../../src/harness/run-result/index.ts';

const T0 = Date.UTC(2026, 10, 25, 3, 0, 0);

function probe(seq: number, over: Partial<LedgerProbe> = {}): LedgerProbe {
  return { seq, category: 'otp', carrier: 'docomo', sentAt: T0 + seq, handsetAt: T0 + seq + 1000, finalState: 'DELIVRD', deliveries: 1, intact: true, ...over };
}

function accepted(total: number, otpDeliverable = total): AcceptedCounts {
  return { total, otpDeliverable, byCategory: { otp: total }, otpDeliverableSource: 'deliverable-submetric' };
}

function callbacks(seqs: Array<[number, string]>): CallbackFacts {
  return { received: seqs.length, duplicates: 0, outOfOrder: 0, seqs: seqs.map(([seq, status]) => ({ seq, status, arrivedAt: T0 + 60_000 })) };
}

const count = (r: ReturnType<typeof computeDeliveryMetrics>, name: string): number | undefined => r.metrics[name]?.values.count;

describe('otp_on_time', () => {
  it.each([
    { name: 'all within the deadline', latencies: [100, 2000, 9999], deliverable: 3, rate: 1 },
    { name: 'exactly at the deadline counts as on time', latencies: [10_000], deliverable: 1, rate: 1 },
    { name: 'one ms late is late', latencies: [10_001], deliverable: 1, rate: 0 },
    { name: 'never delivered counts as late', latencies: [500, null, null, 700], deliverable: 4, rate: 0.5 },
    { name: 'undeliverable recipients leave the denominator', latencies: [500, 700, null], deliverable: 2, rate: 1 },
    { name: 'no deliverable OTP accepted: rate 0 with no samples', latencies: [], deliverable: 0, rate: 0 },
  ])('$name', ({ latencies, deliverable, rate }) => {
    const probes = latencies.map((ms, seq) => probe(seq, { handsetAt: ms === null ? null : T0 + seq + ms }));
    const r = computeDeliveryMetrics({ accepted: accepted(latencies.length, deliverable), probes });
    expect(r.metrics.otp_on_time?.values.rate).toBeCloseTo(rate, 10);
    expect((r.metrics.otp_on_time?.values.passes ?? 0) + (r.metrics.otp_on_time?.values.fails ?? 0)).toBe(deliverable);
  });

  it('only OTP probes count towards the OTP on-time rate', () => {
    const probes = [probe(0), probe(1, { category: 'promotion' }), probe(2, { category: 'notice', handsetAt: null })];
    const r = computeDeliveryMetrics({ accepted: accepted(3, 1), probes });
    expect(r.metrics.otp_on_time?.values).toEqual({ rate: 1, passes: 1, fails: 0 });
  });

  it('a custom deadline is honoured', () => {
    const probes = [probe(0, { handsetAt: T0 + 3000 }), probe(1, { handsetAt: T0 + 1 + 1000 })];
    const r = computeDeliveryMetrics({ accepted: accepted(2), probes, otpDeadlineMs: 2000 });
    expect(r.metrics.otp_on_time?.values).toEqual({ rate: 0.5, passes: 1, fails: 1 });
    expect(r.details.otpDeadlineMs).toBe(2000);
  });

  it('a black-holed carrier makes the OTP on-time SLA fail, with the figure', () => {
    const carriers = ['docomo', 'au', 'softbank'] as const;
    const probes = Array.from({ length: 300 }, (_, seq) => {
      const carrier = carriers[seq % 3] as string;
      return probe(seq, { carrier, ...(carrier === 'docomo' ? { handsetAt: null, deliveries: 0, finalState: null } : {}) });
    });
    const delivery = computeDeliveryMetrics({ accepted: accepted(300), probes });
    const summary: K6Summary = { root_group: {}, options: { thresholds: { otp_on_time: ['rate>=0.95'] } }, state: { testRunDurationMs: 1000 }, metrics: {} };
    const verdict = judgeRun({ summary, delivery });
    expect(verdict.outcome).toBe('fail');
    expect(verdict.thresholds[0]).toMatchObject({ state: 'failed', metric: 'otp_on_time', figure: 200 / 300, limit: 0.95 });
    expect(delivery.details.byCarrier.docomo).toMatchObject({ seen: 100, delivered: 0 });
    expect(delivery.details.byCarrier.au).toMatchObject({ seen: 100, delivered: 100, onTime: 100 });
  });
});

describe('messages_lost', () => {
  it('counts, exactly, messages a gateway accepted and dropped on purpose', () => {
    // The stand-in gateway accepted 1000 and silently discarded every 37th.
    const acceptedSeqs = Array.from({ length: 1000 }, (_, i) => i);
    const dropped = acceptedSeqs.filter((s) => s % 37 === 5);
    const forwarded = acceptedSeqs.filter((s) => s % 37 !== 5);
    const r = computeDeliveryMetrics({ accepted: accepted(1000), probes: forwarded.map((s) => probe(s)), callbacks: callbacks(forwarded.map((s) => [s, 'delivered'])) });
    expect(dropped.length).toBe(27);
    expect(count(r, 'messages_lost')).toBe(27);
    expect(r.details.lost).toBe(27);
  });

  it.each([
    { status: 'expired', lost: 0 },
    { status: 'rejected', lost: 0 },
    { status: 'undeliverable', lost: 0 },
    { status: 'failed', lost: 0 },
    { status: 'canceled', lost: 0 },
    // 'unknown' and a 'delivered' the simulator never saw do not excuse a loss.
    { status: 'unknown', lost: 2 },
    { status: 'delivered', lost: 2 },
  ])('a final $status callback for unseen messages leaves $lost lost', ({ status, lost }) => {
    const r = computeDeliveryMetrics({ accepted: accepted(5), probes: [probe(0), probe(1), probe(2)], callbacks: callbacks([[3, status], [4, status]]) });
    expect(count(r, 'messages_lost')).toBe(lost);
  });

  it('a failure report for a seen message is not counted twice', () => {
    const r = computeDeliveryMetrics({ accepted: accepted(3), probes: [probe(0), probe(1, { handsetAt: null })], callbacks: callbacks([[1, 'expired']]) });
    expect(count(r, 'messages_lost')).toBe(1);
    expect(r.details.reportedFailedUnseen).toBe(0);
  });

  it('never goes negative when the simulator saw more than the API acknowledged', () => {
    const r = computeDeliveryMetrics({ accepted: accepted(1), probes: [probe(0), probe(1)] });
    expect(count(r, 'messages_lost')).toBe(0);
  });
});

describe('duplicates, corruption, latency', () => {
  it('counts duplicated and corrupted probes, with per-carrier and per-category rows', () => {
    const probes = [
      probe(0, { deliveries: 2 }),
      probe(1, { deliveries: 3, carrier: 'au', category: 'notice' }),
      probe(2, { intact: false, carrier: 'au' }),
      probe(3),
    ];
    const r = computeDeliveryMetrics({ accepted: accepted(4), probes });
    expect(count(r, 'messages_duplicated')).toBe(2);
    expect(count(r, 'messages_corrupted')).toBe(1);
    expect(r.details.byCarrier.au).toMatchObject({ seen: 2, duplicated: 1, corrupted: 1 });
    expect(r.details.byCategory.notice).toMatchObject({ seen: 1, duplicated: 1 });
  });

  it('reports delivery latency as a k6 trend in ms with category and carrier sub-metrics', () => {
    const latencies = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const probes = latencies.map((ms, seq) => probe(seq, { handsetAt: T0 + seq + ms, carrier: seq < 5 ? 'docomo' : 'softbank' }));
    const r = computeDeliveryMetrics({ accepted: accepted(10), probes, percentiles: [99.9] });
    const v = r.metrics.delivery_latency?.values ?? {};
    expect(r.metrics.delivery_latency).toMatchObject({ type: 'trend', contains: 'time' });
    expect(v.min).toBe(100);
    expect(v.max).toBe(1000);
    expect(v.avg).toBeCloseTo(550, 6);
    // HdrHistogram at 3 significant digits: within 0.1 %.
    expect(v.med).toBeGreaterThanOrEqual(500 * 0.999);
    expect(v.med).toBeLessThanOrEqual(500 * 1.001);
    expect(v['p(99.9)']).toBe(1000);
    expect(r.metrics['delivery_latency{carrier:docomo}']?.values.max).toBe(500);
    expect(r.metrics['delivery_latency{carrier:softbank}']?.values.min).toBe(600);
    expect(r.metrics['delivery_latency{category:otp}']?.values.max).toBe(1000);
  });

  it('callback latency runs from sentAt to the first final callback', () => {
    const r = computeDeliveryMetrics({
      accepted: accepted(2),
      probes: [probe(0), probe(1)],
      callbacks: { received: 3, duplicates: 1, outOfOrder: 0, seqs: [{ seq: 0, status: 'delivered', arrivedAt: T0 + 2000 }, { seq: 1, status: 'delivered', arrivedAt: T0 + 1 + 4000 }] },
    });
    expect(r.metrics.callback_latency?.values.min).toBe(2000);
    expect(r.metrics.callback_latency?.values.max).toBe(4000);
    expect(count(r, 'callbacks_received')).toBe(3);
    expect(count(r, 'callbacks_duplicated')).toBe(1);
  });

  it('folds pages: a seq repeated across overlapping pages counts once', () => {
    const tally = new DeliveryTally(undefined, {});
    tally.add([probe(0), probe(1)]);
    tally.add([probe(1, { deliveries: 2 }), probe(2)]);
    const r = tally.finish(accepted(3));
    expect(r.details.seen).toBe(3);
    expect(count(r, 'messages_duplicated')).toBe(0);
    expect(count(r, 'messages_lost')).toBe(0);
  });

  it('gives counters a per-second rate over the run duration', () => {
    const r = computeDeliveryMetrics({ accepted: accepted(4), probes: [probe(0), probe(1)], durationMs: 4000 });
    expect(r.metrics.messages_lost?.values).toEqual({ count: 2, rate: 0.5 });
  });
});

describe('acceptedCountsFromSummary', () => {
  const base = (metrics: K6Summary['metrics']): K6Summary => ({ root_group: {}, options: {}, state: { testRunDurationMs: 1 }, metrics });
  const counter = (count: number) => ({ type: 'counter' as const, contains: 'default' as const, values: { count, rate: 0 } });

  it.each([
    {
      name: 'deliverable sub-metric, any tag order',
      metrics: { messages_accepted: counter(10), 'messages_accepted{deliverable:true, category:otp}': counter(4), 'messages_accepted{category:otp}': counter(5) },
      want: { total: 10, otpDeliverable: 4, otpDeliverableSource: 'deliverable-submetric' },
    },
    {
      name: 'falls back to every accepted OTP (stricter)',
      metrics: { messages_accepted: counter(10), 'messages_accepted{category:otp}': counter(5) },
      want: { total: 10, otpDeliverable: 5, otpDeliverableSource: 'all-otp' },
    },
    {
      name: 'the dedicated counters (what the scenario library reports), a category without samples is 0',
      metrics: { messages_accepted: counter(12), messages_accepted_otp: counter(7), messages_accepted_otp_deliverable: counter(6), messages_accepted_promotion: counter(5) },
      want: { total: 12, otpDeliverable: 6, otpDeliverableSource: 'deliverable-submetric', byCategory: { otp: 7, notice: 0, dunning: 0, promotion: 5 } },
    },
    {
      name: 'the dedicated counters win over sub-metrics',
      metrics: { messages_accepted: counter(3), messages_accepted_otp: counter(3), 'messages_accepted{category:otp}': counter(9), 'messages_accepted{category:otp,deliverable:true}': counter(9) },
      want: { total: 3, otpDeliverable: 0, byCategory: { otp: 3 } },
    },
    { name: 'nothing reported', metrics: {}, want: { total: 0, otpDeliverable: 0, otpDeliverableSource: 'none' } },
  ])('$name', ({ metrics, want }) => {
    expect(acceptedCountsFromSummary(base(metrics as K6Summary['metrics']))).toMatchObject(want);
  });
});

describe('per-category delivery and the fallback route', () => {
  it('delivered_share counts held promotions never seen as not delivered, leaves undeliverable recipients out, and counts the aggregator route', () => {
    const to = (i: number) => `8190${String(i).padStart(8, '0')}`;
    const deliverableNumbers = new Set([1, 2, 3, 4, 5].map(to));
    const probes = [
      probe(1, { category: 'promotion', to: to(1) }),
      probe(2, { category: 'promotion', to: to(2) }),
      probe(3, { category: 'promotion', to: to(3), handsetAt: null }), // seen, not (yet) delivered
      probe(9, { category: 'promotion', to: to(9), handsetAt: null }), // an undeliverable recipient: left out
      probe(4, { category: 'otp', to: to(4), route: 'aggregator' }),
      probe(5, { category: 'otp', to: to(5), route: 'direct' }),
    ];
    // Six promotions accepted: two never reached the simulator (held and never released).
    const acc: AcceptedCounts = { total: 8, otpDeliverable: 2, byCategory: { otp: 2, promotion: 6 }, otpDeliverableSource: 'deliverable-submetric' };
    const r = computeDeliveryMetrics({ accepted: acc, probes, deliverableNumbers });
    expect(r.metrics['delivered_share{category:promotion}']?.values).toEqual({ rate: 2 / 5, passes: 2, fails: 3 });
    expect(r.metrics['delivered_share{category:otp}']?.values).toEqual({ rate: 1, passes: 2, fails: 0 });
    expect(count(r, 'messages_delivered{category:promotion}')).toBe(2);
    expect(count(r, 'messages_via_aggregator')).toBe(1);
    expect(count(r, 'messages_via_aggregator{category:otp}')).toBe(1);
    expect(count(r, 'messages_via_aggregator{category:promotion}')).toBe(0);
    const thresholds = { 'delivered_share{category:promotion}': ['rate>=0.99'], 'messages_via_aggregator{category:otp}': ['count>0'] };
    const summary: K6Summary = { root_group: {}, options: { thresholds }, state: { testRunDurationMs: 1000 }, metrics: {} };
    const verdict = judgeRun({ summary, delivery: r });
    expect(verdict.thresholds.map((t) => t.state)).toEqual(['failed', 'passed']);
  });
});
