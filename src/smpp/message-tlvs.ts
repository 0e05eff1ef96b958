// The TLVs of submit_sm and deliver_sm that denpa writes (pdu-writer.ts)
// and reads (pdu-reader.ts) by hand: one table, so the two cannot drift.
import { TlvTag } from './constants.ts';

export type TlvKind = 'cstring' | 'int8' | 'int16' | 'buffer';

/** The TLVs of submit_sm and deliver_sm that denpa writes and reads by hand. */
export const MESSAGE_TLVS: Readonly<Record<string, { tag: number; kind: TlvKind }>> = {
  receipted_message_id: { tag: TlvTag.receipted_message_id, kind: 'cstring' },
  message_state: { tag: TlvTag.message_state, kind: 'int8' },
  network_error_code: { tag: TlvTag.network_error_code, kind: 'buffer' },
  sar_msg_ref_num: { tag: TlvTag.sar_msg_ref_num, kind: 'int16' },
  sar_total_segments: { tag: TlvTag.sar_total_segments, kind: 'int8' },
  sar_segment_seqnum: { tag: TlvTag.sar_segment_seqnum, kind: 'int8' },
  message_payload: { tag: TlvTag.message_payload, kind: 'buffer' },
  user_message_reference: { tag: TlvTag.user_message_reference, kind: 'int16' },
};
