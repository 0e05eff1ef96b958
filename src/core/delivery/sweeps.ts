// The delivery side's timed sweeps: TTL expiry of waiting messages,
// receipt deadlines, held receipts that matched nothing, and the lane
// depth gauge. Each runs, then schedules its next run on the injected
// clock, so a slow store write delays the next sweep instead of stacking.
import type { Clock, TimerHandle } from '../../runtime/index.ts';
import type { DispatchJournal } from '../dispatch/index.ts';
import type { CoreMetrics } from '../metrics/index.ts';
import type { DispatchOutcome, Store } from '../store/index.ts';
import type { DeliveryLogger } from './logger.ts';

/** Rows per store call, and calls per sweep: a backlog drains over a few sweeps instead of one long one. */
const SWEEP_BATCH = 1000;
const SWEEP_ROUNDS = 10;

export interface SweepDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly journal: DispatchJournal;
  readonly log: DeliveryLogger;
  readonly metrics?: CoreMetrics;
  readonly sweepIntervalMs: number;
  readonly laneDepthIntervalMs: number;
  readonly onFinals: (finals: DispatchOutcome['finals']) => void;
  readonly onError: (err: unknown) => void;
}

export interface Sweeps {
  stop(): void;
}

export function startSweeps(deps: SweepDeps): Sweeps {
  const { store, clock, journal, log, metrics, onFinals, onError } = deps;
  let sweepTimer: TimerHandle | undefined;
  let depthTimer: TimerHandle | undefined;
  let stopped = false;

  const drainFinals = async (take: (now: number, limit: number) => Promise<DispatchOutcome['finals']>, now: number): Promise<void> => {
    for (let i = 0; i < SWEEP_ROUNDS; i++) {
      const finals = await take(now, SWEEP_BATCH);
      onFinals(finals);
      if (finals.length < SWEEP_BATCH) break;
    }
  };
  const sweep = async (): Promise<void> => {
    const now = clock.now();
    try {
      await drainFinals((t, n) => store.expireDue(t, n), now);
      await drainFinals((t, n) => store.timeoutReceipts(t, n), now);
      // Receipts for another node's submits (a shared store) match only through the store.
      await journal.retryHeld();
      const dropped = journal.hold.sweep(now);
      if (dropped > 0) log.warn({ dropped }, 'receipts matched no submitted message within the hold time');
    } catch (err) {
      onError(err);
    }
    if (!stopped) sweepTimer = clock.setTimeout(() => void sweep(), deps.sweepIntervalMs);
  };
  const depths = async (): Promise<void> => {
    try {
      if (metrics) metrics.setLaneDepths(await store.laneDepths());
    } catch (err) {
      onError(err);
    }
    if (!stopped) depthTimer = clock.setTimeout(() => void depths(), deps.laneDepthIntervalMs);
  };

  void sweep();
  if (metrics) void depths();
  return {
    stop: () => {
      stopped = true;
      clock.clearTimeout(sweepTimer);
      clock.clearTimeout(depthTimer);
    },
  };
}
