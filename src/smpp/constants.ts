// SMPP 3.4 codes as named constants, each with the spec's name beside it
// (SMPP v3.4 section 5). Numbers never appear bare elsewhere in src/smpp.

/** command_id values (SMPP 3.4 section 5.1.2.1). Responses have bit 31 set. */
export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;
export type CommandName = keyof typeof CommandId;

/** Bit 31 of command_id marks a response PDU. */
export const RESPONSE_BIT = 0x80000000;

/** The PDU header: command_length, command_id, command_status, sequence_number (4 octets each). */
export const PDU_HEADER_LENGTH = 16;
/** The `smpp` package refuses anything larger (sharp edge 9); so do we. */
export const PDU_MAX_LENGTH = 16384;
/** sequence_number range allowed by the spec: 0x00000001 .. 0x7FFFFFFF. */
export const SEQUENCE_MAX = 0x7fffffff;

/** command_status values (SMPP 3.4 section 5.1.3). */
export const CommandStatus = {
  ESME_ROK: 0x00000000,
  ESME_RINVMSGLEN: 0x00000001,
  ESME_RINVCMDLEN: 0x00000002,
  ESME_RINVCMDID: 0x00000003,
  ESME_RINVBNDSTS: 0x00000004,
  ESME_RALYBND: 0x00000005,
  ESME_RINVPRTFLG: 0x00000006,
  ESME_RINVREGDLVFLG: 0x00000007,
  ESME_RSYSERR: 0x00000008,
  ESME_RINVSRCADR: 0x0000000a,
  ESME_RINVDSTADR: 0x0000000b,
  ESME_RINVMSGID: 0x0000000c,
  ESME_RBINDFAIL: 0x0000000d,
  ESME_RINVPASWD: 0x0000000e,
  ESME_RINVSYSID: 0x0000000f,
  ESME_RCANCELFAIL: 0x00000011,
  ESME_RREPLACEFAIL: 0x00000013,
  ESME_RMSGQFUL: 0x00000014,
  ESME_RINVSERTYP: 0x00000015,
  ESME_RINVNUMDESTS: 0x00000033,
  ESME_RINVDLNAME: 0x00000034,
  ESME_RINVDESTFLAG: 0x00000040,
  ESME_RINVSUBREP: 0x00000042,
  ESME_RINVESMCLASS: 0x00000043,
  ESME_RCNTSUBDL: 0x00000044,
  ESME_RSUBMITFAIL: 0x00000045,
  ESME_RINVSRCTON: 0x00000048,
  ESME_RINVSRCNPI: 0x00000049,
  ESME_RINVDSTTON: 0x00000050,
  ESME_RINVDSTNPI: 0x00000051,
  ESME_RINVSYSTYP: 0x00000053,
  ESME_RINVREPFLAG: 0x00000054,
  ESME_RINVNUMMSGS: 0x00000055,
  ESME_RTHROTTLED: 0x00000058,
  ESME_RINVSCHED: 0x00000061,
  ESME_RINVEXPIRY: 0x00000062,
  ESME_RINVDFTMSGID: 0x00000063,
  ESME_RX_T_APPN: 0x00000064,
  ESME_RX_P_APPN: 0x00000065,
  ESME_RX_R_APPN: 0x00000066,
  ESME_RQUERYFAIL: 0x00000067,
  ESME_RINVOPTPARSTREAM: 0x000000c0,
  ESME_ROPTPARNOTALLWD: 0x000000c1,
  ESME_RINVPARLEN: 0x000000c2,
  ESME_RMISSINGOPTPARAM: 0x000000c3,
  ESME_RINVOPTPARAMVAL: 0x000000c4,
  ESME_RDELIVERYFAILURE: 0x000000fe,
  ESME_RUNKNOWNERR: 0x000000ff,
} as const;
export type CommandStatusName = keyof typeof CommandStatus;

const statusNames = new Map<number, CommandStatusName>(
  (Object.entries(CommandStatus) as [CommandStatusName, number][]).map(([name, value]) => [value, name]),
);

/** The spec name of a command_status, or `undefined` for a vendor-specific code. */
export function commandStatusName(status: number): CommandStatusName | undefined {
  return statusNames.get(status);
}

/** `ESME_RTHROTTLED (0x00000058)`, or `0x00000401` for a code the spec does not name. */
export function describeCommandStatus(status: number): string {
  const hex = formatCommandStatus(status);
  const name = statusNames.get(status);
  return name ? `${name} (${hex})` : hex;
}

/** `0x00000058`: the form the control API uses as a map key. */
export function formatCommandStatus(status: number): string {
  return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([
  CommandStatus.ESME_RTHROTTLED,
  CommandStatus.ESME_RMSGQFUL,
  CommandStatus.ESME_RSYSERR,
  CommandStatus.ESME_RX_T_APPN,
]);

/**
 * Whether a submit that got this status may succeed if sent again later.
 * Gateways treat exactly these four as temporary (common gateway practice); every
 * other non-zero status is final for that message.
 */
export function isTemporaryStatus(status: number): boolean {
  return TEMPORARY_STATUSES.has(status);
}

/** message_state values (SMPP 3.4 section 5.2.28), carried in the message_state TLV. */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;
export type MessageStateName = keyof typeof MessageState;
export type MessageStateValue = (typeof MessageState)[MessageStateName];

/** The `stat:` word of a receipt text (SMPP 3.4 Appendix B). */
export type ReceiptStat = 'ENROUTE' | 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';
export const RECEIPT_STATS: readonly ReceiptStat[] = ['ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'];

const STAT_TO_STATE: Record<ReceiptStat, MessageStateValue> = {
  ENROUTE: MessageState.ENROUTE,
  DELIVRD: MessageState.DELIVERED,
  EXPIRED: MessageState.EXPIRED,
  DELETED: MessageState.DELETED,
  UNDELIV: MessageState.UNDELIVERABLE,
  ACCEPTD: MessageState.ACCEPTED,
  UNKNOWN: MessageState.UNKNOWN,
  REJECTD: MessageState.REJECTED,
};

/** The message_state TLV value that goes with a receipt `stat:` word. */
export function messageStateForStat(stat: ReceiptStat): MessageStateValue {
  return STAT_TO_STATE[stat];
}

/** The receipt `stat:` word for a message_state value, or undefined for a value outside 1..8. */
export function statForMessageState(state: number): ReceiptStat | undefined {
  for (const stat of RECEIPT_STATS) if (STAT_TO_STATE[stat] === state) return stat;
  return undefined;
}

/** Whether a receipt with this stat ends the message (everything but ENROUTE and ACCEPTD). */
export function isFinalStat(stat: ReceiptStat): boolean {
  return stat !== 'ENROUTE' && stat !== 'ACCEPTD';
}

/** TLV tags (SMPP 3.4 section 5.3.2) that denpa reads or writes. */
export const TlvTag = {
  receipted_message_id: 0x001e,
  user_message_reference: 0x0204,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  message_state: 0x0427,
} as const;

/** data_coding values (SMPP 3.4 section 5.2.19) that matter for Japan. */
export const DataCoding = {
  /** SMSC default alphabet; denpa and the simulator take it as GSM 03.38 (GSM-7). */
  SMSC_DEFAULT: 0x00,
  IA5: 0x01,
  OCTET_UNSPECIFIED_2: 0x02,
  LATIN1: 0x03,
  OCTET_UNSPECIFIED: 0x04,
  JIS: 0x05,
  UCS2: 0x08,
  ISO_2022_JP: 0x0a,
} as const;

/** esm_class bits (SMPP 3.4 section 5.2.12). */
export const EsmClass = {
  DEFAULT: 0x00,
  /** Message type: SMSC delivery receipt (bits 5..2 = 0001). */
  MC_DELIVERY_RECEIPT: 0x04,
  /** Message type: intermediate delivery notification (bits 5..2 = 1000). */
  INTERMEDIATE_DELIVERY_NOTIFICATION: 0x20,
  /** GSM feature: short_message begins with a User Data Header. */
  UDHI: 0x40,
  /** Mask over the message-type bits 5..2. */
  MESSAGE_TYPE_MASK: 0x3c,
} as const;

/** Whether a deliver_sm's esm_class marks it as a delivery receipt. */
export function isReceiptEsmClass(esmClass: number): boolean {
  return (esmClass & EsmClass.MESSAGE_TYPE_MASK) === EsmClass.MC_DELIVERY_RECEIPT;
}

/** registered_delivery (SMPP 3.4 section 5.2.17), bits 1..0. */
export const RegisteredDelivery = {
  NONE: 0x00,
  /** SMSC delivery receipt on success or failure. */
  FINAL: 0x01,
  FAILURE_ONLY: 0x02,
} as const;

/** interface_version (SMPP 3.4 section 5.2.4). Both are accepted (sharp edge 10). */
export const InterfaceVersion = {
  V33: 0x33,
  V34: 0x34,
  V50: 0x50,
} as const;

/** type_of_number (SMPP 3.4 section 5.2.5). */
export const Ton = { UNKNOWN: 0x00, INTERNATIONAL: 0x01, NATIONAL: 0x02, ALPHANUMERIC: 0x05 } as const;
/** numbering_plan_indicator (SMPP 3.4 section 5.2.6). */
export const Npi = { UNKNOWN: 0x00, ISDN: 0x01 } as const;

/** The most bytes short_message may carry; above it, use UDH segments or message_payload (sharp edge 3). */
export const SHORT_MESSAGE_MAX_BYTES = 254;

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';
