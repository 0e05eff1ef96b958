// Receipts waiting to go out, per system_id. A receipt goes to a receiver or
// transceiver bind of the same system_id (round robin), never more than
// `perSessionInFlight` at once per session (below the session's window, so
// the facade's own queue never overflows: the backlog lives here, compact).
// A receipt whose session dies is queued again; one the client never
// answers is retried by the facade (sendDeliver) and then given up.
// While `held()` is true (a receipt_backlog fault) nothing is sent; `pump()`
// releases the backlog in a burst.
import type { DeliverSmFields, SmppServerSession, DeliverRetryPolicy } from '../src/smpp/index.ts';

export interface PendingReceipt {
  systemId: string;
  build: () => DeliverSmFields;
  /** Told once, at the first send. */
  onSent: () => void;
  /** The client's answer (status), or undefined when given up. */
  onSettled: (status: number | undefined) => void;
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

export interface OutboxOptions {
  perSessionInFlight: number;
  maxQueued: number;
  maxRequeues: number;
  retry: () => DeliverRetryPolicy;
  held: () => boolean;
  onRetry: () => void;
  onDropped: (r: PendingReceipt) => void;
}

export class ReceiptOutbox {
  private readonly queues = new Map<string, Fifo<PendingReceipt>>();
  private readonly receivers = new Map<string, SmppServerSession[]>();
  private readonly inFlight = new Map<SmppServerSession, number>();
  private readonly cursor = new Map<string, number>();
  private queued = 0;

  constructor(private readonly opts: OutboxOptions) {}

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
  }

  enqueue(r: PendingReceipt): void {
    if (this.queued >= this.opts.maxQueued) {
      this.opts.onDropped(r);
      return;
    }
    let q = this.queues.get(r.systemId);
    if (!q) this.queues.set(r.systemId, (q = new Fifo()));
    q.push(r);
    this.queued++;
    this.pump(r.systemId);
  }

  /** Sends what the window allows, for one system_id or all of them. */
  pump(systemId?: string): void {
    if (this.opts.held()) return;
    if (systemId === undefined) {
      for (const id of this.queues.keys()) this.pump(id);
      return;
    }
    const q = this.queues.get(systemId);
    const sessions = this.receivers.get(systemId);
    if (!q || !sessions || sessions.length === 0) return;
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
      const r = q.shift() as PendingReceipt;
      this.queued--;
      this.send(session, r, n);
    }
  }

  /** Forgets queued receipts (shutdown). */
  clear(): void {
    this.queues.clear();
    this.queued = 0;
  }

  private send(session: SmppServerSession, r: PendingReceipt, n: number): void {
    this.inFlight.set(session, n + 1);
    if (r.requeues === 0) r.onSent();
    const done = () => {
      const m = this.inFlight.get(session);
      if (m !== undefined) this.inFlight.set(session, m - 1);
      this.pump(r.systemId);
    };
    session.sendDeliver(r.build(), { retry: this.opts.retry(), onRetry: () => this.opts.onRetry() }).then(
      (result) => {
        r.onSettled(result.commandStatus);
        done();
      },
      (err: unknown) => {
        const code = (err as { code?: string }).code;
        // The session went away (or was never able to take it): try another bind of the same system_id.
        if ((code === 'SMPP_ERR_SESSION_CLOSED' || code === 'SMPP_ERR_NOT_BOUND' || code === 'SMPP_ERR_WINDOW_FULL' || code === 'SMPP_ERR_BACKPRESSURE') && r.requeues < this.opts.maxRequeues) {
          r.requeues++;
          let q = this.queues.get(r.systemId);
          if (!q) this.queues.set(r.systemId, (q = new Fifo()));
          q.unshift(r);
          this.queued++;
        } else {
          r.onSettled(undefined);
        }
        done();
      },
    );
  }
}
