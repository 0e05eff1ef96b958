// OTP on time: one definition for the live progress line and the verdict,
// so a run never shows one figure while it runs and another at the end.
//
//   counted   an OTP to a recipient whose handset fate is `deliverable` (the
//             fixture's lookup): an OTP to a number that can never take it
//             says nothing about the gateway, and the scenario's accepted
//             count {category:otp,deliverable:true} leaves it out too
//   on time   on a handset within the deadline of sentAt
//   late      on a handset after the deadline, or not on one and the
//             deadline has passed
//   pending   not on a handset yet, deadline not passed (live only: after
//             the run every accepted deliverable OTP is judged)
//
// rate = on time / counted OTPs judged; the verdict's denominator is the
// accepted deliverable OTPs (one never seen by the simulator is late).
import type { LedgerProbe } from './ledger-probe.ts';

export type OtpJudgement = 'on-time' | 'late' | 'pending' | 'not-counted';

export interface OtpRule {
  deadlineMs: number;
  /**
   * Canonical numbers (81...) whose handset fate is deliverable. Absent:
   * every OTP counts (stricter: an undeliverable recipient is then late).
   */
  deliverable?: ReadonlySet<string>;
}

/** Pure: how one probe stands for otp_on_time at `nowMs` (Infinity: after the run). */
export function judgeOtp(probe: Pick<LedgerProbe, 'category' | 'to' | 'sentAt' | 'handsetAt'>, rule: OtpRule, nowMs = Number.POSITIVE_INFINITY): OtpJudgement {
  if (probe.category !== 'otp') return 'not-counted';
  // A probe without `to` (an older simulator) cannot be excluded: count it.
  if (rule.deliverable && probe.to !== undefined && !rule.deliverable.has(probe.to)) return 'not-counted';
  if (probe.handsetAt != null) return probe.handsetAt - probe.sentAt <= rule.deadlineMs ? 'on-time' : 'late';
  return nowMs - probe.sentAt > rule.deadlineMs ? 'late' : 'pending';
}

export interface OtpOnTimeRate {
  /** 0..1; 0 when nothing was judged. */
  rate: number;
  passes: number;
  fails: number;
}

/** Pure: the rate over `judged` OTPs of which `onTime` were on time (capped: never above 1). */
export function otpOnTimeRate(onTime: number, judged: number): OtpOnTimeRate {
  const passes = Math.min(onTime, judged);
  return { rate: judged > 0 ? passes / judged : 0, passes, fails: judged - passes };
}
