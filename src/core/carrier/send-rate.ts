// How fast a carrier link may send while the carrier pushes back
// (ESME_RTHROTTLED, ESME_RMSGQFUL). Carriers cap each account below what a
// gateway is configured for, and say so only by throttling; the link learns
// the cap the way TCP learns a path's capacity:
//
// - a throttle episode cuts the rate to `cut` of what it was (not below
//   minTps) and pauses the link for a back-off that grows while the carrier
//   keeps throttling without accepting anything in between;
// - every `raiseEveryMs` in which the carrier accepted and did not throttle,
//   the rate grows by `raise` of itself, up to the configured cap.
//
// A throttled answer to a submit sent before the last cut was already on the
// wire when the link slowed down: it says nothing new and cuts nothing.
// Counting every such answer as a new episode made a window of 100 in-flight
// submits escalate the pause to its maximum at once, and a carrier capped at
// 100/s got 23/s (measured against the simulator).
import type { Random } from '../../runtime/index.ts';
import { backoffDelay, type BackoffPolicy } from '../dispatch/backoff.ts';

export interface SendRatePolicy {
  /** The pause after a throttle episode; its attempt counts episodes without an accept between them. */
  readonly backoff: BackoffPolicy;
  /** Share of the rate kept after a throttle episode, 0..1. */
  readonly cut: number;
  /** Share of the rate added per raiseEveryMs without a throttle. */
  readonly raise: number;
  readonly raiseEveryMs: number;
  /** The rate never goes below this (submits per second). */
  readonly minTps: number;
}

export const DEFAULT_SEND_RATE: Omit<SendRatePolicy, 'backoff'> = { cut: 0.7, raise: 0.1, raiseEveryMs: 1_000, minTps: 1 };

export class SendRate {
  private current: number;
  private episodes = 0;
  private lastCutAt = -Infinity;
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
   * apply from `now`, or 0 when the answer belongs to an episode already
   * acted on.
   */
  throttled(sentAt: number, now: number): number {
    if (sentAt < this.lastCutAt) return 0;
    this.current = Math.max(Math.min(this.policy.minTps, this.capTps), this.current * this.policy.cut);
    this.lastCutAt = now;
    this.lastRaiseAt = now;
    return backoffDelay(this.policy.backoff, this.episodes++, this.random);
  }

  /** The carrier accepted a submit. Returns true when the rate went up. */
  accepted(now: number): boolean {
    this.episodes = 0;
    if (this.current >= this.capTps || now - this.lastRaiseAt < this.policy.raiseEveryMs) return false;
    this.current = Math.min(this.capTps, this.current * (1 + this.policy.raise));
    this.lastRaiseAt = now;
    return true;
  }
}
