// The store room's door: the Store interface and its types, the SQLite
// implementation, message ids and the callback body.
export * from './types.ts';
export { createMessageId, isMessageId, messageIdTime } from './message-id.ts';
export { callbackBody, callbackEventId, type CallbackSubject } from './callback-body.ts';
export { StoreError, StoreClosedError, DuplicateMessageIdError, StoreVersionError, StoreOpenError, InvalidMessageError, DataDirLockedError } from './errors.ts';
export { lockDataDir, LOCK_FILE, type DataDirLock } from './data-dir-lock.ts';
export { combineSegments, isSegmentFinal } from './segment-outcome.ts';
export { SqliteStore, openSqliteStore, DATABASE_FILE, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { WorkerStore, openWorkerStore } from './sqlite/worker-store.ts';
export { RemoteStore } from './sqlite/remote-store.ts';
export { SCHEMA_VERSION } from './sqlite/schema.ts';
