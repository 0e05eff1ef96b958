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
// The body layouts are in pdu-writer.ts's header; the TLVs read are the
// ones it writes (MESSAGE_TLVS).

import { CommandId, type CommandName } from './constants.ts';
import { MESSAGE_TLVS, type TlvKind } from './message-tlvs.ts';
import type { Pdu } from './pdu-fields.ts';

/** MESSAGE_TLVS by tag. */
const TLVS = new Map<number, { name: string; kind: TlvKind }>(Object.entries(MESSAGE_TLVS).map(([name, { tag, kind }]) => [tag, { name, kind }]));

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
    const end = frame.indexOf(0, 16);
    // The package would go on to read TLVs after the id; those frames are its to decode.
    if (end !== length - 1) return undefined;
    return { command, ...header, fields: { message_id: frame.toString('ascii', 16, end) } };
  }
  if (commandId !== CommandId.submit_sm && commandId !== CommandId.deliver_sm) return undefined;
  let at = 16;
  // A read past the frame's end fails the fast path (undefined) rather than guess.
  let truncated = false;
  const cstr = (): string => {
    const end = at < length ? frame.indexOf(0, at) : -1;
    if (end < 0) {
      truncated = true;
      return '';
    }
    const s = frame.toString('ascii', at, end);
    at = end + 1;
    return s;
  };
  const u8 = (): number => {
    if (at >= length) {
      truncated = true;
      return 0;
    }
    return frame[at++] as number;
  };
  // In the body's order: an object literal's values are evaluated left to right.
  const fields: Record<string, unknown> = {
    service_type: cstr(),
    source_addr_ton: u8(),
    source_addr_npi: u8(),
    source_addr: cstr(),
    dest_addr_ton: u8(),
    dest_addr_npi: u8(),
    destination_addr: cstr(),
    esm_class: u8(),
    protocol_id: u8(),
    priority_flag: u8(),
    schedule_delivery_time: cstr(),
    validity_period: cstr(),
    registered_delivery: u8(),
    replace_if_present_flag: u8(),
    data_coding: u8(),
    sm_default_msg_id: u8(),
  };
  const smLength = u8();
  if (truncated || at + smLength > length) return undefined;
  fields.short_message = frame.subarray(at, at + smLength);
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
        const end = frame.indexOf(0, from);
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
