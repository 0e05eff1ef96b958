// Compact storage of one run's probes, about 34 bytes a probe, in blocks of
// 16,384 records that are never copied (memory grows in steps, no doubling
// peaks). Times are whole milliseconds relative to the run's first arrival,
// in Int32 (±24 days). Records are found by seq through lazily allocated
// index chunks of 1,024 slots, so listing in seq order is a scan, not a sort.
// No texts are kept.
import { CARRIERS, type CarrierName, type Route } from './carrier.ts';
import { FINAL_STATES, type FinalState } from './profile.ts';
import { PROBE_CATEGORIES, type ProbeCategory } from '../src/probe/index.ts';

const INDEX_CHUNK = 1024;
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
const MASK = BLOCK - 1;
const NONE = -0x80000000;
const LIMIT = 0x7fffffff;

// Time columns, four per record.
const SENT = 0;
const ARRIVED = 1;
const HANDSET = 2;
const RECEIPT = 3;
const TIMES = 4;
// Meta bytes, four per record.
const CATEGORY = 0;
const CARRIER = 1;
const STATE = 2;
const INTACT = 3;
// The carrier byte's high bit: the message came through the aggregator.
const VIA_AGGREGATOR = 0x80;
const CARRIER_BITS = 0x7f;

export interface ProbeView {
  seq: number;
  category: ProbeCategory;
  /** The handset's serving carrier (the one that delivered it). */
  carrier: CarrierName;
  /** The SMSC it was submitted to: the carrier's own (direct) or the aggregator. */
  route: Route;
  to: string;
  sentAt: number;
  arrivedAt: number;
  handsetAt: number | null;
  finalState: FinalState | null;
  receiptAt: number | null;
  deliveries: number;
  intact: boolean;
}

class Block {
  readonly seq = new Uint32Array(BLOCK);
  readonly meta = new Uint8Array(BLOCK * 4);
  readonly deliveries = new Uint16Array(BLOCK);
  readonly to = new Float64Array(BLOCK);
  readonly times = new Int32Array(BLOCK * TIMES);
}

export class ProbeRecords {
  size = 0;
  private readonly blocks: Block[] = [];
  private base = NaN;
  /** index chunk number -> slot (record index + 1, 0 = none) per seq in the chunk */
  private readonly bySeq = new Map<number, Int32Array>();

  /** The record index for `seq`, or -1. */
  find(seq: number): number {
    const chunk = this.bySeq.get(Math.floor(seq / INDEX_CHUNK));
    return chunk ? (chunk[seq % INDEX_CHUNK] as number) - 1 : -1;
  }

  add(seq: number, category: ProbeCategory, carrier: CarrierName, route: Route, to: string, sentAt: number, arrivedAt: number, intact: boolean): number {
    if (Number.isNaN(this.base)) this.base = Math.floor(arrivedAt);
    const i = this.size++;
    if (i >> BLOCK_BITS >= this.blocks.length) this.blocks.push(new Block());
    const b = this.blocks[i >> BLOCK_BITS] as Block;
    const j = i & MASK;
    b.seq[j] = seq;
    b.meta[j * 4 + CATEGORY] = PROBE_CATEGORIES.indexOf(category);
    b.meta[j * 4 + CARRIER] = CARRIERS.indexOf(carrier) | (route === 'aggregator' ? VIA_AGGREGATOR : 0);
    b.meta[j * 4 + STATE] = 0;
    b.meta[j * 4 + INTACT] = intact ? 1 : 0;
    b.deliveries[j] = 0;
    b.to[j] = Number(to);
    b.times[j * TIMES + SENT] = this.offset(sentAt);
    b.times[j * TIMES + ARRIVED] = this.offset(arrivedAt);
    b.times[j * TIMES + HANDSET] = NONE;
    b.times[j * TIMES + RECEIPT] = NONE;
    const key = Math.floor(seq / INDEX_CHUNK);
    let chunk = this.bySeq.get(key);
    if (!chunk) this.bySeq.set(key, (chunk = new Int32Array(INDEX_CHUNK)));
    chunk[seq % INDEX_CHUNK] = i + 1;
    return i;
  }

  /** Counts one more handset delivery; returns the new count. */
  deliver(i: number, at: number): number {
    const b = this.block(i);
    const j = i & MASK;
    if (b.times[j * TIMES + HANDSET] === NONE) b.times[j * TIMES + HANDSET] = this.offset(at);
    const n = Math.min(0xffff, (b.deliveries[j] as number) + 1);
    b.deliveries[j] = n;
    return n;
  }

  /** Records the final state; a DELIVRD already recorded is never overwritten by a later duplicate's failure. */
  settle(i: number, state: FinalState): void {
    const b = this.block(i);
    const k = (i & MASK) * 4 + STATE;
    const current = b.meta[k] as number;
    if (current === 0 || (current !== 1 && state === 'DELIVRD')) b.meta[k] = FINAL_STATES.indexOf(state) + 1;
  }

  receipt(i: number, at: number): void {
    const b = this.block(i);
    const k = (i & MASK) * TIMES + RECEIPT;
    if (b.times[k] === NONE) b.times[k] = this.offset(at);
  }

  categoryOf(i: number): ProbeCategory {
    return PROBE_CATEGORIES[this.block(i).meta[(i & MASK) * 4 + CATEGORY] as number] as ProbeCategory;
  }

  carrierOf(i: number): CarrierName {
    return CARRIERS[(this.block(i).meta[(i & MASK) * 4 + CARRIER] as number) & CARRIER_BITS] as CarrierName;
  }

  routeOf(i: number): Route {
    return ((this.block(i).meta[(i & MASK) * 4 + CARRIER] as number) & VIA_AGGREGATOR) !== 0 ? 'aggregator' : 'direct';
  }

  sentAtOf(i: number): number {
    return this.time(this.block(i).times[(i & MASK) * TIMES + SENT] as number) as number;
  }

  isIntact(i: number): boolean {
    return this.block(i).meta[(i & MASK) * 4 + INTACT] === 1;
  }

  view(i: number): ProbeView {
    const b = this.block(i);
    const j = i & MASK;
    const t = (k: number) => this.time(b.times[j * TIMES + k] as number);
    const fs = b.meta[j * 4 + STATE] as number;
    return {
      seq: b.seq[j] as number,
      category: this.categoryOf(i),
      carrier: this.carrierOf(i),
      route: this.routeOf(i),
      to: String(b.to[j]),
      sentAt: t(SENT) as number,
      arrivedAt: t(ARRIVED) as number,
      handsetAt: t(HANDSET),
      finalState: fs === 0 ? null : (FINAL_STATES[fs - 1] as FinalState),
      receiptAt: t(RECEIPT),
      deliveries: b.deliveries[j] as number,
      intact: b.meta[j * 4 + INTACT] === 1,
    };
  }

  /** Probes with seq > after, in seq order, at most `limit`; `next` is the last seq when more may follow. */
  page(after: number, limit: number): { probes: ProbeView[]; next: number | null } {
    const probes: ProbeView[] = [];
    const keys = [...this.bySeq.keys()].filter((k) => (k + 1) * INDEX_CHUNK - 1 > after).sort((a, b) => a - b);
    for (const k of keys) {
      const chunk = this.bySeq.get(k) as Int32Array;
      for (let j = 0; j < INDEX_CHUNK; j++) {
        const slot = chunk[j] as number;
        if (slot === 0 || k * INDEX_CHUNK + j <= after) continue;
        if (probes.length === limit) return { probes, next: (probes[probes.length - 1] as ProbeView).seq };
        probes.push(this.view(slot - 1));
      }
    }
    return { probes, next: null };
  }

  private block(i: number): Block {
    return this.blocks[i >> BLOCK_BITS] as Block;
  }

  private offset(ms: number): number {
    return Math.max(-LIMIT, Math.min(LIMIT, Math.round(ms - this.base)));
  }

  private time(offset: number): number | null {
    return offset === NONE ? null : this.base + offset;
  }
}
