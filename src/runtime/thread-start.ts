// A worker thread's first and last words: waiting for the message that says
// it started (or why it did not), and asking it to close and waiting for the
// one that says it did. The core's store and delivery threads start and end
// this way.
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

/**
 * The other end of a thread's life, as the core's threads end: posts
 * `{ kind: 'close' }`, waits for the thread's `{ kind: 'closed' }` (its
 * last words, with the error it closed on if any), then terminates it.
 * Rejects with `exited()` if the thread exits before saying it closed, or
 * after `timeoutMs` (none when undefined); the thread is terminated either way.
 */
export async function closeThread<T extends { readonly kind: string }>(
  worker: Worker,
  what: string,
  options: { readonly timeoutMs?: number; readonly exited?: () => Error | undefined } = {},
): Promise<Extract<T, { kind: 'closed' }>> {
  let onMessage: (m: T) => void = () => {};
  let onExit: () => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<Extract<T, { kind: 'closed' }>>((resolve, reject) => {
    onMessage = (m) => {
      if (m.kind === 'closed') resolve(m as Extract<T, { kind: 'closed' }>);
    };
    onExit = () => reject(options.exited?.() ?? new Error(`${what} exited before closing`));
    if (options.timeoutMs !== undefined) timer = setTimeout(() => reject(new Error(`${what} did not close in ${options.timeoutMs} ms`)), options.timeoutMs);
  });
  worker.on('message', onMessage);
  worker.once('exit', onExit);
  worker.postMessage({ kind: 'close' });
  try {
    return await closed;
  } finally {
    clearTimeout(timer);
    worker.off('message', onMessage);
    worker.off('exit', onExit);
    await worker.terminate();
  }
}
