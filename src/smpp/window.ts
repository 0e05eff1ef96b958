// The window of outstanding requests on one session (sharp edge 6: the
// package has none). `acquire` takes a slot or waits in a bounded FIFO
// queue; `release` hands the slot to the next waiter. No timers: the
// session's response timeout frees slots, so a waiter cannot wait forever
// unless a slot holder never settles, which the session rules out.

import { SmppSessionClosedError, SmppWindowFullError } from './errors.ts';

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class RequestWindow {
  private inUse = 0;
  private readonly waiters: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(
    /** Most requests outstanding at once (>= 1). */
    readonly size: number,
    /** Most callers waiting for a slot; beyond it `acquire` fails with SmppWindowFullError. */
    readonly maxQueued: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be an integer >= 1, got ${size}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new RangeError(`maxQueued must be an integer >= 0, got ${maxQueued}`);
  }

  /** Requests holding a slot now. */
  get outstanding(): number {
    return this.inUse;
  }

  /** Callers waiting for a slot now. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Takes a slot synchronously if one is free. */
  tryAcquire(): boolean {
    if (this.closedWith) throw this.closedWith;
    if (this.inUse < this.size && this.waiters.length === 0) {
      this.inUse++;
      return true;
    }
    return false;
  }

  /** Resolves once the caller holds a slot; rejects when the queue is full or the window closes. */
  acquire(): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.tryAcquire()) return Promise.resolve();
    if (this.waiters.length >= this.maxQueued) {
      return Promise.reject(new SmppWindowFullError(`window of ${this.size} full and ${this.waiters.length} callers already waiting`));
    }
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Gives a slot back; the oldest waiter gets it. */
  release(): void {
    if (this.inUse <= 0) return;
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.inUse--;
  }

  /** Fails every waiter and every later acquire with `err`. Slots held stay counted until released. */
  close(err: Error = new SmppSessionClosedError()): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}
