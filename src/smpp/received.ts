// A submit_sm or deliver_sm as a handler receives it: typed fields with
// defaults filled in, plus the short_message split into UDH and body
// (edge 5: raw bytes and data_coding, never the package's guessed text).

import { messageFieldsOf, type Pdu, type ReceivedMessageFields } from './pdu.ts';
import { readShortMessage, type ShortMessage } from './short-message.ts';

export interface ReceivedMessage {
  sequenceNumber: number;
  fields: ReceivedMessageFields;
  /** short_message read: raw bytes, data_coding, esm_class, UDH (if any) and body. */
  shortMessage: ShortMessage;
}

export function toReceivedMessage(pdu: Pdu): ReceivedMessage {
  const fields = messageFieldsOf(pdu);
  return {
    sequenceNumber: pdu.sequence_number,
    fields,
    shortMessage: readShortMessage(fields.short_message, fields.data_coding, fields.esm_class),
  };
}
