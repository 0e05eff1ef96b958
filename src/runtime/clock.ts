// Time comes in through this interface so that tests run on fake time
// without sleeping, and so that every timer a component owns can be found
// and cleared when it closes.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (may be fractional on a manual clock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

/** The wall clock, backed by Node's timers. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

interface PendingTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. Timers fire in time order (ties in
 * the order they were set) during `advance`, each seeing `now()` equal to its
 * own due time, as they would on a real clock.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly pending = new Map<number, PendingTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, at: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.pending.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    // Bounded: each iteration removes one timer; a timer that re-arms itself
    // with 0 ms forever would spin, so cap the work per call.
    for (let fired = 0; fired < 1_000_000; fired++) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.pending.delete(next.id);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** Advance to the next due timer (if any) and fire it; returns whether one fired. */
  step(): boolean {
    const next = this.earliest();
    if (!next) return false;
    this.advance(Math.max(0, next.at - this.current));
    return true;
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending.values()) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
