// The shapes of decoded and to-be-encoded PDUs, under the spec's
// snake_case names: types only, shared by the package-backed codec
// (pdu.ts) and the hand-written hot-path reader and writer.
import type { CommandName } from './constants.ts';

/** Fields of submit_sm and deliver_sm (SMPP 3.4 sections 4.4.1 and 4.6.1) plus the TLVs denpa uses. */
export interface MessageFields {
  service_type?: string;
  source_addr_ton?: number;
  source_addr_npi?: number;
  source_addr?: string;
  dest_addr_ton?: number;
  dest_addr_npi?: number;
  destination_addr: string;
  esm_class?: number;
  protocol_id?: number;
  priority_flag?: number;
  /** SMPP time string (absolute `YYMMDDhhmmsstnnp` or relative `...R`); see smpp-time.ts. */
  schedule_delivery_time?: string;
  validity_period?: string;
  registered_delivery?: number;
  replace_if_present_flag?: number;
  /** Always explicit (edge 4): 0x00 GSM-7, 0x03 Latin-1, 0x08 UCS-2, ... */
  data_coding: number;
  sm_default_msg_id?: number;
  /** Raw bytes, UDH included when esm_class has UDHI. At most 254 (edge 3). */
  short_message?: Buffer;
  // TLVs
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
  message_payload?: Buffer;
  user_message_reference?: number;
}

export type SubmitSmFields = MessageFields;
export type DeliverSmFields = MessageFields;

export interface BindFields {
  system_id: string;
  password: string;
  system_type?: string;
  interface_version?: number;
  addr_ton?: number;
  addr_npi?: number;
  address_range?: string;
}

/** A decoded PDU: header plus every field the package read, under spec names. */
export interface Pdu {
  command: CommandName | 'unknown';
  command_id: number;
  command_status: number;
  sequence_number: number;
  /** Body fields and TLVs by spec name; unknown TLVs by their numeric tag. */
  fields: Record<string, unknown>;
}

/** The optional TLVs of submit_sm / deliver_sm: absent unless the peer sent them. */
type OptionalTlvField = 'receipted_message_id' | 'message_state' | 'network_error_code' | 'sar_msg_ref_num' | 'sar_total_segments' | 'sar_segment_seqnum' | 'message_payload' | 'user_message_reference';

/** A received submit_sm or deliver_sm with defaults filled in and the raw short_message. */
export type ReceivedMessageFields = Required<Omit<MessageFields, OptionalTlvField>> & Pick<MessageFields, OptionalTlvField>;
