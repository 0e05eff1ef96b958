// Receipts that arrive before their submit_sm_resp has been recorded (the
// SMSC answered on the wire in the other order, or our write was still in
// its group commit). They are held briefly under every key their id could
// mean; when a submit response with one of those keys is recorded, the
// receipt is applied after it. Unclaimed receipts are dropped after
// `holdMs` (counted; the message then ends `unknown` at its receipt deadline).

export interface HeldReceipt<R> {
  readonly keys: readonly string[];
  readonly receipt: R;
  readonly heldAt: number;
}

export class ReceiptHold<R> {
  private readonly byKey = new Map<string, HeldReceipt<R>>();
  private readonly order: HeldReceipt<R>[] = [];
  expired = 0;

  constructor(
    private readonly holdMs: number,
    /** Bound on held receipts; the oldest go first when full. */
    private readonly maxHeld: number,
  ) {}

  get size(): number {
    return this.order.length;
  }

  hold(keys: readonly string[], receipt: R, now: number): void {
    const entry: HeldReceipt<R> = { keys, receipt, heldAt: now };
    for (const k of keys) this.byKey.set(k, entry);
    this.order.push(entry);
    while (this.order.length > this.maxHeld) this.remove(this.order[0] as HeldReceipt<R>, true);
  }

  /** The receipt held under `key`, removed from the hold. */
  take(key: string): R | undefined {
    const entry = this.byKey.get(key);
    if (!entry) return undefined;
    this.remove(entry, false);
    return entry.receipt;
  }

  /** Every held receipt, oldest first, removed from the hold (to try them elsewhere; hold() puts one back with its heldAt). */
  drain(): HeldReceipt<R>[] {
    const all = this.order.splice(0);
    this.byKey.clear();
    return all;
  }

  /** Drop receipts held longer than holdMs; returns how many. */
  sweep(now: number): number {
    let n = 0;
    while (this.order.length > 0 && now - (this.order[0] as HeldReceipt<R>).heldAt >= this.holdMs) {
      this.remove(this.order[0] as HeldReceipt<R>, true);
      n++;
    }
    return n;
  }

  private remove(entry: HeldReceipt<R>, expired: boolean): void {
    for (const k of entry.keys) if (this.byKey.get(k) === entry) this.byKey.delete(k);
    const i = this.order.indexOf(entry);
    if (i >= 0) this.order.splice(i, 1);
    if (expired) this.expired++;
  }
}
