import { describe, expect, it } from 'vitest';
import { computeDeliveryMetrics, judgeOtp, otpOnTimeRate, type AcceptedCounts, type LedgerProbe } from '../../../../src/harness/delivery/index.ts';
import { countOtpSoFar } from '../../../../src/harness/orchestrate/otp-watch.ts';
import { formatProgress } from '../../../../src/harness/orchestrate/progress-line.ts';

// The live progress line and the verdict judge OTP on time by one rule:
// these tests hold the two to the same figure.

const DEADLINE = 10_000;
const DELIVERABLE = '819011110000';
const UNDELIVERABLE = '819022220000';

function probe(seq: number, to: string, handsetAfterMs: number | null, category = 'otp'): LedgerProbe {
  return { seq, category, carrier: 'docomo', to, sentAt: 1_000 * seq, handsetAt: handsetAfterMs === null ? null : 1_000 * seq + handsetAfterMs, deliveries: handsetAfterMs === null ? 0 : 1, intact: true };
}

describe('judgeOtp', () => {
  const rule = { deadlineMs: DEADLINE, deliverable: new Set([DELIVERABLE]) };
  it.each([
    { name: 'delivered within the deadline', p: probe(0, DELIVERABLE, 9_999), now: 20_000, want: 'on-time' },
    { name: 'delivered exactly at the deadline', p: probe(0, DELIVERABLE, 10_000), now: 20_000, want: 'on-time' },
    { name: 'delivered one ms late', p: probe(0, DELIVERABLE, 10_001), now: 20_000, want: 'late' },
    { name: 'undelivered, deadline passed', p: probe(0, DELIVERABLE, null), now: 10_001, want: 'late' },
    { name: 'undelivered, deadline not passed', p: probe(0, DELIVERABLE, null), now: 10_000, want: 'pending' },
    { name: 'undelivered after the run (now = Infinity)', p: probe(0, DELIVERABLE, null), now: Number.POSITIVE_INFINITY, want: 'late' },
    { name: 'an undeliverable recipient', p: probe(0, UNDELIVERABLE, null), now: 50_000, want: 'not-counted' },
    { name: 'another category', p: probe(0, DELIVERABLE, 100, 'promotion'), now: 50_000, want: 'not-counted' },
  ])('$name: $want', ({ p, now, want }) => {
    expect(judgeOtp(p, rule, now)).toBe(want);
  });

  it('without a deliverable set every OTP counts (stricter, never kinder)', () => {
    expect(judgeOtp(probe(0, UNDELIVERABLE, null), { deadlineMs: DEADLINE }, 50_000)).toBe('late');
  });
});

describe('otpOnTimeRate', () => {
  it('caps passes at the judged count and gives 0 over nothing', () => {
    expect(otpOnTimeRate(3, 4)).toEqual({ rate: 0.75, passes: 3, fails: 1 });
    expect(otpOnTimeRate(5, 4)).toEqual({ rate: 1, passes: 4, fails: 0 });
    expect(otpOnTimeRate(0, 0)).toEqual({ rate: 0, passes: 0, fails: 0 });
  });
});

describe('live line and verdict agree', () => {
  // 170 deliverable OTPs all on time, 1 to an undeliverable handset (UNDELIV,
  // never on a handset): the old live count said 170/171 = 99.4 % while the
  // verdict said 100 %.
  const probes = [...Array.from({ length: 170 }, (_, i) => probe(i, DELIVERABLE, 2_000)), probe(170, UNDELIVERABLE, null)];
  const deliverable = new Set([DELIVERABLE]);
  const accepted: AcceptedCounts = { total: 171, otpDeliverable: 170, byCategory: { otp: 171 }, otpDeliverableSource: 'deliverable-submetric' };

  it('shows the verdict figure once every OTP is judged', () => {
    const now = 1_000 * 171 + DEADLINE + 1;
    const live = countOtpSoFar({ judged: 0, onTime: 0 }, probes, now, { deadlineMs: DEADLINE, deliverable });
    const verdict = computeDeliveryMetrics({ accepted, probes, otpDeadlineMs: DEADLINE, deliverableNumbers: deliverable });
    expect(live).toEqual({ judged: 170, onTime: 170 });
    expect(verdict.metrics.otp_on_time?.values).toEqual({ rate: 1, passes: 170, fails: 0 });
    expect(formatProgress({ label: 'x', elapsedMs: 0, otp: live })).toContain('OTP on-time 100.0% (170)');
    expect(otpOnTimeRate(live.onTime, live.judged).rate).toBe(verdict.metrics.otp_on_time?.values.rate);
  });

  it('a late deliverable OTP lowers both by the same amount', () => {
    const withLate = [...probes, probe(171, DELIVERABLE, 12_000)];
    const live = countOtpSoFar({ judged: 0, onTime: 0 }, withLate, Number.POSITIVE_INFINITY, { deadlineMs: DEADLINE, deliverable });
    const verdict = computeDeliveryMetrics({ accepted: { ...accepted, total: 172, otpDeliverable: 171 }, probes: withLate, otpDeadlineMs: DEADLINE, deliverableNumbers: deliverable });
    expect(live).toEqual({ judged: 171, onTime: 170 });
    expect(verdict.metrics.otp_on_time?.values).toEqual({ rate: 170 / 171, passes: 170, fails: 1 });
  });

  it('an OTP on time to a recipient outside the deliverable set is not a pass the denominator lacks', () => {
    // An `unreachable` handset that came back in time: the fixture does not
    // count it as deliverable, so it must not add a pass either.
    const mixed = [probe(0, DELIVERABLE, null), probe(1, UNDELIVERABLE, 1_000)];
    const verdict = computeDeliveryMetrics({ accepted: { total: 2, otpDeliverable: 1, byCategory: { otp: 2 }, otpDeliverableSource: 'deliverable-submetric' }, probes: mixed, otpDeadlineMs: DEADLINE, deliverableNumbers: deliverable });
    expect(verdict.metrics.otp_on_time?.values).toEqual({ rate: 0, passes: 0, fails: 1 });
  });
});

describe('callback_latency per category', () => {
  it('is a sub-metric per category and a column of the category breakdown', () => {
    const ps = [probe(0, DELIVERABLE, 500), probe(1, DELIVERABLE, 500, 'promotion'), probe(2, DELIVERABLE, 500, 'promotion')];
    const r = computeDeliveryMetrics({
      accepted: { total: 3, otpDeliverable: 1, byCategory: { otp: 1, promotion: 2 }, otpDeliverableSource: 'deliverable-submetric' },
      probes: ps,
      callbacks: { received: 2, duplicates: 0, outOfOrder: 0, seqs: [{ seq: 0, status: 'delivered', arrivedAt: 800 }, { seq: 1, status: 'delivered', arrivedAt: 1_000 + 3_000 }] },
    });
    expect(r.metrics['callback_latency{category:otp}']?.values.max).toBeCloseTo(800, 0);
    expect(r.metrics['callback_latency{category:promotion}']?.values.max).toBeCloseTo(3_000, 0);
    expect(r.details.byCategory.otp?.callbackLatencyMs?.count).toBe(1);
    expect(r.details.byCategory.promotion?.callbackLatencyMs?.count).toBe(1);
    expect(r.details.byCarrier.docomo?.callbackLatencyMs).toBeUndefined();
  });
});
