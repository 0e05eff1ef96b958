// The delivery receipt text of SMPP 3.4 Appendix B. Vendor-specific in
// practice, so the formatter writes the classic form and the parser reads
// every variant seen in the field:
//
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm[ss] done date:YYMMDDhhmm[ss] stat:DDDDDDD err:E text:...
//
// Dates have 10 digits (minutes) or 12 (seconds). Keys are read without
// regard to case ("Text:", "text:"), "submit_date" is taken for
// "submit date", and missing fields come back undefined. Only `id` and
// `stat` are required: without them the text is not a receipt.

import { RECEIPT_STATS, type ReceiptStat } from './constants.ts';
import { SmppReceiptTextError } from './errors.ts';

export interface ReceiptFields {
  /** The message id as the SMSC gave it in submit_sm_resp. */
  id: string;
  /** Number of messages originally submitted (normally 1). */
  sub?: number;
  /** Number of messages delivered. */
  dlvrd?: number;
  /** Submit instant, ms since epoch. */
  submitDate?: number;
  /** Final-state instant, ms since epoch. */
  doneDate?: number;
  stat: ReceiptStat;
  /** Network-specific error code, as text (three digits by convention). */
  err?: string;
  /** The first characters of the original message (at most 20 by convention). */
  text?: string;
}

export interface ReceiptTextFormat {
  /** 10 digits (YYMMDDhhmm) or 12 (YYMMDDhhmmss). */
  dateDigits: 10 | 12;
  /** Offset of the SMSC's clock from UTC, minutes (JST is +540). Default 0. */
  utcOffsetMinutes?: number;
}

export interface ParsedReceiptText extends ReceiptFields {
  /** The date fields exactly as they were written (when present). */
  submitDateText?: string;
  doneDateText?: string;
}

export type ReceiptTextResult = { ok: true; receipt: ParsedReceiptText } | { ok: false; error: SmppReceiptTextError };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Writes `ms` as YYMMDDhhmm or YYMMDDhhmmss in the given UTC offset. */
export function formatReceiptDate(ms: number, dateDigits: 10 | 12, utcOffsetMinutes = 0): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  const base =
    pad(d.getUTCFullYear() % 100, 2) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2);
  return dateDigits === 12 ? base + pad(d.getUTCSeconds(), 2) : base;
}

/**
 * Reads YYMMDDhhmm or YYMMDDhhmmss (years 2000-2099) as ms since epoch, or
 * undefined when it is not a real calendar instant.
 */
export function parseReceiptDate(text: string, utcOffsetMinutes = 0): number | undefined {
  if (!/^(\d{10}|\d{12})$/.test(text)) return undefined;
  const n = (from: number) => Number(text.slice(from, from + 2));
  const [yy, mo, dd, hh, mi] = [n(0), n(2), n(4), n(6), n(8)];
  const ss = text.length === 12 ? n(10) : 0;
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return undefined;
  const ms = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  // Date.UTC rolls 31 February over into March; a real receipt never says that.
  if (new Date(ms).getUTCDate() !== dd) return undefined;
  return ms - utcOffsetMinutes * 60_000;
}

/** Formats a receipt text. Fields left out are written with their conventional defaults. */
export function formatReceiptText(fields: ReceiptFields, format: ReceiptTextFormat): string {
  const offset = format.utcOffsetMinutes ?? 0;
  const date = (ms: number | undefined) => (ms === undefined ? '0'.repeat(format.dateDigits) : formatReceiptDate(ms, format.dateDigits, offset));
  return (
    `id:${fields.id} sub:${pad(fields.sub ?? 1, 3)} dlvrd:${pad(fields.dlvrd ?? (fields.stat === 'DELIVRD' ? 1 : 0), 3)}` +
    ` submit date:${date(fields.submitDate)} done date:${date(fields.doneDate)}` +
    ` stat:${fields.stat} err:${fields.err ?? '000'} text:${fields.text ?? ''}`
  );
}

// Keys before `text:`; a key may contain a space ("submit date") or an underscore.
const FIELD = /(?:^|\s)(id|sub|dlvrd|submit[ _]date|done[ _]date|stat|err)\s*:\s*(\S*)/gi;
const TEXT = /(?:^|\s)text\s*:/i;
const STATS: ReadonlySet<string> = new Set(RECEIPT_STATS);

/** Reads a receipt text leniently; see the header comment for what is accepted. */
export function parseReceiptText(input: string, options: { utcOffsetMinutes?: number } = {}): ReceiptTextResult {
  const offset = options.utcOffsetMinutes ?? 0;
  const fail = (field: string, message: string): ReceiptTextResult => ({ ok: false, error: new SmppReceiptTextError(field, message) });
  const textAt = input.search(TEXT);
  const head = textAt < 0 ? input : input.slice(0, textAt);
  const text = textAt < 0 ? undefined : input.slice(input.indexOf(':', textAt) + 1);

  const found = new Map<string, string>();
  for (const match of head.matchAll(FIELD)) {
    const key = (match[1] ?? '').toLowerCase().replace('_', ' ');
    if (!found.has(key)) found.set(key, match[2] ?? '');
  }

  const id = found.get('id');
  if (!id) return fail('id', 'missing');
  const statWord = found.get('stat')?.toUpperCase();
  if (!statWord) return fail('stat', 'missing');
  if (!STATS.has(statWord)) return fail('stat', `unknown stat word ${JSON.stringify(statWord)}`);

  const receipt: ParsedReceiptText = { id, stat: statWord as ReceiptStat };
  for (const key of ['sub', 'dlvrd'] as const) {
    const raw = found.get(key);
    if (raw === undefined || raw === '') continue;
    if (!/^\d+$/.test(raw)) return fail(key, `not a number: ${JSON.stringify(raw)}`);
    receipt[key] = Number(raw);
  }
  for (const [key, field, textField] of [
    ['submit date', 'submitDate', 'submitDateText'],
    ['done date', 'doneDate', 'doneDateText'],
  ] as const) {
    const raw = found.get(key);
    // All zeros is how SMSCs (and formatReceiptText) write "no date".
    if (raw === undefined || raw === '' || /^0+$/.test(raw)) continue;
    const ms = parseReceiptDate(raw, offset);
    if (ms === undefined) return fail(key, `not a YYMMDDhhmm[ss] date: ${JSON.stringify(raw)}`);
    receipt[field] = ms;
    receipt[textField] = raw;
  }
  const err = found.get('err');
  if (err !== undefined && err !== '') receipt.err = err;
  if (text !== undefined) receipt.text = text;
  return { ok: true, receipt };
}
