// Reassembly of concatenated messages. Segments arrive already decoded
// (GSM-7 or UCS-2 text, concatenation info from a UDH with an 8- or 16-bit
// reference or from the SAR TLVs); a whole message via message_payload is a
// set of one. Sets are keyed by (sender key, reference, total) and complete
// when every sequence number 1..total has arrived, in any order.
//
// Limits (the carriers' long-SMS rule): at most maxSegments segments, at most
// maxUcs2Chars characters when any segment is UCS-2, else maxGsmChars. The
// segment that breaks a limit is rejected (the SMSC answers it with
// ESME_RINVMSGLEN) and so is the rest of its set; segments accepted earlier
// are handed back so their receipts can say REJECTD. A set still incomplete
// after reassemblyTimeoutMs expires and its parts are handed to `onExpire`.
import type { Clock, TimerHandle } from '../src/runtime/index.ts';
import type { CarrierProfile } from './profile.ts';

export type TextEncoding = 'gsm' | 'ucs2' | 'other';

export interface Segment<T> {
  /** Who sent it to whom, e.g. `${systemId}|${source}|${destination}`. */
  key: string;
  /** Concatenation reference; 0 for a single message. */
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
  text: string;
  encoding: TextEncoding;
  /** The caller's handle for this segment (e.g. its message id). */
  part: T;
}

export type Reassembled<T> =
  | { kind: 'complete'; text: string; parts: T[]; encoding: TextEncoding; firstAt: number }
  | { kind: 'pending' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; reason: 'too-many-segments' | 'too-long' | 'bad-sequence' | 'capacity'; earlier: T[] };

interface OpenSet<T> {
  texts: (string | undefined)[];
  parts: T[];
  received: number;
  chars: number;
  anyUcs2: boolean;
  anyOther: boolean;
  firstAt: number;
  timer: TimerHandle | undefined;
}

export type Limits = CarrierProfile['longMessages'];

export class Reassembler<T> {
  private readonly open = new Map<string, OpenSet<T>>();
  /** Sets already rejected, remembered until their timeout so late segments are rejected too. */
  private readonly refused = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => Limits,
    private readonly onExpire: (parts: T[]) => void,
    private readonly maxOpenSets = 100_000,
  ) {}

  get openSets(): number {
    return this.open.size;
  }

  add(s: Segment<T>): Reassembled<T> {
    const limits = this.limits();
    const charLimit = (ucs2: boolean) => (ucs2 ? limits.maxUcs2Chars : limits.maxGsmChars);
    if (s.total > limits.maxSegments) return { kind: 'rejected', reason: 'too-many-segments', earlier: [] };
    if (s.total < 1 || s.seq < 1 || s.seq > s.total) return { kind: 'rejected', reason: 'bad-sequence', earlier: [] };
    if (s.total === 1) {
      if (s.text.length > charLimit(s.encoding === 'ucs2')) return { kind: 'rejected', reason: 'too-long', earlier: [] };
      return { kind: 'complete', text: s.text, parts: [s.part], encoding: s.encoding, firstAt: this.clock.now() };
    }
    const id = `${s.key}#${s.ref}#${s.total}`;
    if (this.refused.has(id)) return { kind: 'rejected', reason: 'too-long', earlier: [] };
    let set = this.open.get(id);
    if (!set) {
      if (this.open.size >= this.maxOpenSets) return { kind: 'rejected', reason: 'capacity', earlier: [] };
      set = { texts: new Array<string | undefined>(s.total), parts: [], received: 0, chars: 0, anyUcs2: false, anyOther: false, firstAt: this.clock.now(), timer: undefined };
      const created = set;
      set.timer = this.clock.setTimeout(() => {
        if (this.open.get(id) === created) {
          this.open.delete(id);
          this.onExpire(created.parts);
        }
      }, limits.reassemblyTimeoutMs);
      this.open.set(id, set);
    }
    if (set.texts[s.seq - 1] !== undefined) {
      // A repeated segment is answered and gets a receipt like the rest, but adds no text.
      set.parts.push(s.part);
      return { kind: 'duplicate' };
    }
    const ucs2 = set.anyUcs2 || s.encoding === 'ucs2';
    if (set.chars + s.text.length > charLimit(ucs2)) {
      this.clock.clearTimeout(set.timer);
      this.open.delete(id);
      this.refused.set(
        id,
        this.clock.setTimeout(() => this.refused.delete(id), limits.reassemblyTimeoutMs),
      );
      return { kind: 'rejected', reason: 'too-long', earlier: set.parts };
    }
    set.texts[s.seq - 1] = s.text;
    set.parts.push(s.part);
    set.received++;
    set.chars += s.text.length;
    set.anyUcs2 = ucs2;
    set.anyOther ||= s.encoding === 'other';
    if (set.received < s.total) return { kind: 'pending' };
    this.clock.clearTimeout(set.timer);
    this.open.delete(id);
    return { kind: 'complete', text: set.texts.join(''), parts: set.parts, encoding: set.anyUcs2 ? 'ucs2' : set.anyOther ? 'other' : 'gsm', firstAt: set.firstAt };
  }

  /** Forgets every open set without reporting them (reset / shutdown). */
  clear(): void {
    for (const set of this.open.values()) this.clock.clearTimeout(set.timer);
    for (const t of this.refused.values()) this.clock.clearTimeout(t);
    this.open.clear();
    this.refused.clear();
  }
}
