// A hand-written decoder for the PDUs on the hot path (submit_sm, deliver_sm
// and their responses), the reading half of pdu-writer.ts. The package's
// `fromBuffer` walks its parameter tables with dynamic property access, and
// decodePdu then copies the result twice more (field object, length check);
// a receipt cost ~7 µs to decode, at thousands a second on both sides of
// every link. This reader makes the same `Pdu` in one pass.
//
// It answers only for frames it can read exactly as the package would:
// anything else (another command, a field running past the frame, a TLV it
// does not know or whose length it would read differently) returns
// undefined, and decodePdu decodes that frame with the package and checks it
// as before. Tests compare both paths on fixtures and on random frames.
//
// submit_sm / deliver_sm body (SMPP 3.4 sections 4.4.1, 4.6.1; C = C-Octet String):
//   service_type C | source_addr_ton 1 | source_addr_npi 1 | source_addr C |
//   dest_addr_ton 1 | dest_addr_npi 1 | destination_addr C | esm_class 1 |
//   protocol_id 1 | priority_flag 1 | schedule_delivery_time C |
//   validity_period C | registered_delivery 1 | replace_if_present_flag 1 |
//   data_coding 1 | sm_default_msg_id 1 | sm_length 1 | short_message |
//   TLVs: tag 2 | length 2 | value
// submit_sm_resp / deliver_sm_resp body: message_id C

import { CommandId, type CommandName, TlvTag } from './constants.ts';
import type { Pdu } from './pdu.ts';

/** The TLVs this reader knows, by tag: their field name and how the package reads them. */
const TLVS = new Map<number, { name: string; kind: 'cstring' | 'int8' | 'int16' | 'buffer' }>([
  [TlvTag.receipted_message_id, { name: 'receipted_message_id', kind: 'cstring' }],
  [TlvTag.message_state, { name: 'message_state', kind: 'int8' }],
  [TlvTag.network_error_code, { name: 'network_error_code', kind: 'buffer' }],
  [TlvTag.sar_msg_ref_num, { name: 'sar_msg_ref_num', kind: 'int16' }],
  [TlvTag.sar_total_segments, { name: 'sar_total_segments', kind: 'int8' }],
  [TlvTag.sar_segment_seqnum, { name: 'sar_segment_seqnum', kind: 'int8' }],
  [TlvTag.message_payload, { name: 'message_payload', kind: 'buffer' }],
  [TlvTag.user_message_reference, { name: 'user_message_reference', kind: 'int16' }],
]);

/** Index of the NUL ending a C-Octet String that starts at `from`, or -1 when the frame ends first. */
function cstringEnd(frame: Buffer, from: number): number {
  return frame.indexOf(0, from);
}

/**
 * Reads a hot PDU as decodePdu would with the package, or returns undefined
 * (the caller then uses the package). `frame` is exactly command_length
 * octets, already checked by decodePdu.
 */
export function readHotPdu(frame: Buffer): Pdu | undefined {
  const commandId = frame.readUInt32BE(4);
  const length = frame.length;
  const header = { command_id: commandId, command_status: frame.readUInt32BE(8), sequence_number: frame.readUInt32BE(12) };
  if (commandId === CommandId.submit_sm_resp || commandId === CommandId.deliver_sm_resp) {
    const command: CommandName = commandId === CommandId.submit_sm_resp ? 'submit_sm_resp' : 'deliver_sm_resp';
    if (length === 16) return { command, ...header, fields: {} };
    const end = cstringEnd(frame, 16);
    // The package would go on to read TLVs after the id; those frames are its to decode.
    if (end !== length - 1) return undefined;
    return { command, ...header, fields: { message_id: frame.toString('ascii', 16, end) } };
  }
  if (commandId !== CommandId.submit_sm && commandId !== CommandId.deliver_sm) return undefined;
  let at = 16;
  // Each read fails the fast path (undefined) rather than guess when the frame ends early.
  const cstr = (): string | undefined => {
    const end = at < length ? cstringEnd(frame, at) : -1;
    if (end < 0) return undefined;
    const s = frame.toString('ascii', at, end);
    at = end + 1;
    return s;
  };
  const u8 = (): number | undefined => (at < length ? frame[at++] : undefined);
  const service_type = cstr();
  const source_addr_ton = u8();
  const source_addr_npi = u8();
  const source_addr = cstr();
  const dest_addr_ton = u8();
  const dest_addr_npi = u8();
  const destination_addr = cstr();
  const esm_class = u8();
  const protocol_id = u8();
  const priority_flag = u8();
  const schedule_delivery_time = cstr();
  const validity_period = cstr();
  const registered_delivery = u8();
  const replace_if_present_flag = u8();
  const data_coding = u8();
  const sm_default_msg_id = u8();
  const smLength = u8();
  if (smLength === undefined || sm_default_msg_id === undefined || at + smLength > length) return undefined;
  if (
    service_type === undefined ||
    source_addr_ton === undefined ||
    source_addr_npi === undefined ||
    source_addr === undefined ||
    dest_addr_ton === undefined ||
    dest_addr_npi === undefined ||
    destination_addr === undefined ||
    esm_class === undefined ||
    protocol_id === undefined ||
    priority_flag === undefined ||
    schedule_delivery_time === undefined ||
    validity_period === undefined ||
    registered_delivery === undefined ||
    replace_if_present_flag === undefined ||
    data_coding === undefined
  ) {
    return undefined;
  }
  const fields: Record<string, unknown> = {
    service_type,
    source_addr_ton,
    source_addr_npi,
    source_addr,
    dest_addr_ton,
    dest_addr_npi,
    destination_addr,
    esm_class,
    protocol_id,
    priority_flag,
    schedule_delivery_time,
    validity_period,
    registered_delivery,
    replace_if_present_flag,
    data_coding,
    sm_default_msg_id,
    short_message: frame.subarray(at, at + smLength),
  };
  at += smLength;
  // Bounded: each pass consumes at least 4 octets.
  while (at < length) {
    if (at + 4 > length) return undefined;
    const tag = frame.readUInt16BE(at);
    const n = frame.readUInt16BE(at + 2);
    const from = at + 4;
    at = from + n;
    const tlv = TLVS.get(tag);
    if (!tlv || at > length) return undefined;
    switch (tlv.kind) {
      case 'cstring': {
        // The package reads to the first NUL whatever the TLV's length says; read alike only when that NUL is inside it.
        const end = cstringEnd(frame, from);
        if (end < 0 || end >= at) return undefined;
        fields[tlv.name] = frame.toString('ascii', from, end);
        break;
      }
      case 'int8':
        if (n !== 1) return undefined;
        fields[tlv.name] = frame[from];
        break;
      case 'int16':
        if (n !== 2) return undefined;
        fields[tlv.name] = frame.readUInt16BE(from);
        break;
      case 'buffer':
        fields[tlv.name] = frame.subarray(from, at);
        break;
    }
  }
  return { command: commandId === CommandId.submit_sm ? 'submit_sm' : 'deliver_sm', ...header, fields };
}
