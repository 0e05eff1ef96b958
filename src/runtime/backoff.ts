// Exponential back-off with jitter, for every retry and reconnect in the
// core (SMPP reconnects, throttled and failed submits, status callbacks):
// attempt n waits base * 2^n, capped, scaled by a factor drawn from
// [1 - jitter, 1]. The jitter spreads the retries of many binds or
// receivers so they do not arrive together.
import type { Random } from './random.ts';

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Share of the delay that is random, 0..1. */
  readonly jitter: number;
}

export function backoffDelay(policy: BackoffPolicy, attempt: number, random: Random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt)));
  const factor = 1 - policy.jitter * random.next();
  return Math.max(1, Math.round(exp * factor));
}
