// What happens to a message once the SMSC has it: a pure plan from the
// handset's fate, the profile and draws from the carrier's Random.
//
//   deliverable    -> final state drawn from the mix; DELIVRD reaches the
//                     handset after handset.delay, any other state is a
//                     network failure reported at the same instant
//   unreachable    -> comes back after handset.unreachableFor; delivered then
//                     if that is before the validity period ends, else EXPIRED
//                     when it ends
//   undeliverable  -> UNDELIV after handset.delay
// The receipt follows the outcome after receipts.delay.
import type { Random } from '../src/runtime/index.ts';
import { sampleDelay } from './distribution.ts';
import type { HandsetFate } from './numbering.ts';
import { FINAL_STATES, type CarrierProfile, type FinalState } from './profile.ts';

export type Outcome = { kind: 'delivered'; at: number; state: 'DELIVRD'; err: number } | { kind: 'failed'; at: number; state: Exclude<FinalState, 'DELIVRD'>; err: number };

export interface DeliveryPlan {
  outcome: Outcome;
  receiptAt: number;
}

/** The err: value the receipt text carries for each failure (vendor-specific in practice; documented). */
export const RECEIPT_ERR: Record<FinalState, number> = { DELIVRD: 0, UNDELIV: 1, EXPIRED: 2, REJECTD: 3, DELETED: 4, UNKNOWN: 5 };

export function drawFinalState(mix: CarrierProfile['finalStates'], u: number): FinalState {
  let edge = 0;
  let last: FinalState = 'DELIVRD';
  for (const s of FINAL_STATES) {
    const share = mix[s] ?? 0;
    if (share <= 0) continue;
    last = s;
    edge += share;
    if (u < edge) return s;
  }
  return last;
}

export function planDelivery(fate: HandsetFate, profile: CarrierProfile, arrivedAt: number, expiresAt: number, random: Random): DeliveryPlan {
  const delay = sampleDelay(profile.handset.delay, random);
  let outcome: Outcome;
  if (fate === 'undeliverable') {
    outcome = { kind: 'failed', at: arrivedAt + delay, state: 'UNDELIV', err: RECEIPT_ERR.UNDELIV };
  } else if (fate === 'unreachable') {
    const back = arrivedAt + sampleDelay(profile.handset.unreachableFor, random) + delay;
    outcome = back <= expiresAt ? { kind: 'delivered', at: back, state: 'DELIVRD', err: 0 } : { kind: 'failed', at: Math.max(arrivedAt, expiresAt), state: 'EXPIRED', err: RECEIPT_ERR.EXPIRED };
  } else {
    const state = drawFinalState(profile.finalStates, random.next());
    const at = arrivedAt + delay;
    outcome = state === 'DELIVRD' ? { kind: 'delivered', at, state, err: 0 } : { kind: 'failed', at: Math.min(at, Math.max(arrivedAt, expiresAt)), state, err: RECEIPT_ERR[state] };
  }
  return { outcome, receiptAt: outcome.at + sampleDelay(profile.receipts.delay, random) };
}
