// Receipts waiting to go out, per system_id. A receipt goes to a receiver or
// transceiver bind of the same system_id (round robin), never more than
// `perSessionInFlight` at once per session (below the session's window, so
// the facade's own queue never overflows: the backlog lives here, compact).
// A receipt whose session dies is queued again; one the client never
// answers is retried by the facade (sendDeliver) and then given up.
// While `held()` is true (a receipt_backlog fault) nothing is sent; `pump()`
// releases the backlog in a burst.
// Flow control: when more than `highWater` receipts wait for a system_id
// that has a receiver bound, `whenRoom` holds the SMSC's submit answers for
// that system_id until the backlog halves, as a congested SMSC slows its
// answers. Memory stays bounded by the client's window instead of growing
// with a backlog the client cannot drain.
import type { DeliverSmFields, SmppServerSession, DeliverRetryPolicy } from '../src/smpp/index.ts';

/** One receipt waiting or in flight; `T` is what the SMSC needs to build it (kept compact: no closures per receipt). */
export interface PendingReceipt<T> {
  systemId: string;
  data: T;
  requeues: number;
}

/** A FIFO without O(n) shifts. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  unshift(v: T): void {
    if (this.head > 0) this.items[--this.head] = v;
    else this.items.unshift(v);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

export interface OutboxOptions<T> {
  perSessionInFlight: number;
  /** deliver_sm fields for a receipt. */
  build: (data: T) => DeliverSmFields;
  /** Told once per receipt, at its first send. */
  onSent: (data: T) => void;
  /** The client's answer (status), or undefined when given up. */
  onSettled: (data: T, status: number | undefined) => void;
  /** Above this many receipts waiting for one system_id that has a receiver, `whenRoom` makes callers wait. */
  highWater: number;
  maxQueued: number;
  maxRequeues: number;
  retry: () => DeliverRetryPolicy;
  held: () => boolean;
  onRetry: () => void;
  onDropped: (data: T) => void;
}

export class ReceiptOutbox<T> {
  private readonly queues = new Map<string, Fifo<PendingReceipt<T>>>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly receivers = new Map<string, SmppServerSession[]>();
  private readonly inFlight = new Map<SmppServerSession, number>();
  private readonly cursor = new Map<string, number>();
  private queued = 0;

  constructor(private readonly opts: OutboxOptions<T>) {}

  /**
   * Flow control: resolves at once while the backlog of `systemId` is below
   * the high-water mark (or nobody could drain it: no receiver bound, or
   * receipts held by a fault); otherwise once it has fallen to half of it.
   * Returns undefined when there is room, so the hot path allocates nothing.
   */
  whenRoom(systemId: string): Promise<void> | undefined {
    const q = this.queues.get(systemId);
    if (!q || q.length < this.opts.highWater || this.opts.held() || (this.receivers.get(systemId)?.length ?? 0) === 0) return undefined;
    return new Promise((resolve) => {
      const list = this.waiting.get(systemId) ?? [];
      list.push(resolve);
      this.waiting.set(systemId, list);
    });
  }

  get size(): number {
    return this.queued;
  }

  addReceiver(systemId: string, session: SmppServerSession): void {
    const list = this.receivers.get(systemId) ?? [];
    list.push(session);
    this.receivers.set(systemId, list);
    this.inFlight.set(session, 0);
    this.pump(systemId);
  }

  removeReceiver(systemId: string, session: SmppServerSession): void {
    const list = this.receivers.get(systemId);
    if (list) {
      const i = list.indexOf(session);
      if (i >= 0) list.splice(i, 1);
    }
    this.inFlight.delete(session);
    this.release(systemId, this.queues.get(systemId));
  }

  enqueue(systemId: string, data: T): void {
    const r: PendingReceipt<T> = { systemId, data, requeues: 0 };
    if (this.queued >= this.opts.maxQueued) {
      this.opts.onDropped(data);
      return;
    }
    let q = this.queues.get(r.systemId);
    if (!q) this.queues.set(r.systemId, (q = new Fifo<PendingReceipt<T>>()));
    q.push(r);
    this.queued++;
    this.pump(r.systemId);
  }

  /** Sends what the window allows, for one system_id or all of them. */
  pump(systemId?: string): void {
    if (this.opts.held()) {
      // Nothing drains while held: nobody may wait for room meanwhile.
      for (const id of [...this.waiting.keys()]) this.release(id, this.queues.get(id));
      return;
    }
    if (systemId === undefined) {
      for (const id of this.queues.keys()) this.pump(id);
      return;
    }
    const q = this.queues.get(systemId);
    const sessions = this.receivers.get(systemId);
    if (!q || !sessions || sessions.length === 0) {
      this.release(systemId, q);
      return;
    }
    let idle = 0;
    // Bounded: each pass either sends one receipt or counts one full session;
    // it stops once every session is full or the queue is empty.
    while (q.length > 0 && idle < sessions.length) {
      const at = (this.cursor.get(systemId) ?? 0) % sessions.length;
      this.cursor.set(systemId, at + 1);
      const session = sessions[at] as SmppServerSession;
      const n = this.inFlight.get(session) ?? 0;
      if (n >= this.opts.perSessionInFlight || session.state.state !== 'bound') {
        idle++;
        continue;
      }
      idle = 0;
      const r = q.shift() as PendingReceipt<T>;
      this.queued--;
      this.send(session, r, n);
    }
    this.release(systemId, q);
  }

  private release(systemId: string, q: Fifo<PendingReceipt<T>> | undefined): void {
    const list = this.waiting.get(systemId);
    if (!list || list.length === 0) return;
    const drainable = (this.receivers.get(systemId)?.length ?? 0) > 0 && !this.opts.held();
    if (drainable && q && q.length > this.opts.highWater / 2) return;
    this.waiting.delete(systemId);
    for (const w of list) w();
  }

  /** Forgets queued receipts (shutdown). */
  clear(): void {
    this.queues.clear();
    this.queued = 0;
    for (const list of this.waiting.values()) for (const w of list) w();
    this.waiting.clear();
  }

  private send(session: SmppServerSession, r: PendingReceipt<T>, n: number): void {
    this.inFlight.set(session, n + 1);
    if (r.requeues === 0) this.opts.onSent(r.data);
    const done = () => {
      const m = this.inFlight.get(session);
      if (m !== undefined) this.inFlight.set(session, m - 1);
      this.pump(r.systemId);
    };
    session.sendDeliver(this.opts.build(r.data), { retry: this.opts.retry(), onRetry: () => this.opts.onRetry() }).then(
      (result) => {
        this.opts.onSettled(r.data, result.commandStatus);
        done();
      },
      (err: unknown) => {
        const code = (err as { code?: string }).code;
        // The session went away (or was never able to take it): try another bind of the same system_id.
        if ((code === 'SMPP_ERR_SESSION_CLOSED' || code === 'SMPP_ERR_NOT_BOUND' || code === 'SMPP_ERR_WINDOW_FULL' || code === 'SMPP_ERR_BACKPRESSURE') && r.requeues < this.opts.maxRequeues) {
          r.requeues++;
          let q = this.queues.get(r.systemId);
          if (!q) this.queues.set(r.systemId, (q = new Fifo<PendingReceipt<T>>()));
          q.unshift(r);
          this.queued++;
        } else {
          this.opts.onSettled(r.data, undefined);
        }
        done();
      },
    );
  }
}
