// Delivery receipts as deliver_sm PDUs (esm_class 0x04): building one (the
// simulator) and reading one (the core). Pure.
//
// A receipt says which message and what happened twice over: in TLVs
// (receipted_message_id 0x001E, message_state 0x0427) and in the text
// (`id:... stat:...`). Readers prefer the TLVs and fall back to the text,
// because SMSCs that send both sometimes disagree in how they write the id
// (hex vs decimal; see message-id.ts).

import { DataCoding, EsmClass, isReceiptEsmClass, type MessageStateValue, messageStateForStat, type ReceiptStat, statForMessageState } from './constants.ts';
import type { DeliverSmFields, ReceivedMessageFields } from './pdu.ts';
import { formatReceiptText, type ParsedReceiptText, parseReceiptText, type ReceiptFields, type ReceiptTextFormat } from './receipt-text.ts';
import { decodeShortMessage, encodeText } from './short-message.ts';

export interface ReceiptSpec extends ReceiptFields {
  /** Who the original message went to (the receipt's source_addr). */
  handset: string;
  /** Who sent the original message (the receipt's destination_addr). */
  sender: string;
  format: ReceiptTextFormat;
  /** How the receipt text is encoded; default 0x00 (GSM-7), or 0x01 (IA5 ASCII). Always explicit on the wire (edge 4). */
  dataCoding?: typeof DataCoding.SMSC_DEFAULT | typeof DataCoding.IA5;
  /** Leave out the receipted_message_id / message_state TLVs (some SMSCs send text only). */
  omitTlvs?: boolean;
  /** network_error_code TLV: 3 octets (network type, 2-octet error), when wanted. */
  networkErrorCode?: Buffer;
}

/** deliver_sm fields for a receipt. The text's `text:` part is cut to 20 characters and made ASCII-safe. */
export function buildReceipt(spec: ReceiptSpec): DeliverSmFields {
  const dataCoding = spec.dataCoding ?? DataCoding.SMSC_DEFAULT;
  const snippet = (spec.text ?? '').slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
  const text = formatReceiptText({ ...spec, text: snippet }, spec.format);
  const fields: DeliverSmFields = {
    source_addr: spec.handset,
    destination_addr: spec.sender,
    esm_class: EsmClass.MC_DELIVERY_RECEIPT,
    data_coding: dataCoding,
    short_message: encodeText(text, dataCoding),
  };
  if (!spec.omitTlvs) {
    fields.receipted_message_id = spec.id;
    fields.message_state = messageStateForStat(spec.stat);
  }
  if (spec.networkErrorCode) fields.network_error_code = spec.networkErrorCode;
  return fields;
}

export interface Receipt {
  /** The SMSC's id of the message this receipt is about, as written (TLV first, else text). */
  messageId: string;
  stat: ReceiptStat;
  messageState: MessageStateValue;
  /** Where messageId and stat came from. */
  source: 'tlv' | 'text';
  /** The parsed text when it could be read. */
  text?: ParsedReceiptText;
  /** Why the text could not be read, when it could not. */
  textError?: string;
}

export type ReadReceiptResult = { ok: true; receipt: Receipt } | { ok: false; reason: string };

/**
 * Reads a deliver_sm as a receipt. `{ok: false}` when it is not one
 * (esm_class without the receipt bit) or when neither TLVs nor text say
 * which message and what state.
 */
export function readReceipt(fields: ReceivedMessageFields, options: { utcOffsetMinutes?: number } = {}): ReadReceiptResult {
  if (!isReceiptEsmClass(fields.esm_class)) return { ok: false, reason: `esm_class 0x${fields.esm_class.toString(16)} is not a delivery receipt` };
  const bytes = fields.short_message.length > 0 ? fields.short_message : (fields.message_payload ?? Buffer.alloc(0));
  const decoded = decodeShortMessage(bytes, fields.data_coding);
  let text: ParsedReceiptText | undefined;
  let textError: string | undefined;
  if (decoded.ok) {
    const parsed = parseReceiptText(decoded.text, options);
    if (parsed.ok) text = parsed.receipt;
    else textError = parsed.error.message;
  } else textError = decoded.reason;

  const tlvState = fields.message_state !== undefined ? statForMessageState(fields.message_state) : undefined;
  const tlvId = fields.receipted_message_id;
  if (tlvId && tlvState) {
    return { ok: true, receipt: withText({ messageId: tlvId, stat: tlvState, messageState: messageStateForStat(tlvState), source: 'tlv' }, text, textError) };
  }
  if (text) {
    const messageId = tlvId || text.id;
    const stat = tlvState ?? text.stat;
    return { ok: true, receipt: withText({ messageId, stat, messageState: messageStateForStat(stat), source: tlvId ? 'tlv' : 'text' }, text, textError) };
  }
  return { ok: false, reason: `receipt names no message and state: ${textError ?? 'no text'}` };
}

function withText(receipt: Receipt, text: ParsedReceiptText | undefined, textError: string | undefined): Receipt {
  if (text) receipt.text = text;
  if (textError) receipt.textError = textError;
  return receipt;
}
