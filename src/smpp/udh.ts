// The GSM 03.40 User Data Header as it sits at the start of short_message
// when esm_class has UDHI (0x40), and the SAR TLVs that say the same thing.
//
//   UDHL | IEI | IEDL | IE data ... | IEI | IEDL | ...     then the message body
//
// Concatenation, 8-bit reference (IEI 0x00), 6 octets in all:
//   05 00 03 RR TT SS            RR ref, TT total segments, SS this segment (1-based)
// Concatenation, 16-bit reference (IEI 0x08), 7 octets in all:
//   06 08 04 RR RR TT SS

import { EsmClass } from './constants.ts';
import { SmppUdhError } from './errors.ts';

export const Iei = {
  CONCAT_8BIT_REF: 0x00,
  CONCAT_16BIT_REF: 0x08,
} as const;

export interface ConcatInfo {
  /** Reference shared by every segment of one message. */
  ref: number;
  /** 8 for IEI 0x00 (ref 0..255), 16 for IEI 0x08 (ref 0..65535); SAR TLVs carry 16. */
  refBits: 8 | 16;
  /** Segments in the message, 1..255. */
  total: number;
  /** This segment's number, 1..total. */
  seq: number;
}

export interface InformationElement {
  iei: number;
  data: Buffer;
}

export interface Udh {
  /** Octets the header takes, UDHL byte included. */
  length: number;
  elements: InformationElement[];
  /** The concatenation element, when there is one. */
  concat?: ConcatInfo;
}

export type UdhResult = { ok: true; udh: Udh; body: Buffer } | { ok: false; error: SmppUdhError };

function checkConcat(info: ConcatInfo): void {
  const maxRef = info.refBits === 8 ? 0xff : 0xffff;
  if (!Number.isInteger(info.ref) || info.ref < 0 || info.ref > maxRef) throw new RangeError(`ref must be 0..${maxRef}, got ${info.ref}`);
  if (!Number.isInteger(info.total) || info.total < 1 || info.total > 255) throw new RangeError(`total must be 1..255, got ${info.total}`);
  if (!Number.isInteger(info.seq) || info.seq < 1 || info.seq > info.total) throw new RangeError(`seq must be 1..${info.total}, got ${info.seq}`);
}

/** The concatenation UDH (6 octets for an 8-bit ref, 7 for a 16-bit ref). */
export function encodeConcatUdh(info: ConcatInfo): Buffer {
  checkConcat(info);
  if (info.refBits === 8) return Buffer.from([0x05, Iei.CONCAT_8BIT_REF, 0x03, info.ref, info.total, info.seq]);
  return Buffer.from([0x06, Iei.CONCAT_16BIT_REF, 0x04, info.ref >> 8, info.ref & 0xff, info.total, info.seq]);
}

/**
 * Splits `bytes` (a short_message whose esm_class has UDHI) into its header
 * and body. Every length is checked against the bytes present; a
 * concatenation element with impossible numbers is an error, not a guess.
 */
export function decodeUdh(bytes: Uint8Array): UdhResult {
  const fail = (message: string): UdhResult => ({ ok: false, error: new SmppUdhError(message) });
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 1) return fail('UDHI set but short_message is empty');
  const udhl = buf[0] as number;
  if (udhl + 1 > buf.length) return fail(`UDHL ${udhl} exceeds the ${buf.length - 1} octets that follow`);
  const elements: InformationElement[] = [];
  let concat: ConcatInfo | undefined;
  let at = 1;
  const end = 1 + udhl;
  // Bounded: every pass consumes at least the two octets IEI and IEDL.
  while (at < end) {
    if (at + 2 > end) return fail(`information element at octet ${at} is cut short`);
    const iei = buf[at] as number;
    const iedl = buf[at + 1] as number;
    if (at + 2 + iedl > end) return fail(`information element 0x${iei.toString(16)} length ${iedl} overruns the header`);
    const data = buf.subarray(at + 2, at + 2 + iedl);
    elements.push({ iei, data });
    if (iei === Iei.CONCAT_8BIT_REF || iei === Iei.CONCAT_16BIT_REF) {
      const wide = iei === Iei.CONCAT_16BIT_REF;
      if (iedl !== (wide ? 4 : 3)) return fail(`concatenation element 0x${iei.toString(16)} has length ${iedl}`);
      const info: ConcatInfo = wide
        ? { ref: ((data[0] as number) << 8) | (data[1] as number), refBits: 16, total: data[2] as number, seq: data[3] as number }
        : { ref: data[0] as number, refBits: 8, total: data[1] as number, seq: data[2] as number };
      if (info.total < 1 || info.seq < 1 || info.seq > info.total) {
        return fail(`concatenation segment ${info.seq} of ${info.total} is impossible`);
      }
      concat = info;
    }
    at += 2 + iedl;
  }
  const udh: Udh = { length: end, elements };
  if (concat) udh.concat = concat;
  return { ok: true, udh, body: buf.subarray(end) };
}

/** Whether esm_class says short_message starts with a UDH. */
export function hasUdhi(esmClass: number): boolean {
  return (esmClass & EsmClass.UDHI) !== 0;
}

/** The three SAR TLVs as PDU fields (SMPP 3.4 sections 5.3.2.22-24). */
export interface SarFields {
  sar_msg_ref_num: number;
  sar_total_segments: number;
  sar_segment_seqnum: number;
}

/** SAR TLV fields for one segment (the reference is 16 bits wide). */
export function sarFields(info: Omit<ConcatInfo, 'refBits'>): SarFields {
  checkConcat({ ...info, refBits: 16 });
  return { sar_msg_ref_num: info.ref, sar_total_segments: info.total, sar_segment_seqnum: info.seq };
}

/** Concatenation info from SAR TLVs, when all three are present and consistent. */
export function concatFromSar(fields: Partial<Record<keyof SarFields, unknown>>): ConcatInfo | undefined {
  const ref = fields.sar_msg_ref_num;
  const total = fields.sar_total_segments;
  const seq = fields.sar_segment_seqnum;
  if (typeof ref !== 'number' || typeof total !== 'number' || typeof seq !== 'number') return undefined;
  if (total < 1 || seq < 1 || seq > total) return undefined;
  return { ref, refBits: 16, total, seq };
}
