// Typed PDUs over the `smpp` package's codec (its command and TLV tables,
// `PDU.prototype.fromBuffer` and `toBuffer`). The package ships no types
// (sharp edge 11), so its shape is declared here, in the only file that
// loads it.
//
// The package's value "filters" are switched off per PDU object (never
// globally): they decode short_message into guessed text (edge 5), encode
// strings as GSM under data_coding 0x01 (edge 4), and turn times into Date
// objects against the wall clock. With them off, short_message and
// message_payload stay raw Buffers and times stay SMPP time strings.
//
// PDU fields carry the spec's snake_case names, as on the wire.

import { createRequire } from 'node:module';
import { CommandId, type CommandName, PDU_MAX_LENGTH, RESPONSE_BIT } from './constants.ts';
import { SmppMessageTooLongError, SmppParseError } from './errors.ts';
import { readHotPdu } from './pdu-reader.ts';
import { isPlainMessage, writeMessagePdu, writeSimpleResponse } from './pdu-writer.ts';
import type { MessageFields, Pdu, ReceivedMessageFields } from './pdu-fields.ts';
import { checkShortMessageLength } from './short-message.ts';

export type { BindFields, DeliverSmFields, MessageFields, Pdu, ReceivedMessageFields, SubmitSmFields } from './pdu-fields.ts';

interface PackagePdu {
  command: string;
  command_length: number;
  command_id: number;
  command_status: number;
  sequence_number: number;
  _filter: (direction: string) => void;
  toBuffer(): Buffer;
  fromBuffer(buffer: Buffer): void;
  [field: string]: unknown;
}

interface PackagePduClass {
  new (command: string, options?: Record<string, unknown>): PackagePdu;
  prototype: PackagePdu;
  maxLength: number;
}

interface PackageParam {
  type: { size(value: unknown): number };
}

const smppPackage = createRequire(import.meta.url)('smpp') as {
  PDU: PackagePduClass;
  commands: Record<string, { params?: Record<string, PackageParam> }>;
};
const PackagePDU = smppPackage.PDU;
const noFilter = (): void => {};

const HEADER_KEYS = new Set(['command', 'command_length', 'command_id', 'command_status', 'sequence_number', '_filter']);

/**
 * Decodes one framed PDU (exactly command_length octets). Throws
 * SmppParseError for anything the codec cannot read; an unknown command_id
 * is not an error here: it decodes as `command: 'unknown'` so the session can
 * answer generic_nack.
 */
export function decodePdu(frame: Buffer): Pdu {
  if (frame.length < 16 || frame.length > PDU_MAX_LENGTH || frame.readUInt32BE(0) !== frame.length) {
    throw new SmppParseError(`frame of ${frame.length} octets does not match its command_length`);
  }
  // The hot PDUs are read by hand when they are plain (see pdu-reader.ts); the rest, and anything odd, by the package.
  return readHotPdu(frame) ?? decodeWithPackage(frame);
}

/** decodePdu's general path: the package's codec plus our length checks. Exported for the tests that hold pdu-reader.ts to it. */
export function decodeWithPackage(frame: Buffer): Pdu {
  const raw = Object.create(PackagePDU.prototype) as PackagePdu;
  raw._filter = noFilter;
  try {
    raw.fromBuffer(frame);
  } catch (e) {
    throw new SmppParseError(`cannot decode PDU 0x${frame.readUInt32BE(4).toString(16)}: ${(e as Error).message}`, { cause: e });
  }
  if (!isResponseId(raw.command_id >>> 0) && raw.command !== 'unknown') checkRequestLength(raw, frame);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) if (!HEADER_KEYS.has(key)) fields[key] = raw[key];
  return {
    command: raw.command as CommandName | 'unknown',
    command_id: raw.command_id >>> 0,
    command_status: raw.command_status >>> 0,
    sequence_number: raw.sequence_number >>> 0,
    fields,
  };
}

/**
 * The package reads a request's mandatory fields only while bytes remain and
 * slices short_message without checking its length, so a truncated PDU
 * would decode "successfully" with fields missing. Measure what it read and
 * walk the TLV area ourselves:
 *
 *   mandatory fields in spec order | tag(2) length(2) value(length) | ...
 */
function checkRequestLength(raw: PackagePdu, frame: Buffer): void {
  const params = smppPackage.commands[raw.command]?.params ?? {};
  let offset = 16;
  for (const key of Object.keys(params)) {
    const value = raw[key];
    if (value === undefined) throw new SmppParseError(`${raw.command} ends before its mandatory field ${key}`);
    // A length-prefixed field (short_message): the slice is silently short when the PDU is.
    if (Buffer.isBuffer(value) && frame[offset] !== value.length) {
      throw new SmppParseError(`${raw.command} ${key} declares ${frame[offset]} octets but ${value.length} are present`);
    }
    offset += (params[key] as PackageParam).type.size(value);
  }
  if (offset > frame.length) throw new SmppParseError(`${raw.command} mandatory fields overrun command_length`);
  // Bounded: each pass consumes at least 4 octets.
  while (offset < frame.length) {
    if (offset + 4 > frame.length) throw new SmppParseError(`${raw.command} has ${frame.length - offset} stray octets after its TLVs`);
    const length = frame.readUInt16BE(offset + 2);
    offset += 4 + length;
    if (offset > frame.length) throw new SmppParseError(`${raw.command} TLV 0x${frame.readUInt16BE(offset - 4 - length).toString(16)} overruns command_length`);
  }
}

/**
 * Encodes a PDU. A non-zero command_status produces the 16-octet header
 * only, as the package does and as peers expect (sharp edge 2).
 */
export function encodePdu(command: CommandName, sequenceNumber: number, fields: object = {}, commandStatus = 0): Buffer {
  const sm = (fields as { short_message?: unknown }).short_message;
  if (sm !== undefined) {
    if (!Buffer.isBuffer(sm)) throw new TypeError('short_message must be a Buffer (edge 4: never let the package encode text)');
    checkShortMessageLength(sm);
  }
  // Hot PDUs skip the package (see pdu-writer.ts); both paths meet the same fixtures.
  if (commandStatus !== 0 || HEADER_ONLY.has(command)) return writeSimpleResponse(CommandId[command], sequenceNumber, commandStatus);
  if ((command === 'submit_sm_resp' || command === 'deliver_sm_resp') && isOnlyMessageId(fields)) {
    const id = (fields as { message_id?: unknown }).message_id;
    return writeSimpleResponse(CommandId[command], sequenceNumber, 0, typeof id === 'string' ? id : '');
  }
  if ((command === 'submit_sm' || command === 'deliver_sm') && isPlainMessage(fields)) {
    return writeMessagePdu(command, sequenceNumber, fields as MessageFields);
  }
  const pdu = new PackagePDU(command, { ...fields, sequence_number: sequenceNumber, command_status: commandStatus });
  pdu._filter = noFilter;
  if (!commandStatus && 'data_coding' in pdu && pdu.data_coding == null) pdu.data_coding = 0;
  try {
    return pdu.toBuffer();
  } catch (e) {
    if (e instanceof RangeError) throw new SmppMessageTooLongError(Buffer.isBuffer(sm) ? sm.length : 0);
    throw e;
  }
}

const HEADER_ONLY: ReadonlySet<CommandName> = new Set(['enquire_link', 'enquire_link_resp', 'unbind', 'unbind_resp', 'generic_nack', 'cancel_sm_resp', 'replace_sm_resp']);

function isOnlyMessageId(fields: object): boolean {
  for (const key of Object.keys(fields)) if (key !== 'message_id') return false;
  return true;
}

/** Encodes a generic_nack (header only) for a PDU we could not serve. */
export function encodeGenericNack(sequenceNumber: number, commandStatus: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(16, 0);
  b.writeUInt32BE(CommandId.generic_nack, 4);
  b.writeUInt32BE(commandStatus >>> 0, 8);
  b.writeUInt32BE(sequenceNumber >>> 0, 12);
  return b;
}

export function isResponseId(commandId: number): boolean {
  return (commandId & RESPONSE_BIT) !== 0;
}

/** Reads the header of a frame without decoding the body (for a PDU the codec refused). */
export function readHeader(frame: Buffer): { command_id: number; command_status: number; sequence_number: number } {
  return { command_id: frame.readUInt32BE(4), command_status: frame.readUInt32BE(8), sequence_number: frame.readUInt32BE(12) };
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);

/** Typed view of a decoded submit_sm / deliver_sm. */
export function messageFieldsOf(pdu: Pdu): ReceivedMessageFields {
  const f = pdu.fields;
  const out: ReceivedMessageFields = {
    service_type: str(f.service_type),
    source_addr_ton: num(f.source_addr_ton),
    source_addr_npi: num(f.source_addr_npi),
    source_addr: str(f.source_addr),
    dest_addr_ton: num(f.dest_addr_ton),
    dest_addr_npi: num(f.dest_addr_npi),
    destination_addr: str(f.destination_addr),
    esm_class: num(f.esm_class),
    protocol_id: num(f.protocol_id),
    priority_flag: num(f.priority_flag),
    schedule_delivery_time: str(f.schedule_delivery_time),
    validity_period: str(f.validity_period),
    registered_delivery: num(f.registered_delivery),
    replace_if_present_flag: num(f.replace_if_present_flag),
    data_coding: num(f.data_coding),
    sm_default_msg_id: num(f.sm_default_msg_id),
    short_message: Buffer.isBuffer(f.short_message) ? f.short_message : Buffer.alloc(0),
  };
  if (typeof f.receipted_message_id === 'string') out.receipted_message_id = f.receipted_message_id;
  if (typeof f.message_state === 'number') out.message_state = f.message_state;
  if (Buffer.isBuffer(f.network_error_code)) out.network_error_code = f.network_error_code;
  if (typeof f.sar_msg_ref_num === 'number') out.sar_msg_ref_num = f.sar_msg_ref_num;
  if (typeof f.sar_total_segments === 'number') out.sar_total_segments = f.sar_total_segments;
  if (typeof f.sar_segment_seqnum === 'number') out.sar_segment_seqnum = f.sar_segment_seqnum;
  if (Buffer.isBuffer(f.message_payload)) out.message_payload = f.message_payload;
  if (typeof f.user_message_reference === 'number') out.user_message_reference = f.user_message_reference;
  return out;
}
