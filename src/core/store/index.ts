// The store room's door: the Store interface and its types, the SQLite
// implementation, message ids and the callback body.
export * from './types.ts';
export { createMessageId, isMessageId, messageIdTime } from './message-id.ts';
export { callbackBody, callbackEventId, type CallbackSubject } from './callback-body.ts';
export { StoreError, StoreClosedError, DuplicateMessageIdError, StoreVersionError, StoreOpenError, InvalidMessageError } from './errors.ts';
