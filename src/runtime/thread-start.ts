// Waiting for a new worker thread's first word: the message that says it
// started (or why it did not), its 'error', or a timeout. The core's store
// and delivery threads start this way.
import type { Worker } from 'node:worker_threads';

/**
 * Resolves with the thread's first message, its error, or an Error naming
 * `what` after `timeoutMs`. Messages for which `skip` returns true (log
 * lines posted while starting) are passed to it and waited past.
 */
export function firstMessage<T>(worker: Worker, timeoutMs: number, what: string, skip?: (m: T) => boolean): Promise<T | Error> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(new Error(`${what} did not start in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: T): void => {
      if (!skip?.(m)) done(m);
    };
    const done = (v: T | Error): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', done);
      resolve(v);
    };
    worker.on('message', onMessage);
    worker.on('error', done);
  });
}

/**
 * V8 heap limits of the core's worker threads (store, delivery). By default
 * V8 lets each busy thread's young generation grow to several tens of MB;
 * capped at 24 MB the core's resident memory with a million queued messages fell
 * from 282-292 MB to 264-270 MB at equal CPU per message and accept latency
 * (bench/core-e2e.ts; 12 MB saved more but cost 3 % CPU).
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 24 } as const;
