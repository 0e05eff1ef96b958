// Whether a submit_sm is let in, and with which command_status it is
// answered: pure decisions over explicit state, so tests drive them with
// plain numbers. Order of checks (first that fires wins):
//   1. window:   outstanding submits on this bind >= maxOutstandingPerBind -> ESME_RMSGQFUL
//   2. throttle: per-bind bucket, then per-carrier bucket empty            -> ESME_RTHROTTLED
//   3. injected: one uniform draw against the profile's error rates       -> that status
// The injected-error draw is taken for every submit that reaches step 3, so
// the same seed and the same arrival order give the same answers.
import type { Random } from '../src/runtime/index.ts';
import { resolveStatus } from './injected-status.ts';
import type { CarrierProfile } from './profile.ts';

import { CommandStatus } from '../src/smpp/index.ts';

export const ESME_RMSGQFUL = CommandStatus.ESME_RMSGQFUL;
export const ESME_RTHROTTLED = CommandStatus.ESME_RTHROTTLED;

/**
 * A token bucket holding at most one second of tokens: `tps` submits per
 * second sustained, bursts up to `tps`. Time is passed in (ms).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private tps: number,
    now: number,
  ) {
    this.tokens = tps;
    this.last = now;
  }

  /** Changes the rate (a PATCHed profile) without refilling. */
  setRate(tps: number): void {
    this.tps = tps;
    this.tokens = Math.min(this.tokens, tps);
  }

  tryTake(now: number): boolean {
    if (this.tps <= 0) return true;
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.tps, this.tokens + (elapsed * this.tps) / 1000);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Picks the injected status for one draw `u` in [0,1), or 0 for none. */
export function injectedStatus(errors: CarrierProfile['errors'], u: number): number {
  let edge = 0;
  for (const e of errors) {
    edge += e.rate;
    if (u < edge) return resolveStatus(e.status) ?? 0;
  }
  return 0;
}

export interface AdmissionState {
  outstanding: number;
  bindBucket: TokenBucket;
  carrierBucket: TokenBucket;
}

export type Admission = { admitted: true } | { admitted: false; status: number; reason: 'window' | 'throttle-bind' | 'throttle-carrier' | 'injected' };

export function admit(profile: CarrierProfile, state: AdmissionState, now: number, random: Random): Admission {
  if (profile.maxOutstandingPerBind > 0 && state.outstanding >= profile.maxOutstandingPerBind) return { admitted: false, status: ESME_RMSGQFUL, reason: 'window' };
  if (!state.bindBucket.tryTake(now)) return { admitted: false, status: ESME_RTHROTTLED, reason: 'throttle-bind' };
  if (!state.carrierBucket.tryTake(now)) return { admitted: false, status: ESME_RTHROTTLED, reason: 'throttle-carrier' };
  if (profile.errors.length === 0) return { admitted: true };
  const status = injectedStatus(profile.errors, random.next());
  return status === 0 ? { admitted: true } : { admitted: false, status, reason: 'injected' };
}
