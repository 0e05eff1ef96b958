// How the segments of one concatenated message combine into its final state.
//
// A message is final only when every segment is: each segment is final once
// its receipt came (or its receipt deadline passed: unknown). Then:
//   all delivered                         -> delivered
//   otherwise the most telling failure wins, in this order:
//     undeliverable > rejected > expired > failed > unknown
// e.g. [delivered, undeliverable] -> undeliverable: the reader did not get
// the whole text; [delivered, unknown] -> unknown: we cannot say it arrived.
import type { FinalState, SegmentState } from './types.ts';

const PRECEDENCE: readonly FinalState[] = ['undeliverable', 'rejected', 'expired', 'failed', 'unknown'];

export function isSegmentFinal(state: SegmentState): boolean {
  return state !== 'pending' && state !== 'submitted';
}

/** The message's final state, or undefined while a segment still awaits its outcome. */
export function combineSegments(states: readonly SegmentState[]): FinalState | undefined {
  if (states.length === 0) return undefined;
  if (!states.every(isSegmentFinal)) return undefined;
  if (states.every((s) => s === 'delivered')) return 'delivered';
  for (const p of PRECEDENCE) if ((states as readonly string[]).includes(p)) return p;
  return 'unknown';
}
