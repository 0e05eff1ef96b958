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
