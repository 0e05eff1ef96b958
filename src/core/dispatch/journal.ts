// The dispatch journal: every submit result, retry, final and receipt goes
// through here to the store, in order, one batch at a time.
//
//   push(e) ─▶ buffer ─▶ applyDispatch(batch) ─▶ resolve each push
//                 ▲              │ unmatched receipts
//                 └── ReceiptHold ◀┘   (applied after the submit that names them)
//
// One batch in flight at a time keeps the order: a receipt that comes back
// unmatched is held, and every later segment_submitted is checked against
// the hold before its batch goes out, so a receipt that raced ahead of its
// submit_sm_resp is matched, not dropped.
//
// Several nodes on one store: a receipt may come on this node's bind for a
// message another node submitted. The store matches it (by SMSC id, not by
// anything in memory); when it came before the other node recorded its
// submit, no submit response here will ever name it, so the sweeps try the
// held receipts against the store again (retryHeld).
import type { Clock } from '../../runtime/index.ts';
import { ReceiptHold } from '../carrier/index.ts';
import type { DispatchEvent, DispatchOutcome, ReceiptEvent, Store } from '../store/index.ts';

interface Entry {
  event: DispatchEvent;
  /** matched: false for a receipt that matched no segment and went to the hold. */
  resolve: (matched: boolean) => void;
  reject: (err: unknown) => void;
}

const receiptKey = (r: ReceiptEvent): string => `${r.carrier}\n${r.smscIds.join('\n')}`;

export interface JournalHooks {
  onFinals(finals: DispatchOutcome['finals']): void;
  onError(err: unknown): void;
}

export class DispatchJournal {
  private buffer: Entry[] = [];
  private busy: Promise<void> | undefined;
  readonly hold: ReceiptHold<ReceiptEvent>;
  matchedLate = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: JournalHooks,
    holdMs: number,
    maxHeld = 100_000,
  ) {
    this.hold = new ReceiptHold(holdMs, maxHeld);
  }

  /** Resolves once the event is committed. */
  async push(event: DispatchEvent): Promise<void> {
    await this.enqueue(event);
  }

  /** Resolves once the receipt is committed: true when it matched a segment, false when it matched none and is held. */
  pushReceipt(event: ReceiptEvent): Promise<boolean> {
    return this.enqueue(event);
  }

  private enqueue(event: DispatchEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.buffer.push({ event, resolve, reject });
      if (!this.busy) this.busy = this.run();
    });
  }

  /**
   * A held receipt tried against the store every `stepMs` until it matches
   * (true) or `timeoutMs` has passed (false: it leaves the hold, so that the
   * caller can refuse it and the SMSC sends it again). On a shared store the
   * submit it waits for may be another node's; acknowledging it only once it
   * is matched and committed keeps a node's death from losing it.
   */
  async awaitMatch(receipt: ReceiptEvent, timeoutMs: number, stepMs = 25): Promise<boolean> {
    const rounds = Math.max(1, Math.ceil(timeoutMs / stepMs));
    for (let i = 0; i < rounds; i++) {
      await new Promise<void>((r) => this.clock.setTimeout(r, stepMs));
      // Applied again even when a local submit took it from the hold meanwhile: a receipt applied twice changes nothing.
      const out = await this.store.applyDispatch([receipt]);
      if (out.unmatched.length === 0) {
        this.forgetHeld(receipt);
        this.matchedLate++;
        if (out.finals.length > 0) this.hooks.onFinals(out.finals);
        return true;
      }
    }
    this.forgetHeld(receipt);
    return false;
  }

  private forgetHeld(receipt: ReceiptEvent): void {
    for (const key of receipt.smscIds) if (this.hold.take(key) !== undefined) return;
  }

  get pending(): number {
    return this.buffer.length;
  }

  private async run(): Promise<void> {
    // Bounded: each pass takes the whole buffer; it ends when a pass finds nothing new.
    for (let pass = 0; pass < Number.MAX_SAFE_INTEGER; pass++) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.buffer.length === 0) break;
      const batch = this.buffer;
      this.buffer = [];
      const events: DispatchEvent[] = [];
      const submittedKeys = new Set<string>();
      for (const e of batch) {
        events.push(e.event);
        if (e.event.kind === 'segment_submitted') {
          submittedKeys.add(e.event.smscId);
          if (e.event.smscAltId !== undefined) submittedKeys.add(e.event.smscAltId);
          const held = this.hold.take(e.event.smscId) ?? (e.event.smscAltId !== undefined ? this.hold.take(e.event.smscAltId) : undefined);
          if (held) {
            this.matchedLate++;
            events.push(held);
          }
        }
      }
      try {
        const out = await this.store.applyDispatch(events);
        const now = this.clock.now();
        const held = new Set<string>();
        const again = new Set<string>();
        for (const r of out.unmatched) {
          // Its submit was in this same batch, just after it: apply it again next pass (its caller waits for that pass).
          if (r.smscIds.some((k) => submittedKeys.has(k))) again.add(receiptKey(r));
          else {
            this.hold.hold(r.smscIds, r, now);
            held.add(receiptKey(r));
          }
        }
        if (out.finals.length > 0) this.hooks.onFinals(out.finals);
        for (const e of batch) {
          const key = e.event.kind === 'receipt' ? receiptKey(e.event) : undefined;
          if (key !== undefined && again.has(key)) this.buffer.unshift(e);
          else e.resolve(key === undefined || !held.has(key));
        }
      } catch (err) {
        this.hooks.onError(err);
        for (const e of batch) e.reject(err);
      }
    }
    this.busy = undefined;
  }

  /**
   * Try every held receipt against the store again; those still unmatched go
   * back to the hold with the time they were first held (so the hold time
   * still ends them). Resolves with how many matched now.
   */
  async retryHeld(): Promise<number> {
    const held = this.hold.drain();
    if (held.length === 0) return 0;
    let out: DispatchOutcome;
    try {
      out = await this.store.applyDispatch(held.map((h) => h.receipt));
    } catch (err) {
      for (const h of held) this.hold.hold(h.keys, h.receipt, h.heldAt);
      throw err;
    }
    // The answer may be a copy (the store thread): unmatched receipts are known by their keys.
    const still = new Set(out.unmatched.map((r) => r.smscIds.join('\n')));
    let matched = 0;
    for (const h of held) {
      if (still.has(h.receipt.smscIds.join('\n'))) this.hold.hold(h.keys, h.receipt, h.heldAt);
      else matched++;
    }
    this.matchedLate += matched;
    if (out.finals.length > 0) this.hooks.onFinals(out.finals);
    return matched;
  }

  /** Resolves when everything pushed so far is committed. */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000 && this.busy; i++) await this.busy;
  }
}
