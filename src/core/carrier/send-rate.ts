// How fast a carrier link may send while the carrier pushes back
// (ESME_RTHROTTLED, ESME_RMSGQFUL). Carriers cap each account below what a
// gateway is configured for, and say so only by throttling; they also
// throttle now and then for reasons of their own. The link tells the two
// apart by how dense the throttling is:
//
// - every throttled answer pauses the link for a back-off that grows while
//   the carrier keeps throttling without accepting anything in between, and
//   the message is retried;
// - the share of throttled answers is tracked as a moving average; when it
//   reaches `cutShare` the link is sending above the carrier's cap, and the
//   rate is cut to `cut` of itself (not below minTps);
// - every `raiseEveryMs` after a cut, the rate grows by `raise` of itself, up
//   to the configured cap.
//
// An answer to a submit sent before the link last reacted (paused, or cut)
// was already on the wire: it says nothing new and is ignored. Counting
// every such answer as news made a window of 100 in-flight submits escalate
// the pause to its maximum at once, and a carrier capped at 100/s got 23/s;
// cutting on every throttle instead made 5 % sporadic throttling at 7/s
// collapse the rate below the traffic (both measured against the simulator).
import { backoffDelay, type BackoffPolicy, type Random } from '../../runtime/index.ts';

export interface SendRatePolicy {
  /** The pause after a throttled answer; its attempt counts throttles without an accept between them. */
  readonly backoff: BackoffPolicy;
  /** Share of the rate kept after a cut, 0..1. */
  readonly cut: number;
  /** The throttled share of answers (moving average) at which the rate is cut. */
  readonly cutShare: number;
  /** Weight of the newest answer in that moving average, 0..1 (0.1: about the last ten answers). */
  readonly smoothing: number;
  /** Share of the rate added per raiseEveryMs after a cut. */
  readonly raise: number;
  readonly raiseEveryMs: number;
  /** The rate never goes below this (submits per second). */
  readonly minTps: number;
}

export const DEFAULT_SEND_RATE: Omit<SendRatePolicy, 'backoff'> = { cut: 0.7, cutShare: 0.25, smoothing: 0.1, raise: 0.1, raiseEveryMs: 1_000, minTps: 1 };

export class SendRate {
  private current: number;
  private throttledShare = 0;
  private pausesInARow = 0;
  private lastReactionAt = -Infinity;
  private lastRaiseAt = -Infinity;

  constructor(
    /** The configured cap: the rate starts here and never goes above it. */
    readonly capTps: number,
    private readonly policy: SendRatePolicy,
    private readonly random: Random,
  ) {
    if (!(capTps > 0)) throw new RangeError(`capTps must be > 0, got ${capTps}`);
    this.current = capTps;
  }

  /** Submits per second the link may send now. */
  get tps(): number {
    return this.current;
  }

  /**
   * The carrier throttled a submit sent at `sentAt`. Returns the pause to
   * apply from `now`, or 0 when the answer was on the wire before the link
   * last reacted.
   */
  throttled(sentAt: number, now: number): number {
    if (sentAt < this.lastReactionAt) return 0;
    this.lastReactionAt = now;
    this.observe(1);
    if (this.throttledShare >= this.policy.cutShare) {
      this.current = Math.max(Math.min(this.policy.minTps, this.capTps), this.current * this.policy.cut);
      this.throttledShare = 0;
      this.lastRaiseAt = now;
    }
    return backoffDelay(this.policy.backoff, this.pausesInARow++, this.random);
  }

  /** The carrier accepted a submit sent at `sentAt`. Returns true when the rate went up. */
  accepted(sentAt: number, now: number): boolean {
    this.pausesInARow = 0;
    if (sentAt >= this.lastReactionAt) this.observe(0);
    if (this.current >= this.capTps || now - this.lastRaiseAt < this.policy.raiseEveryMs) return false;
    this.current = Math.min(this.capTps, this.current * (1 + this.policy.raise));
    this.lastRaiseAt = now;
    return true;
  }

  private observe(throttled: 0 | 1): void {
    this.throttledShare += this.policy.smoothing * (throttled - this.throttledShare);
  }
}
