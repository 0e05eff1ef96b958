// The SQLite store on a thread of its own, as the core uses it.
//
// Every statement better-sqlite3 runs is synchronous: on the thread that
// also parses HTTP requests and answers SMPP, a group commit of a few
// hundred messages (or a claim of 400) holds both for milliseconds, and at
// a few thousand messages a second SQLite is about 40 % of the core's CPU.
// Here the SqliteStore (group commit, checkpointer and all) runs unchanged
// in a worker thread, and this class forwards the Store methods to it:
//
//   event loop ── calls (one postMessage per turn) ──▶ store worker
//              ◀── answers (one postMessage per turn) ──
//
// A call resolves when the worker's store resolves it (for inserts: after
// the durable commit), so nothing about durability changes.
import { Worker } from 'node:worker_threads';
import { RUNS_BUNDLED, bundledEntry } from '../../../runtime/index.ts';
import { StoreError } from '../errors.ts';
import type {
  CallbackJob,
  CancelOutcome,
  Carrier,
  Category,
  ClaimedMessage,
  DispatchEvent,
  DispatchOutcome,
  IdempotencyEntry,
  InsertOutcome,
  LaneDepth,
  ListFilter,
  MessageDetail,
  MessagePage,
  NewMessage,
  Store,
} from '../types.ts';
import type { SqliteStoreOptions } from './sqlite-store.ts';
import { deserializeError, ownBytes, type FromWorker, type StoreCall, type StoreMethod, type StoreWorkerData, type ToWorker } from './store-rpc.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * The worker's script. Bundled (dist/), the entry sits beside the bundle as
 * plain JavaScript. From source (tests, tsx), the worker registers tsx's
 * loader first, which costs the thread about 30 MB more.
 */
function workerScript(): { script: string; eval: boolean } {
  if (RUNS_BUNDLED) return { script: bundledEntry('store-worker'), eval: false };
  const entry = new URL('./store-worker.ts', import.meta.url).href;
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, eval: true };
}

export class WorkerStore implements Store {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private outbox: StoreCall[] = [];
  private flushScheduled = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err) => this.fail(new StoreError('STORE_ERR_WORKER', `the store thread failed: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new StoreError('STORE_ERR_CLOSED', `the store thread exited (code ${code})`)));
  }

  /** Starts the worker and opens the store in it; rejects as openSqliteStore would (StoreOpenError, StoreVersionError codes). */
  static async open(options: SqliteStoreOptions, readyTimeoutMs = 30_000): Promise<WorkerStore> {
    const { script, eval: isEval } = workerScript();
    const workerData: StoreWorkerData = { options };
    const worker = new Worker(script, { eval: isEval, workerData });
    const outcome = await new Promise<FromWorker | Error>((resolve) => {
      const timer = setTimeout(() => resolve(new StoreError('STORE_ERR_OPEN', `the store thread did not start in ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const done = (v: FromWorker | Error): void => {
        clearTimeout(timer);
        worker.off('message', done);
        worker.off('error', done);
        resolve(v);
      };
      worker.on('message', done);
      worker.on('error', done);
    });
    if (outcome instanceof Error || outcome.kind !== 'ready') {
      await worker.terminate();
      if (outcome instanceof Error) throw outcome.message.startsWith('the store thread') ? outcome : new StoreError('STORE_ERR_OPEN', `the store thread failed to start: ${outcome.message}`);
      throw outcome.kind === 'open_failed' ? deserializeError(outcome.error) : new StoreError('STORE_ERR_OPEN', `unexpected first message from the store thread: ${outcome.kind}`);
    }
    return new WorkerStore(worker);
  }

  private onMessage(m: FromWorker): void {
    if (m.kind !== 'answers') return;
    for (const a of m.answers) {
      const p = this.pending.get(a[0]);
      if (!p) continue;
      this.pending.delete(a[0]);
      if (a[1] === 1) p.resolve(a[2]);
      else p.reject(deserializeError(a[2]));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.outbox = [];
  }

  private call<T>(method: StoreMethod, args: readonly unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new StoreError('STORE_ERR_CLOSED', 'the store is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.outbox.push([id, method, args]);
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // One message per turn of the event loop: the calls of every request and response handled in it.
      setImmediate(() => this.flushCalls());
    });
  }

  private flushCalls(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0 || this.failure) return;
    const calls = this.outbox;
    this.outbox = [];
    this.worker.postMessage({ kind: 'calls', calls } satisfies ToWorker);
  }

  insertMessages(messages: readonly NewMessage[], idempotency?: IdempotencyEntry): Promise<InsertOutcome> {
    const own = messages.map((m) => ({ ...m, parts: m.parts.map((p) => ({ ...p, bytes: ownBytes(p.bytes) })) }));
    return this.call('insertMessages', idempotency ? [own, idempotency] : [own]);
  }

  findIdempotency(tenant: string, key: string): Promise<IdempotencyEntry | undefined> {
    return this.call('findIdempotency', [tenant, key]);
  }

  getMessage(id: string): Promise<MessageDetail | undefined> {
    return this.call('getMessage', [id]);
  }

  listMessages(tenant: string, filter: ListFilter, cursor: string | undefined, limit: number): Promise<MessagePage> {
    return this.call('listMessages', [tenant, filter, cursor, limit]);
  }

  cancelMessage(tenant: string, id: string, now: number): Promise<CancelOutcome> {
    return this.call('cancelMessage', [tenant, id, now]);
  }

  claimDueCallbacks(now: number, limit: number, leaseMs?: number): Promise<CallbackJob[]> {
    return this.call('claimDueCallbacks', leaseMs === undefined ? [now, limit] : [now, limit, leaseMs]);
  }

  markCallbackDelivered(id: string, at: number): Promise<void> {
    return this.call('markCallbackDelivered', [id, at]);
  }

  rescheduleCallback(id: string, nextAt: number, attempts: number, lastError: string): Promise<void> {
    return this.call('rescheduleCallback', [id, nextAt, attempts, lastError]);
  }

  abandonCallback(id: string, at: number, reason: string): Promise<void> {
    return this.call('abandonCallback', [id, at, reason]);
  }

  pendingCallbackCount(): Promise<number> {
    return this.call('pendingCallbackCount', []);
  }

  claimDue(carrier: Carrier, now: number, limit: number, lanes?: readonly Category[]): Promise<ClaimedMessage[]> {
    return this.call('claimDue', lanes === undefined ? [carrier, now, limit] : [carrier, now, limit, lanes]);
  }

  applyDispatch(events: readonly DispatchEvent[]): Promise<DispatchOutcome> {
    if (events.length === 0) return Promise.resolve({ unmatched: [], finals: [] });
    return this.call('applyDispatch', [events]);
  }

  expireDue(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.call('expireDue', [now, limit]);
  }

  timeoutReceipts(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.call('timeoutReceipts', [now, limit]);
  }

  recoverInFlight(now: number): Promise<number> {
    return this.call('recoverInFlight', [now]);
  }

  laneDepths(): Promise<LaneDepth[]> {
    return this.call('laneDepths', []);
  }

  nextDueAt(carrier: Carrier): Promise<number | undefined> {
    return this.call('nextDueAt', [carrier]);
  }

  /** Resolves when every write handed to the store so far is committed and synced. */
  flushed(): Promise<void> {
    return this.call('flushed', []);
  }

  /** Flushes pending writes in the worker, closes the database, ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure) {
        await this.worker.terminate();
        return;
      }
      this.flushCalls();
      const closed = new Promise<FromWorker & { kind: 'closed' }>((resolve, reject) => {
        this.worker.on('message', (m: FromWorker) => {
          if (m.kind === 'closed') resolve(m);
        });
        this.worker.once('exit', () => reject(this.failure ?? new StoreError('STORE_ERR_CLOSED', 'the store thread exited before closing')));
      });
      this.worker.postMessage({ kind: 'close' } satisfies ToWorker);
      const m = await closed;
      await this.worker.terminate();
      if (m.error) throw deserializeError(m.error);
    })();
    return this.closing;
  }
}

/** Opens the store in its worker thread (see above). */
export function openWorkerStore(options: SqliteStoreOptions): Promise<WorkerStore> {
  return WorkerStore.open(options);
}
