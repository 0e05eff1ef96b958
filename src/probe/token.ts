// The probe token: the last word of every message a scenario sends, so that
// the simulator can tell, without any help from the gateway in between, which
// run and which request a handset delivery belongs to, when it was sent, and
// whether its body arrived intact.
//
// Plain ECMAScript only (no Buffer, no node:crypto): the real k6 runs this.
//
//   DP  RRRR  C  SSSSS  TTTTTTT  KKKK        23 ASCII characters, [0-9A-Z]
//   │   │     │  │      │        └ checksum of body + fields, base36, 4
//   │   │     │  │      └ send time in ms modulo 36^7 (~907 days), base36, 7
//   │   │     │  └ sequence number within the run, base36, 5 (< 60,466,176)
//   │   │     └ category: O otp, N notice, D dunning, P promotion
//   │   └ run id, base36, 4
//   └ marker
//
// Alphanumerics only, so the token never changes a message's encoding
// (all are in the GSM 03.38 basic set) and survives any segmentation.

import { CATEGORIES, type Category } from '../domain/index.ts';

export const PROBE_TOKEN_LENGTH = 23;
export const PROBE_MARKER = 'DP';
export const SEQUENCE_LIMIT = 36 ** 5;
export const TIME_MODULUS = 36 ** 7;
const CHECK_MODULUS = 36 ** 4;

/** The message categories (the shared word, src/domain), as a probe carries them. */
export type ProbeCategory = Category;
export const PROBE_CATEGORIES: readonly ProbeCategory[] = CATEGORIES;

const CATEGORY_CODE: Record<ProbeCategory, string> = { otp: 'O', notice: 'N', dunning: 'D', promotion: 'P' };
const CODE_CATEGORY: Record<string, ProbeCategory> = { O: 'otp', N: 'notice', D: 'dunning', P: 'promotion' };

export interface ProbeFields {
  /** Four base36 characters naming the run. */
  runId: string;
  seq: number;
  category: ProbeCategory;
  /** Send time, ms since the epoch. */
  sentAtMs: number;
}

export interface DecodedProbe extends ProbeFields {
  /** Whether the body before the token matches the token's checksum. */
  intact: boolean;
  /** The message text without the token and its separating space. */
  body: string;
}

const RUN_ID_PATTERN = /^[0-9A-Z]{4}$/;
const TOKEN_PATTERN = /(?:^|\s)(DP[0-9A-Z]{21})\s*$/;

function pad36(value: number, width: number): string {
  const s = value.toString(36).toUpperCase();
  return s.length >= width ? s.slice(-width) : '0'.repeat(width - s.length) + s;
}

/** FNV-1a over UTF-16 code units, folded to the checksum range. */
function checksum(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % CHECK_MODULUS;
}

/** A fresh run id: four base36 characters from a number (for example a seed or a random draw). */
export function runIdFrom(n: number): string {
  return pad36(Math.abs(Math.floor(n)) % 36 ** 4, 4);
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/** The token alone, for a body that will be sent as `${body} ${token}`. */
export function encodeProbe(fields: ProbeFields, body: string): string {
  if (!RUN_ID_PATTERN.test(fields.runId)) throw new RangeError(`probe runId must be 4 characters [0-9A-Z], got ${JSON.stringify(fields.runId)}`);
  if (!Number.isInteger(fields.seq) || fields.seq < 0 || fields.seq >= SEQUENCE_LIMIT) throw new RangeError(`probe seq must be an integer in [0, ${SEQUENCE_LIMIT}), got ${fields.seq}`);
  const code = CATEGORY_CODE[fields.category];
  if (!code) throw new RangeError(`probe category must be one of ${PROBE_CATEGORIES.join(', ')}, got ${JSON.stringify(fields.category)}`);
  if (!Number.isFinite(fields.sentAtMs) || fields.sentAtMs < 0) throw new RangeError(`probe sentAtMs must be a non-negative number, got ${fields.sentAtMs}`);
  const head = PROBE_MARKER + fields.runId + code + pad36(fields.seq, 5) + pad36(Math.floor(fields.sentAtMs) % TIME_MODULUS, 7);
  return head + pad36(checksum(body + '\u0000' + head), 4);
}

/** The full text to send: body, a space, the token. */
export function withProbe(body: string, fields: ProbeFields): string {
  return `${body} ${encodeProbe(fields, body)}`;
}

/**
 * Finds and decodes the token at the end of `text`. `nowMs` resolves the
 * send time's modulus: the result is the latest instant not after
 * `nowMs + slackMs` with the encoded remainder. Returns undefined when the
 * text carries no token.
 */
export function decodeProbe(text: string, nowMs: number, slackMs = 60_000): DecodedProbe | undefined {
  const m = TOKEN_PATTERN.exec(text);
  if (!m || m[1] === undefined) return undefined;
  const token = m[1];
  const category = CODE_CATEGORY[token.charAt(6)];
  if (!category) return undefined;
  const runId = token.slice(2, 6);
  const seq = parseInt(token.slice(7, 12), 36);
  const timeRem = parseInt(token.slice(12, 19), 36);
  const check = parseInt(token.slice(19, 23), 36);
  const tokenStart = m.index + (m[0].length - m[0].trimStart().length);
  const body = text.slice(0, tokenStart).replace(/\s$/, '');
  const head = token.slice(0, 19);
  const ref = nowMs + slackMs;
  const refRem = ((ref % TIME_MODULUS) + TIME_MODULUS) % TIME_MODULUS;
  const sentAtMs = ref - ((refRem - timeRem + TIME_MODULUS) % TIME_MODULUS);
  return { runId, seq, category, sentAtMs, intact: checksum(body + '\u0000' + head) === check, body };
}
