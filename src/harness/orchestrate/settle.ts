// Waiting for the delivery tail. When the engine stops, messages may still
// be queued in the gateway, on their way to a handset, or waiting for a
// receipt and a callback. The harness waits, bounded by a deadline, until
// every accepted message is accounted for and the tail has gone quiet:
//
//   pending   = accepted − seen by the simulator − final failures reported
//               (a pending message would count as lost if we stopped now:
//               wait for it, up to the deadline)
//   settled   = nothing pending, and either every accepted message has a
//               final callback ('all-final'), or every one still without one
//               is a probe the simulator has seen go to a handset whose fate
//               is not deliverable ('decided': an unreachable handset comes
//               back after tens of seconds to minutes, and waiting for it
//               changes no verdict but the slowest latencies), or nothing has
//               changed for `quietMs` ('quiet')
import type { Clock } from '../../runtime/index.ts';

export interface TailSnapshot {
  /** Probes the simulator has seen (ledger `messages`). */
  seen: number;
  /** Handset deliveries so far (ledger `deliveries`). */
  deliveries: number;
  /** Seqs with a final callback at the sink. */
  finals: number;
  /** Of those, final failures (the gateway gave up on them). */
  failedFinals: number;
  /**
   * Probes the simulator has seen, without a final callback yet, whose
   * recipient's handset fate is not deliverable (the fixture knows each
   * number's fate). Absent: not read (the tail then waits for them too).
   */
  openUndeliverable?: number;
}

export type TailState =
  | { state: 'pending'; pending: number }
  | { state: 'draining'; waitingFor: number }
  | { state: 'settled'; reason: 'all-final' | 'decided' | 'quiet' }
  | { state: 'deadline'; pending: number };

export interface TailJudgement {
  accepted: number;
  snapshot: TailSnapshot;
  /** ms since the snapshot last changed. */
  quietForMs: number;
  quietMs: number;
  elapsedMs: number;
  deadlineMs: number;
}

/** Pure: where the tail stands. */
export function judgeTail(j: TailJudgement): TailState {
  const { accepted, snapshot } = j;
  const pending = Math.max(0, accepted - snapshot.seen - snapshot.failedFinals);
  if (snapshot.finals >= accepted) return { state: 'settled', reason: 'all-final' };
  if (j.elapsedMs >= j.deadlineMs) return { state: 'deadline', pending };
  if (pending > 0) return { state: 'pending', pending };
  if (snapshot.openUndeliverable !== undefined && snapshot.finals + snapshot.openUndeliverable >= accepted) return { state: 'settled', reason: 'decided' };
  if (j.quietForMs >= j.quietMs) return { state: 'settled', reason: 'quiet' };
  return { state: 'draining', waitingFor: accepted - snapshot.finals };
}

function sameSnapshot(a: TailSnapshot | undefined, b: TailSnapshot): boolean {
  return a !== undefined && a.seen === b.seen && a.deliveries === b.deliveries && a.finals === b.finals && a.failedFinals === b.failedFinals;
}

export interface SettleOptions {
  accepted: number;
  read: () => Promise<TailSnapshot>;
  clock: Clock;
  deadlineMs: number;
  quietMs?: number;
  pollMs?: number;
  onState?: (state: TailState, snapshot: TailSnapshot) => void;
  signal?: AbortSignal;
}

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls until the tail settles or the deadline passes; returns the final state. */
export async function settleTail(o: SettleOptions): Promise<{ state: TailState; snapshot: TailSnapshot; waitedMs: number }> {
  const quietMs = o.quietMs ?? 3_000;
  const pollMs = o.pollMs ?? 500;
  const start = o.clock.now();
  let last: TailSnapshot | undefined;
  let changedAt = start;
  // Bounded by the deadline: each turn sleeps pollMs, at most deadline/poll + 1 turns.
  const maxTurns = Math.ceil(o.deadlineMs / pollMs) + 2;
  for (let turn = 0; ; turn++) {
    const snapshot = await o.read();
    const now = o.clock.now();
    if (!sameSnapshot(last, snapshot)) changedAt = now;
    last = snapshot;
    const elapsedMs = now - start;
    const state = judgeTail({ accepted: o.accepted, snapshot, quietForMs: now - changedAt, quietMs, elapsedMs, deadlineMs: turn >= maxTurns ? 0 : o.deadlineMs });
    o.onState?.(state, snapshot);
    if (state.state === 'settled' || state.state === 'deadline' || o.signal?.aborted) return { state, snapshot, waitedMs: elapsedMs };
    await sleep(o.clock, pollMs, o.signal);
  }
}
