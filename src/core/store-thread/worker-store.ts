// The SQLite store on a thread of its own, as the core uses it: the thread
// that opens it owns the worker (start, close); other threads reach the same
// store through connect() and RemoteStore.overPort.
//
// Every statement better-sqlite3 runs is synchronous: on the thread that
// also parses HTTP requests and answers SMPP, a group commit of a few
// hundred messages (or a claim of 400) holds both for milliseconds, and at
// a few thousand messages a second SQLite is about 40 % of the core's CPU.
// Here the SqliteStore (group commit, checkpointer and all) runs unchanged
// in a worker thread, and RemoteStore (remote-store.ts) forwards the Store
// methods to it.
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { WORKER_RESOURCE_LIMITS, closeThread, firstMessage, threadScript } from '../../runtime/index.ts';
import { StoreError, type SqliteStoreOptions, type StoreSpec } from '../store/index.ts';
import { RemoteStore } from './remote-store.ts';
import { deserializeError, type FromWorker, type StoreWorkerData, type ToWorker } from './rpc.ts';

export class WorkerStore extends RemoteStore {
  private constructor(private readonly worker: Worker) {
    super(worker);
    worker.on('error', (err) => this.fail(new StoreError('STORE_ERR_WORKER', `the store thread failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new StoreError('STORE_ERR_CLOSED', `the store thread exited (code ${code})`)));
  }

  /** Starts the worker and opens the store in it; rejects as openSqliteStore would (StoreOpenError, StoreVersionError codes). */
  static async open(spec: StoreSpec, readyTimeoutMs = 30_000): Promise<WorkerStore> {
    const { script, eval: isEval } = threadScript('store-worker', new URL('./store-worker.ts', import.meta.url));
    const workerData: StoreWorkerData = { spec };
    const worker = new Worker(script, { eval: isEval, workerData, resourceLimits: WORKER_RESOURCE_LIMITS });
    const outcome = await firstMessage<FromWorker>(worker, readyTimeoutMs, 'the store thread');
    if (outcome instanceof Error || outcome.kind !== 'ready') {
      await worker.terminate();
      if (outcome instanceof Error) throw new StoreError('STORE_ERR_OPEN', outcome.message.startsWith('the store thread') ? outcome.message : `the store thread failed to start: ${outcome.message}`);
      throw outcome.kind === 'open_failed' ? deserializeError(outcome.error) : new StoreError('STORE_ERR_OPEN', `unexpected first message from the store thread: ${outcome.kind}`);
    }
    return new WorkerStore(worker);
  }

  /**
   * A port to this store for another thread (RemoteStore.overPort there):
   * its calls reach the store thread directly, not through this one. The
   * store thread closes it when the store closes.
   */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ kind: 'connect', port: port2 } satisfies ToWorker, [port2]);
    return port1;
  }

  /** Flushes pending writes in the worker, closes the database, ends the thread. Idempotent. */
  override close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failed) {
        await this.worker.terminate();
        return;
      }
      this.flushCalls();
      const m = await closeThread<FromWorker>(this.worker, 'the store thread', {
        exited: () => this.failed ?? new StoreError('STORE_ERR_CLOSED', 'the store thread exited before closing'),
      });
      if (m.error) throw deserializeError(m.error);
    })();
    return this.closing;
  }
}

/** Opens the SQLite store in its worker thread (see above). */
export function openWorkerStore(options: SqliteStoreOptions): Promise<WorkerStore> {
  return WorkerStore.open({ backend: 'sqlite', options });
}
