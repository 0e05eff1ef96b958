// How the sender judges one receiver origin (scheme://host:port), a pure
// state machine: a few failures in a row (timeouts, refused connections,
// 5xx, 429) and the origin backs off as a whole, with the core's one
// back-off (runtime/backoff.ts, the callbacks' CallbackRetryPolicy); when
// the back-off ends a single probe goes out, and its answer either restores
// the full per-origin bound or doubles the back-off. So a dead or failing
// receiver costs the sender one connection now and then, not a share of its
// slots, and other origins' callbacks never wait behind it.
//
//   healthy ──3 failures in a row──▶ backing_off ──until passes──▶ probing
//      ▲                                  ▲                          │
//      └──────────── success ─────────────┼──────────────────────────┤
//                                         └──────── failure ─────────┘
import { backoffDelay, type Random } from '../../runtime/index.ts';
import type { CallbackRetryPolicy } from './backoff.ts';

export type OriginHealth =
  /** Sending up to the per-origin bound; `failures` in a row so far (fewer than FAILURES_BEFORE_BACKOFF). */
  | { readonly state: 'healthy'; readonly failures: number }
  /** Nothing is sent before `until`; `level` counts the back-offs in a row (the delay doubles with each). */
  | { readonly state: 'backing_off'; readonly until: number; readonly level: number }
  /** The back-off has passed: one request at a time until one succeeds. */
  | { readonly state: 'probing'; readonly level: number };

/** Failures in a row that put an origin into back-off (one or two may be the receiver's bad luck; three is a pattern). */
export const FAILURES_BEFORE_BACKOFF = 3;

export const HEALTHY: OriginHealth = { state: 'healthy', failures: 0 };

/** Whether an attempt's result says something about the receiver as a whole (a 404 or 400 is about the one callback). */
export function isOriginFailure(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === 429 || status === 408;
}

export function afterSuccess(): OriginHealth {
  return HEALTHY;
}

/** After a failed attempt that isOriginFailure, at `now`. */
export function afterFailure(h: OriginHealth, now: number, policy: CallbackRetryPolicy, random: Random): OriginHealth {
  const backOff = (level: number): OriginHealth => ({
    state: 'backing_off',
    until: now + backoffDelay({ baseMs: policy.initialDelayMs, maxMs: policy.maxDelayMs, jitter: 0.5 }, level - 1, random),
    level,
  });
  switch (h.state) {
    case 'healthy':
      return h.failures + 1 >= FAILURES_BEFORE_BACKOFF ? backOff(1) : { state: 'healthy', failures: h.failures + 1 };
    case 'probing':
      return backOff(h.level + 1);
    case 'backing_off':
      // An attempt sent before the back-off began: it tells nothing new.
      return h;
  }
}

/** The state at `now`: a back-off that has passed becomes a probe. */
export function atTime(h: OriginHealth, now: number): OriginHealth {
  return h.state === 'backing_off' && h.until <= now ? { state: 'probing', level: h.level } : h;
}

/** How many requests may be in flight to the origin in this state. */
export function inFlightBound(h: OriginHealth, perOrigin: number): number {
  return h.state === 'healthy' ? perOrigin : h.state === 'probing' ? 1 : 0;
}
