// The Store, served by the store thread, as another thread calls it.
//
//   calling thread ── calls (one postMessage per turn) ──▶ store thread
//                  ◀── answers (one postMessage per turn) ──
//
// The channel is the store Worker itself (the thread that owns it: see
// worker-store.ts) or a MessagePort connected to it (the delivery thread).
// A call resolves when the store thread's store resolves it (inserts:
// after the durable commit), so nothing about durability changes. Errors
// keep their STORE_ERR_* code; once the channel is gone every waiting and
// later call fails with STORE_ERR_CLOSED.
import type { MessagePort, Worker } from 'node:worker_threads';
import {
  StoreError,
  type CallbackJob,
  type CallbackSettlement,
  type CallbackReplaySelect,
  type CancelOutcome,
  type RetryOutcome,
  type Carrier,
  type Category,
  type ClaimedMessage,
  type DispatchEvent,
  type DispatchOutcome,
  type IdempotencyEntry,
  type InboundMessage,
  type InboundPage,
  type InsertOutcome,
  type Heartbeat,
  type LaneDepth,
  type ListFilter,
  type MessageDetail,
  type MessagePage,
  type NewMessage,
  type OperatorAlertJob,
  type OptOutPage,
  type OptOutSource,
  type Store,
} from '../store/index.ts';
import { deserializeError, ownBytes, type FromWorker, type StoreCall, type StoreMethod, type ToWorker } from './rpc.ts';

/** What the calls travel over: the store Worker, or a port connected to it. */
export type StoreChannel = Pick<Worker, 'postMessage' | 'on'> | MessagePort;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class RemoteStore implements Store {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private outbox: StoreCall[] = [];
  private flushScheduled = false;
  private failure: Error | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  /** Set by close(): later calls are refused. */
  protected closing: Promise<void> | undefined;

  /**
   * `batchMs`: how long calls may gather before they leave (0: at the end
   * of the event-loop turn). Every message wakes the store thread and costs
   * both sides a serialization; for callers not on the accept path a few
   * milliseconds of gathering cost them little and the store thread a lot
   * less (see delivery-thread/worker.ts).
   */
  constructor(
    protected readonly channel: StoreChannel,
    private readonly batchMs = 0,
  ) {
    channel.on('message', (m: FromWorker) => this.onMessage(m));
  }

  /** A store over a port from WorkerStore.connect(), in another thread. The port closing fails every waiting call. */
  static overPort(port: MessagePort, options: { batchMs?: number } = {}): RemoteStore {
    const store = new RemoteStore(port, options.batchMs);
    port.on('close', () => store.fail(new StoreError('STORE_ERR_CLOSED', 'the store thread closed this connection')));
    return store;
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
    this.notifyIfIdle();
  }

  /** The store can no longer answer: fail what waits, and everything after. */
  protected fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.outbox = [];
    this.notifyIfIdle();
  }

  protected get failed(): Error | undefined {
    return this.failure;
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
      // One message per turn of the event loop (the calls of every request and response handled in it), or per batchMs.
      if (this.batchMs > 0) setTimeout(() => this.flushCalls(), this.batchMs);
      else setImmediate(() => this.flushCalls());
    });
  }

  /** Send what is queued now (close() does, so nothing queued is left behind). */
  protected flushCalls(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0 || this.failure) return;
    const calls = this.outbox;
    this.outbox = [];
    this.channel.postMessage({ kind: 'calls', calls } satisfies ToWorker);
  }

  /** Resolves when every call made so far has its answer (or has failed). */
  protected settled(): Promise<void> {
    this.flushCalls();
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.pending.size > 0 || this.idleWaiters.length === 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
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

  retryMessage(id: string, now: number, detail: string): Promise<RetryOutcome> {
    return this.call('retryMessage', [id, now, detail]);
  }

  replayCallbacks(select: CallbackReplaySelect, now: number, limit: number): Promise<number> {
    return this.call('replayCallbacks', [select, now, limit]);
  }

  addOptOuts(tenant: string, numbers: readonly string[], at: number, source: OptOutSource): Promise<number> {
    return this.call('addOptOuts', [tenant, numbers, at, source]);
  }

  removeOptOuts(tenant: string, numbers: readonly string[]): Promise<number> {
    return this.call('removeOptOuts', [tenant, numbers]);
  }

  optedOut(tenant: string, numbers: readonly string[]): Promise<string[]> {
    return this.call('optedOut', [tenant, numbers]);
  }

  listOptOuts(tenant: string, cursor: string | undefined, limit: number): Promise<OptOutPage> {
    return this.call('listOptOuts', [tenant, cursor, limit]);
  }

  recordInbound(message: InboundMessage, forwardUrl?: string): Promise<void> {
    return this.call('recordInbound', forwardUrl === undefined ? [message] : [message, forwardUrl]);
  }

  queueOperatorAlert(alert: OperatorAlertJob): Promise<void> {
    return this.call('queueOperatorAlert', [alert]);
  }

  tenantOfReply(handset: string, sender: string, tenants: readonly string[]): Promise<string | undefined> {
    return this.call('tenantOfReply', [handset, sender, tenants]);
  }

  listInbound(tenant: string, cursor: string | undefined, limit: number): Promise<InboundPage> {
    return this.call('listInbound', [tenant, cursor, limit]);
  }

  claimDueCallbacks(now: number, limit: number, leaseMs?: number, skipOrigins?: readonly string[]): Promise<CallbackJob[]> {
    return this.call('claimDueCallbacks', skipOrigins === undefined ? (leaseMs === undefined ? [now, limit] : [now, limit, leaseMs]) : [now, limit, leaseMs, skipOrigins]);
  }

  settleCallbacks(settlements: readonly CallbackSettlement[]): Promise<void> {
    if (settlements.length === 0) return Promise.resolve();
    return this.call('settleCallbacks', [settlements]);
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

  heartbeat(now: number): Promise<Heartbeat> {
    return this.call('heartbeat', [now]);
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

  /**
   * Over a port: waits for the answers to every call already made, then
   * closes this thread's end (the store itself stays open for its owner).
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.settled();
      (this.channel as MessagePort).close();
    })();
    return this.closing;
  }
}
