// Retry timing for status callbacks: exponential from initialDelayMs,
// capped at maxDelayMs, with "equal jitter" (half fixed, half random) so a
// receiver that comes back is not hit by every retry at the same instant.
import type { Random } from '../../runtime/index.ts';

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAgeSeconds: number;
}

/** Delay before attempt number `failures + 1`, after `failures` failed attempts (>= 1). */
export function retryDelay(failures: number, policy: BackoffPolicy, random: Random): number {
  const exp = Math.min(30, Math.max(0, failures - 1));
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exp);
  return Math.round(cap / 2 + random.next() * (cap / 2));
}

export type RetryDecision = { readonly kind: 'retry'; readonly at: number } | { readonly kind: 'abandon'; readonly reason: string };

/** Retry at now + delay, unless that would pass the callback's maximum age. */
export function decideRetry(createdAt: number, now: number, failures: number, policy: BackoffPolicy, random: Random): RetryDecision {
  const at = now + retryDelay(failures, policy, random);
  const deadline = createdAt + policy.maxAgeSeconds * 1000;
  if (at > deadline) return { kind: 'abandon', reason: `gave up after ${failures} attempts: older than ${policy.maxAgeSeconds} s` };
  return { kind: 'retry', at };
}
