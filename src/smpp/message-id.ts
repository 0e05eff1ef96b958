// Message ids as SMSCs write them, and the rule for matching them.
//
// The id in submit_sm_resp and the id in the receipt (receipted_message_id or
// the text's `id:`) name the same number but are often written differently:
// hex in one and decimal in the other, with or without leading zeros, upper
// or lower case, sometimes with a 0x prefix. Kannel calls this `msg-id-type`.
//
// The rule: an id is turned into a KEY, the decimal digits of its numeric
// value without leading zeros. `messageIdKey(id, radix)` gives the one key
// when the radix is known (configure it per carrier: it is then exact).
// `messageIdCandidates(id)` gives every key the id could mean when the radix
// is not known, most likely first:
//   - `0x1f`, or any id with a letter a-f:   [hex value]
//   - only decimal digits, e.g. `0016`:       [decimal value, hex value]  (16, 22)
//   - anything else (uuid, punctuation):      [`~` + the id as written, trimmed]
// A correlator stores each submitted message under the key(s) of the id it was
// given and looks a receipt up by its candidates in order; the first hit
// wins. Two live messages whose ids are the decimal and hex spellings of each
// other (e.g. `16` and `10`) are the only case the order must break: the
// interpretation as written (decimal for digits) is tried first.

export type MessageIdRadix = 'decimal' | 'hex';

const DECIMAL = /^\d+$/;
const HEX = /^(?:0x)?([0-9a-f]+)$/i;

/** The key of `id` read in `radix`, or undefined when `id` is not a number in that radix. */
export function messageIdKey(id: string, radix: MessageIdRadix): string | undefined {
  const t = id.trim();
  if (radix === 'decimal') return DECIMAL.test(t) ? BigInt(t).toString(10) : undefined;
  const m = HEX.exec(t);
  return m ? BigInt(`0x${m[1]}`).toString(10) : undefined;
}

/** Every key `id` could mean, most likely first (see the rule above). Never empty. */
export function messageIdCandidates(id: string): string[] {
  const t = id.trim();
  if (DECIMAL.test(t)) {
    const dec = BigInt(t).toString(10);
    const hex = BigInt(`0x${t}`).toString(10);
    return dec === hex ? [dec] : [dec, hex];
  }
  const m = HEX.exec(t);
  if (m) return [BigInt(`0x${m[1]}`).toString(10)];
  return [`~${t}`];
}

/**
 * The comparison form of `id`: its key in `radix` when given and valid,
 * otherwise its most likely candidate. Two ids written in the same radix
 * match exactly when their normalized forms are equal.
 */
export function normalizeMessageId(id: string, radix?: MessageIdRadix): string {
  const exact = radix ? messageIdKey(id, radix) : undefined;
  return exact ?? (messageIdCandidates(id)[0] as string);
}

/** Whether two ids may name the same message (their candidate keys overlap). */
export function messageIdsMayMatch(a: string, b: string): boolean {
  const keys = new Set(messageIdCandidates(a));
  return messageIdCandidates(b).some((k) => keys.has(k));
}

export interface MessageIdFormat {
  /** Left-pad with zeros to this many digits. */
  width?: number;
  /** Hex letters in upper case (default lower). */
  upperCase?: boolean;
}

/** Writes a message number as an SMSC would: `formatMessageId(255, 'hex', {width: 8})` = `000000ff`. */
export function formatMessageId(n: number | bigint, radix: MessageIdRadix, format: MessageIdFormat = {}): string {
  if (typeof n === 'number' && (!Number.isSafeInteger(n) || n < 0)) {
    throw new RangeError(`message number must be a non-negative safe integer, got ${n}`);
  }
  if (typeof n === 'bigint' && n < 0n) throw new RangeError('message number must be non-negative');
  let s = n.toString(radix === 'hex' ? 16 : 10);
  if (format.upperCase) s = s.toUpperCase();
  // message_id is a C-Octet String of at most 65 octets including the NUL.
  return s.padStart(Math.min(format.width ?? 0, 64), '0');
}
