// Encoding choice and segmentation of one SMS text.
//
// GSM-7 when every character is in the GSM 03.38 basic or extension table
// (extension characters cost 2 septets), else UCS-2 counted in UTF-16 code
// units. One segment holds 160 septets / 70 units; a concatenated message
// holds 153 / 67 per segment behind a 6-byte UDH:
//
//   05 00 03 RR TT SS    UDHL=5, IEI 0x00 (concat, 8-bit ref), IEDL=3,
//                        RR reference, TT total segments, SS this segment (1-based)
//
// A character is never split across segments: neither an ESC+code pair nor
// a UTF-16 surrogate pair. Beyond 10 segments the text is refused.
import { gsm7Encode } from './gsm7.ts';

export type Encoding = 'GSM-7' | 'UCS-2';

/** data_coding values (SMPP 3.4 §5.2.19). */
export const DATA_CODING = {
  /** SMSC default alphabet: GSM 03.38, unpacked. */
  SMSC_DEFAULT: 0x00,
  /** UCS2 (ISO/IEC-10646), UTF-16BE on the wire. */
  UCS2: 0x08,
} as const;

/** Capacities (3GPP TS 23.040 §9.2.3.24.1). */
export const SEGMENT_LIMITS = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
} as const;

export const MAX_SEGMENTS = 10;
/** IEI 0x00: concatenated short messages, 8-bit reference number. */
export const IEI_CONCAT_8BIT = 0x00;

export interface Segment {
  /** 1-based. */
  readonly seq: number;
  /** The UDH (6 bytes) for concatenated messages; absent for a single segment. */
  readonly udh?: Buffer;
  /** The encoded text of this segment (septets one per byte, or UTF-16BE). */
  readonly payload: Buffer;
  /** udh + payload: ready for short_message (set esm_class UDHI 0x40 when udh is present). */
  readonly shortMessage: Buffer;
}

export interface SegmentPlan {
  readonly encoding: Encoding;
  readonly dataCoding: number;
  /** Unicode code points in the text: what a person counts. */
  readonly characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text needs. */
  readonly units: number;
  readonly segments: number;
}

export type PlanResult =
  | ({ readonly ok: true } & SegmentPlan)
  | { readonly ok: false; readonly reason: 'empty' | 'too_long'; readonly message: string; readonly encoding: Encoding; readonly units: number };

interface Unit {
  /** Encoded bytes for one character. */
  readonly bytes: number[];
  /** Its cost in septets (GSM-7) or code units (UCS-2). */
  readonly cost: number;
}

function gsm7Units(text: string): Unit[] | undefined {
  const out: Unit[] = [];
  for (const ch of text) {
    const septets = gsm7Encode(ch);
    if (!septets) return undefined;
    out.push({ bytes: septets, cost: septets.length });
  }
  return out;
}

function ucs2Units(text: string): Unit[] {
  const out: Unit[] = [];
  for (const ch of text) {
    // `for..of` walks code points, so a surrogate pair stays one unit of cost 2.
    const bytes: number[] = [];
    for (let i = 0; i < ch.length; i++) {
      const u = ch.charCodeAt(i);
      bytes.push(u >> 8, u & 0xff);
    }
    out.push({ bytes, cost: ch.length });
  }
  return out;
}

function unitsOf(text: string): { encoding: Encoding; units: Unit[] } {
  const gsm = gsm7Units(text);
  return gsm ? { encoding: 'GSM-7', units: gsm } : { encoding: 'UCS-2', units: ucs2Units(text) };
}

/** Pack units greedily into segments of `capacity`, never splitting one. */
function pack(units: Unit[], capacity: number): Unit[][] {
  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let used = 0;
  for (const u of units) {
    if (used + u.cost > capacity) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(u);
    used += u.cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function layout(text: string): { encoding: Encoding; units: Unit[]; total: number; groups: Unit[][] } {
  const { encoding, units } = unitsOf(text);
  const total = units.reduce((n, u) => n + u.cost, 0);
  const limits = SEGMENT_LIMITS[encoding];
  const groups = total <= limits.single ? [units] : pack(units, limits.concatenated);
  return { encoding, units, total, groups };
}

/** Decide encoding and segment count without building bytes (for the API answer). */
export function planMessage(text: string): PlanResult {
  const { encoding, units, total, groups } = layout(text);
  if (units.length === 0) return { ok: false, reason: 'empty', message: 'must not be empty', encoding, units: 0 };
  if (groups.length > MAX_SEGMENTS) {
    const limit = SEGMENT_LIMITS[encoding].concatenated * MAX_SEGMENTS;
    const what = encoding === 'GSM-7' ? 'GSM-7 septets' : 'UCS-2 characters';
    return {
      ok: false,
      reason: 'too_long',
      message: `needs ${groups.length} segments (${total} ${what}); the limit is ${MAX_SEGMENTS} segments (${limit} ${what})`,
      encoding,
      units: total,
    };
  }
  return {
    ok: true,
    encoding,
    dataCoding: encoding === 'GSM-7' ? DATA_CODING.SMSC_DEFAULT : DATA_CODING.UCS2,
    characters: units.length,
    units: total,
    segments: groups.length,
  };
}

/** The 6-byte concatenation UDH (IEI 0x00, 8-bit reference). */
export function concatUdh(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, IEI_CONCAT_8BIT, 0x03, reference & 0xff, total, seq]);
}

export type SegmentResult =
  | ({ readonly ok: true; readonly parts: readonly Segment[] } & SegmentPlan)
  | Extract<PlanResult, { ok: false }>;

/**
 * Encode `text` into short_message payloads. `reference` is the 8-bit
 * concatenation reference shared by all segments of this message (the caller
 * picks it, e.g. from the message id, so a resend reuses the same one).
 */
export function segmentMessage(text: string, reference: number): SegmentResult {
  const plan = planMessage(text);
  if (!plan.ok) return plan;
  const { groups } = layout(text);
  const parts = groups.map((group, i): Segment => {
    const payload = Buffer.from(group.flatMap((u) => u.bytes));
    if (groups.length === 1) return { seq: 1, payload, shortMessage: payload };
    const udh = concatUdh(reference, groups.length, i + 1);
    return { seq: i + 1, udh, payload, shortMessage: Buffer.concat([udh, payload]) };
  });
  return { ...plan, parts };
}
