// Retry timing for status callbacks: the core's one back-off, exponential
// from initialDelayMs and capped at maxDelayMs, with half of each delay
// random so a receiver that comes back is not hit by every retry at the
// same instant; and the maximum age after which a callback is given up.
import { backoffDelay, type Random } from '../../runtime/index.ts';

/** The callbacks section of the core config, as far as retries go. */
export interface CallbackRetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAgeSeconds: number;
}

/** Delay before attempt number `failures + 1`, after `failures` failed attempts (>= 1): in [cap/2, cap]. */
export function retryDelay(failures: number, policy: CallbackRetryPolicy, random: Random): number {
  return backoffDelay({ baseMs: policy.initialDelayMs, maxMs: policy.maxDelayMs, jitter: 0.5 }, failures - 1, random);
}

export type RetryDecision = { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'abandon'; readonly reason: string };

/** Retry at now + delay, unless that would pass the callback's maximum age. */
export function decideRetry(createdAt: number, now: number, failures: number, policy: CallbackRetryPolicy, random: Random): RetryDecision {
  const at = now + retryDelay(failures, policy, random);
  const deadline = createdAt + policy.maxAgeSeconds * 1000;
  if (at > deadline) return { kind: 'abandon', reason: `gave up after ${failures} attempts: older than ${policy.maxAgeSeconds} s` };
  return { kind: 'retry', at };
}
