// A delivery receipt read from a deliver_sm, in the store's terms (pure).
import { messageIdCandidates, messageIdKey, readReceipt, type MessageIdRadix, type ReceivedMessageFields, type ReceiptStat } from '../../smpp/index.ts';
import type { MessageError, ReceiptOutcome } from '../store/index.ts';

const OUTCOME_OF_STAT: Record<ReceiptStat, ReceiptOutcome | undefined> = {
  ENROUTE: undefined,
  ACCEPTD: undefined,
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  DELETED: 'failed',
  UNKNOWN: 'unknown',
};

export type ReadOutcome =
  | { readonly kind: 'final'; readonly keys: readonly string[]; readonly outcome: ReceiptOutcome; readonly error?: MessageError; readonly stat: ReceiptStat }
  /** ENROUTE / ACCEPTD: not an end; acknowledged and ignored. */
  | { readonly kind: 'intermediate'; readonly stat: ReceiptStat }
  /** A mobile-originated message or an unreadable receipt: acknowledged and counted. */
  | { readonly kind: 'not_a_receipt'; readonly reason: string };

/** Keys an SMSC id may mean: the exact key when the carrier's radix is configured, else every candidate. */
export function messageKeys(id: string, radix: MessageIdRadix | undefined): string[] {
  const exact = radix ? messageIdKey(id, radix) : undefined;
  return exact !== undefined ? [exact] : messageIdCandidates(id);
}

export function readReceiptOutcome(fields: ReceivedMessageFields, radix: MessageIdRadix | undefined): ReadOutcome {
  const r = readReceipt(fields);
  if (!r.ok) return { kind: 'not_a_receipt', reason: r.reason };
  const outcome = OUTCOME_OF_STAT[r.receipt.stat];
  if (!outcome) return { kind: 'intermediate', stat: r.receipt.stat };
  const err = r.receipt.text?.err;
  const error: MessageError | undefined =
    outcome === 'delivered' ? undefined : { code: `RECEIPT_${r.receipt.stat}`, description: `receipt stat:${r.receipt.stat}${err !== undefined ? ` err:${err}` : ''}` };
  return { kind: 'final', keys: messageKeys(r.receipt.messageId, radix), outcome, error, stat: r.receipt.stat };
}
