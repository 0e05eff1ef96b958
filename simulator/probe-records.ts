// Compact storage of one run's probes: one typed array per field (about 50
// bytes a probe), indexed by sequence number through lazily allocated chunks
// of 1,024 slots, so a million probes cost ~55 MB and listing in seq order is
// a scan, not a sort. No texts are kept.
import { CARRIERS, type CarrierName } from './carrier.ts';
import { FINAL_STATES, type FinalState } from './profile.ts';
import { PROBE_CATEGORIES, type ProbeCategory } from '../src/probe/index.ts';

const CHUNK = 1024;

export interface ProbeView {
  seq: number;
  category: ProbeCategory;
  carrier: CarrierName;
  to: string;
  sentAt: number;
  arrivedAt: number;
  handsetAt: number | null;
  finalState: FinalState | null;
  receiptAt: number | null;
  deliveries: number;
  intact: boolean;
}

export class ProbeRecords {
  size = 0;
  private capacity = 0;
  private seq = new Uint32Array(0);
  private category = new Uint8Array(0);
  private carrier = new Uint8Array(0);
  private finalState = new Uint8Array(0);
  private intact = new Uint8Array(0);
  private deliveries = new Uint16Array(0);
  private to = new Float64Array(0);
  private sentAt = new Float64Array(0);
  private arrivedAt = new Float64Array(0);
  private handsetAt = new Float64Array(0);
  private receiptAt = new Float64Array(0);
  /** chunk number -> slot (record index + 1, 0 = none) per seq in the chunk */
  private readonly bySeq = new Map<number, Int32Array>();

  /** The record index for `seq`, or -1. */
  find(seq: number): number {
    const chunk = this.bySeq.get(Math.floor(seq / CHUNK));
    return chunk ? (chunk[seq % CHUNK] as number) - 1 : -1;
  }

  add(seq: number, category: ProbeCategory, carrier: CarrierName, to: string, sentAt: number, arrivedAt: number, intact: boolean): number {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    this.seq[i] = seq;
    this.category[i] = PROBE_CATEGORIES.indexOf(category);
    this.carrier[i] = CARRIERS.indexOf(carrier);
    this.to[i] = Number(to);
    this.sentAt[i] = sentAt;
    this.arrivedAt[i] = arrivedAt;
    this.handsetAt[i] = NaN;
    this.receiptAt[i] = NaN;
    this.finalState[i] = 0;
    this.deliveries[i] = 0;
    this.intact[i] = intact ? 1 : 0;
    const key = Math.floor(seq / CHUNK);
    let chunk = this.bySeq.get(key);
    if (!chunk) this.bySeq.set(key, (chunk = new Int32Array(CHUNK)));
    chunk[seq % CHUNK] = i + 1;
    return i;
  }

  /** Counts one more handset delivery; returns the new count. */
  deliver(i: number, at: number): number {
    if (Number.isNaN(this.handsetAt[i] as number)) this.handsetAt[i] = at;
    const n = Math.min(0xffff, (this.deliveries[i] as number) + 1);
    this.deliveries[i] = n;
    return n;
  }

  /** Records the final state; a DELIVRD already recorded is never overwritten by a later duplicate's failure. */
  settle(i: number, state: FinalState): void {
    const current = this.finalState[i] as number;
    if (current === 0 || (current !== 1 && state === 'DELIVRD')) this.finalState[i] = FINAL_STATES.indexOf(state) + 1;
  }

  receipt(i: number, at: number): void {
    if (Number.isNaN(this.receiptAt[i] as number)) this.receiptAt[i] = at;
  }

  categoryOf(i: number): ProbeCategory {
    return PROBE_CATEGORIES[this.category[i] as number] as ProbeCategory;
  }

  carrierOf(i: number): CarrierName {
    return CARRIERS[this.carrier[i] as number] as CarrierName;
  }

  sentAtOf(i: number): number {
    return this.sentAt[i] as number;
  }

  isIntact(i: number): boolean {
    return this.intact[i] === 1;
  }

  view(i: number): ProbeView {
    const nullable = (v: number) => (Number.isNaN(v) ? null : v);
    const fs = this.finalState[i] as number;
    return {
      seq: this.seq[i] as number,
      category: this.categoryOf(i),
      carrier: this.carrierOf(i),
      to: String(this.to[i]),
      sentAt: this.sentAt[i] as number,
      arrivedAt: this.arrivedAt[i] as number,
      handsetAt: nullable(this.handsetAt[i] as number),
      finalState: fs === 0 ? null : (FINAL_STATES[fs - 1] as FinalState),
      receiptAt: nullable(this.receiptAt[i] as number),
      deliveries: this.deliveries[i] as number,
      intact: this.intact[i] === 1,
    };
  }

  /** Probes with seq > after, in seq order, at most `limit`; `next` is the last seq when more may follow. */
  page(after: number, limit: number): { probes: ProbeView[]; next: number | null } {
    const probes: ProbeView[] = [];
    const keys = [...this.bySeq.keys()].filter((k) => (k + 1) * CHUNK - 1 > after).sort((a, b) => a - b);
    for (const k of keys) {
      const chunk = this.bySeq.get(k) as Int32Array;
      for (let j = 0; j < CHUNK; j++) {
        const slot = chunk[j] as number;
        if (slot === 0 || k * CHUNK + j <= after) continue;
        if (probes.length === limit) return { probes, next: (probes[probes.length - 1] as ProbeView).seq };
        probes.push(this.view(slot - 1));
      }
    }
    return { probes, next: null };
  }

  private grow(): void {
    const cap = Math.max(1024, this.capacity * 2);
    const widen = <A extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a as never);
      return b;
    };
    this.seq = widen(this.seq, (n) => new Uint32Array(n));
    this.category = widen(this.category, (n) => new Uint8Array(n));
    this.carrier = widen(this.carrier, (n) => new Uint8Array(n));
    this.finalState = widen(this.finalState, (n) => new Uint8Array(n));
    this.intact = widen(this.intact, (n) => new Uint8Array(n));
    this.deliveries = widen(this.deliveries, (n) => new Uint16Array(n));
    this.to = widen(this.to, (n) => new Float64Array(n));
    this.sentAt = widen(this.sentAt, (n) => new Float64Array(n));
    this.arrivedAt = widen(this.arrivedAt, (n) => new Float64Array(n));
    this.handsetAt = widen(this.handsetAt, (n) => new Float64Array(n));
    this.receiptAt = widen(this.receiptAt, (n) => new Float64Array(n));
    this.capacity = cap;
  }
}
