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
// The GSM 03.38 tables, UCS-2 and UDH codecs are the shared SMPP room's; this
// file only decides where segments break.
import { DataCoding, encodeConcatUdh, encodeGsm7, encodeUcs2, gsm7Length } from '../../smpp/index.ts';

export type Encoding = 'GSM-7' | 'UCS-2';

/** Capacities (3GPP TS 23.040 §9.2.3.24.1). */
export const SEGMENT_LIMITS = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
} as const;

export const MAX_SEGMENTS = 10;

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

interface Layout {
  readonly encoding: Encoding;
  /** Characters (code points) in the text. */
  readonly characters: number;
  /** Septets or UTF-16 code units in all. */
  readonly total: number;
  /** The text cut into segments, never inside a character. */
  readonly groups: readonly string[];
}

/** Cost of one code point: septets (GSM-7, undefined when outside the alphabet) or UTF-16 units. */
function costOf(ch: string, encoding: Encoding): number | undefined {
  return encoding === 'GSM-7' ? gsm7Length(ch) : ch.length;
}

/** Code points in `text`, counted as `Array.from(text).length` would (a lone surrogate counts one). */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function layout(text: string): Layout {
  const septets = gsm7Length(text);
  const encoding: Encoding = septets !== undefined ? 'GSM-7' : 'UCS-2';
  const total = septets ?? text.length;
  const limits = SEGMENT_LIMITS[encoding];
  // The common single-segment text needs only its code-point count, not an array of characters.
  if (total <= limits.single) {
    const characters = codePoints(text);
    return { encoding, characters, total, groups: characters > 0 ? [text] : [] };
  }
  const chars = Array.from(text);
  // Greedy packing; `for..of` walks code points, so a surrogate pair or an
  // ESC+code pair is one item and never split.
  const groups: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const cost = costOf(ch, encoding) ?? 1;
    if (used + cost > limits.concatenated) {
      groups.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += cost;
  }
  if (current !== '') groups.push(current);
  return { encoding, characters: chars.length, total, groups };
}

/** Decide encoding and segment count without building bytes (for the API answer). */
export function planMessage(text: string): PlanResult {
  return planOf(layout(text));
}

function planOf({ encoding, characters, total, groups }: Layout): PlanResult {
  if (characters === 0) return { ok: false, reason: 'empty', message: 'must not be empty', encoding, units: 0 };
  if (groups.length > MAX_SEGMENTS) {
    const per = SEGMENT_LIMITS[encoding].concatenated;
    const what = encoding === 'GSM-7' ? 'GSM-7 septets' : 'UCS-2 units';
    // Say what the text needs and what the limit is; the septet total alone can be under
    // 10 x 153 and still need 11 segments, because no character is split across two.
    return {
      ok: false,
      reason: 'too_long',
      message: `is ${characters} characters (${total} ${what}) and needs ${groups.length} segments of at most ${per} ${what} each (a character is never split across two); the limit is ${MAX_SEGMENTS} segments`,
      encoding,
      units: total,
    };
  }
  return {
    ok: true,
    encoding,
    dataCoding: encoding === 'GSM-7' ? DataCoding.SMSC_DEFAULT : DataCoding.UCS2,
    characters,
    units: total,
    segments: groups.length,
  };
}

/** The 6-byte concatenation UDH (IEI 0x00, 8-bit reference), from the shared SMPP codec. */
export function concatUdh(reference: number, total: number, seq: number): Buffer {
  return encodeConcatUdh({ ref: reference & 0xff, refBits: 8, total, seq });
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
  // One layout serves the plan and the bytes (this runs once per accepted message).
  const laid = layout(text);
  const plan = planOf(laid);
  if (!plan.ok) return plan;
  const { groups } = laid;
  const gsm = plan.encoding === 'GSM-7';
  const parts: Segment[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] as string;
    const payload = gsm ? (encodeGsm7(group) ?? Buffer.alloc(0)) : encodeUcs2(group);
    if (groups.length === 1) {
      parts.push({ seq: 1, payload, shortMessage: payload });
      continue;
    }
    const udh = concatUdh(reference, groups.length, i + 1);
    parts.push({ seq: i + 1, udh, payload, shortMessage: Buffer.concat([udh, payload]) });
  }
  return { ...plan, parts };
}
