// The door to src/smpp: what the delivery core and the simulator share about
// SMPP. Import from here only. See docs/smpp.md for usage.

export * from './constants.ts';
export * from './errors.ts';
export {
  formatReceiptText,
  parseReceiptText,
  formatReceiptDate,
  parseReceiptDate,
  type ReceiptFields,
  type ReceiptTextFormat,
  type ParsedReceiptText,
  type ReceiptTextResult,
} from './receipt-text.ts';
export { buildReceipt, readReceipt, type Receipt, type ReceiptSpec, type ReadReceiptResult } from './receipt.ts';
export {
  normalizeMessageId,
  messageIdKey,
  messageIdCandidates,
  messageIdsMayMatch,
  formatMessageId,
  type MessageIdRadix,
  type MessageIdFormat,
} from './message-id.ts';
export {
  Iei,
  encodeConcatUdh,
  decodeUdh,
  hasUdhi,
  sarFields,
  concatFromSar,
  type ConcatInfo,
  type InformationElement,
  type Udh,
  type UdhResult,
  type SarFields,
} from './udh.ts';
export {
  decodeShortMessage,
  readShortMessage,
  encodeText,
  encodeGsm7,
  decodeGsm7,
  encodeUcs2,
  decodeUcs2,
  gsm7Length,
  isGsm7,
  checkShortMessageLength,
  type ShortMessage,
  type DecodedText,
} from './short-message.ts';
export { PduFramer } from './framer.ts';
export {
  decodePdu,
  encodePdu,
  encodeGenericNack,
  type Pdu,
  type MessageFields,
  type SubmitSmFields,
  type DeliverSmFields,
  type BindFields,
  type ReceivedMessageFields,
} from './pdu.ts';
export { toReceivedMessage, type ReceivedMessage } from './received.ts';
export { RequestWindow } from './window.ts';
export { responseCommandOf } from './pending-requests.ts';
export {
  SmppSession,
  DEFAULT_SESSION_OPTIONS,
  type SessionOptions,
  type SessionState,
  type SessionStats,
  type SessionEvents,
  type BindInfo,
} from './session.ts';
export { SmppClient, type SmppClientOptions, type SubmitResult, type DeliverHandler, type DeliverAnswer } from './client.ts';
export {
  SmppServer,
  SmppServerSession,
  type SmppServerOptions,
  type BindRequest,
  type BindAnswer,
  type SubmitAnswer,
  type BindHandler,
  type SubmitHandler,
  type DeliverRetryPolicy,
  type DeliverOptions,
  type DeliverResult,
} from './server.ts';
export { formatRelativeTime, formatAbsoluteTime, parseSmppTime, resolveSmppTime, type SmppTime } from './smpp-time.ts';
export { ClientOptionsSchema, ServerOptionsSchema } from './options.ts';
