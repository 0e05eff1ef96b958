// short_message bytes and their text. The facade never lets the `smpp`
// package pick or guess an encoding (sharp edges 4 and 5): bytes go out as a
// Buffer with data_coding set by the caller, and come in as raw bytes plus
// data_coding plus the UDH, with `decodeShortMessage` to read the text.
//
// GSM 03.38 text travels in SMPP unpacked: one septet per octet.

import { DataCoding, SHORT_MESSAGE_MAX_BYTES } from './constants.ts';
import { SmppInvalidArgumentError, SmppMessageTooLongError } from './errors.ts';
import { decodeUdh, hasUdhi, type Udh } from './udh.ts';

// GSM 03.38 default alphabet, index = septet value. 0x1B is the escape to the extension table.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table: septet after 0x1B -> character.
const GSM7_EXTENSION: ReadonlyArray<[number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];
const GSM7_ESCAPE = 0x1b;

const basicEncode = new Map<string, number>();
for (let i = 0; i < GSM7_BASIC.length; i++) if (i !== GSM7_ESCAPE) basicEncode.set(GSM7_BASIC[i] as string, i);
const extEncode = new Map<string, number>(GSM7_EXTENSION.map(([code, ch]) => [ch, code]));
const extDecode = new Map<number, string>(GSM7_EXTENSION);

/** Septets `text` takes in GSM-7 (extension characters count two), or undefined if it does not fit the alphabet. */
export function gsm7Length(text: string): number | undefined {
  let n = 0;
  for (const ch of text) {
    if (basicEncode.has(ch)) n += 1;
    else if (extEncode.has(ch)) n += 2;
    else return undefined;
  }
  return n;
}

/** Whether every character of `text` is in the GSM-7 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  return gsm7Length(text) !== undefined;
}

/** GSM-7 unpacked (one septet per octet), or undefined if a character is outside the alphabet. */
export function encodeGsm7(text: string): Buffer | undefined {
  const out: number[] = [];
  for (const ch of text) {
    const basic = basicEncode.get(ch);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = extEncode.get(ch);
    if (ext === undefined) return undefined;
    out.push(GSM7_ESCAPE, ext);
  }
  return Buffer.from(out);
}

/** Reads unpacked GSM-7. Octets above 0x7F and unknown escapes become U+FFFD, never a guess. */
export function decodeGsm7(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === GSM7_ESCAPE) {
      const next = bytes[i + 1];
      // 03.38: an escape before a code with no extension character shows that code's basic
      // character; an escape at the very end shows nothing.
      if (next === undefined) break;
      i++;
      s += extDecode.get(next) ?? (next < 0x80 ? (GSM7_BASIC[next] ?? '\ufffd') : '\ufffd');
      continue;
    }
    s += b < 0x80 ? (GSM7_BASIC[b] as string) : '\ufffd';
  }
  return s;
}

/** UTF-16BE, which is what UCS-2 (data_coding 0x08) means on every SMSC today. */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

/** Reads UTF-16BE; an odd trailing octet becomes U+FFFD. Lone surrogates are kept as they are. */
export function decodeUcs2(bytes: Uint8Array): string {
  let s = '';
  const pairs = bytes.length >> 1;
  for (let i = 0; i < pairs; i++) s += String.fromCharCode(((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  if (bytes.length & 1) s += '\ufffd';
  return s;
}

export type DecodedText = { ok: true; text: string } | { ok: false; dataCoding: number; reason: string };

/**
 * The text of a short_message body (UDH already removed) in the given
 * data_coding. Handles SMSC default / GSM-7 (0x00), IA5 ASCII (0x01),
 * Latin-1 (0x03) and UCS-2 (0x08); the class bits of a 0xF_ / 0x1_ coding
 * group are read too. Anything else (binary, JIS, ...) is reported, not guessed.
 */
export function decodeShortMessage(body: Uint8Array, dataCoding: number): DecodedText {
  const alphabet = resolveAlphabet(dataCoding);
  switch (alphabet) {
    case 'gsm7':
      return { ok: true, text: decodeGsm7(body) };
    case 'ascii':
      return { ok: true, text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1').replace(/[\x80-\xff]/g, '\ufffd') };
    case 'latin1':
      return { ok: true, text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1') };
    case 'ucs2':
      return { ok: true, text: decodeUcs2(body) };
    default:
      return { ok: false, dataCoding, reason: `data_coding 0x${dataCoding.toString(16).padStart(2, '0')} is not a text alphabet denpa reads` };
  }
}

type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'other';

function resolveAlphabet(dataCoding: number): Alphabet {
  // GSM 03.38 data coding groups: 0xF0-0xFF (bit 2: 8-bit data, else GSM-7) and
  // 0x00-0x3F general data coding with the alphabet in bits 3..2 when bit 4 or
  // class bits are used. SMPP's own low values come first.
  switch (dataCoding) {
    case DataCoding.SMSC_DEFAULT:
      return 'gsm7';
    case DataCoding.IA5:
      return 'ascii';
    case DataCoding.LATIN1:
      return 'latin1';
    case DataCoding.UCS2:
      return 'ucs2';
  }
  if ((dataCoding & 0xf0) === 0xf0) return dataCoding & 0x04 ? 'other' : 'gsm7';
  if ((dataCoding & 0xc0) === 0x00 && (dataCoding & 0x10) !== 0) {
    const alphabet = (dataCoding >> 2) & 0x03;
    return alphabet === 0 ? 'gsm7' : alphabet === 2 ? 'ucs2' : 'other';
  }
  return 'other';
}

/** A short_message as received: the raw bytes and everything needed to read them. */
export interface ShortMessage {
  /** short_message exactly as it came, UDH included. */
  bytes: Buffer;
  dataCoding: number;
  esmClass: number;
  /** The UDH when esm_class has UDHI and it could be read. */
  udh?: Udh;
  /** The bytes after the UDH (all of `bytes` when there is none). */
  body: Buffer;
  /** Set when UDHI is on but the header is broken: `body` is then all of `bytes`. */
  udhError?: string;
}

/** Splits a received short_message into UDH and body (edge 5: the package's guessing is bypassed). */
export function readShortMessage(bytes: Buffer, dataCoding: number, esmClass: number): ShortMessage {
  if (!hasUdhi(esmClass) || bytes.length === 0) return { bytes, dataCoding, esmClass, body: bytes };
  const r = decodeUdh(bytes);
  if (!r.ok) return { bytes, dataCoding, esmClass, body: bytes, udhError: r.error.message };
  return { bytes, dataCoding, esmClass, udh: r.udh, body: r.body };
}

/** Text to bytes in an explicit alphabet. Throws SmppInvalidArgumentError if GSM-7 cannot carry the text. */
export function encodeText(text: string, dataCoding: typeof DataCoding.SMSC_DEFAULT | typeof DataCoding.LATIN1 | typeof DataCoding.UCS2 | typeof DataCoding.IA5): Buffer {
  switch (dataCoding) {
    case DataCoding.SMSC_DEFAULT: {
      const b = encodeGsm7(text);
      if (!b) throw new SmppInvalidArgumentError('text', 'has characters outside the GSM-7 alphabet');
      return b;
    }
    case DataCoding.IA5:
    case DataCoding.LATIN1:
      // eslint-disable-next-line no-control-regex
      if (!(dataCoding === DataCoding.IA5 ? /^[\x00-\x7f]*$/ : /^[\x00-\xff]*$/).test(text)) {
        throw new SmppInvalidArgumentError('text', `has characters outside ${dataCoding === DataCoding.IA5 ? 'ASCII' : 'Latin-1'}`);
      }
      return Buffer.from(text, 'latin1');
    case DataCoding.UCS2:
      return encodeUcs2(text);
  }
}

/** Refuses short_message bytes the package would choke on or silently mangle (edge 3). */
export function checkShortMessageLength(bytes: Uint8Array): void {
  if (bytes.length > SHORT_MESSAGE_MAX_BYTES) throw new SmppMessageTooLongError(bytes.length);
}
