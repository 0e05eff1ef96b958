// The store room's door: the Store interface and its types, the SQLite
// implementation and how a store is opened, message ids and the callback
// body. Running a store on a thread of its own is store-thread/'s job.
export * from './types.ts';
export { createMessageId, isMessageId, messageIdTime } from './message-id.ts';
export { callbackBody, callbackEventId, callbackOrigin, inboundBody, inboundEventId, inboundFields, type CallbackSubject } from './callback-body.ts';
export { StoreError, StoreClosedError, DuplicateMessageIdError, StoreVersionError, StoreOpenError, InvalidMessageError, DataDirLockedError } from './errors.ts';
export { lockDataDir, LOCK_FILE, type DataDirLock } from './data-dir-lock.ts';
export { DEFAULT_LEASE_MS, defaultNodeId, nodeIdentity } from './node.ts';
export { combineSegments, isSegmentFinal } from './segment-outcome.ts';
export { SqliteStore, openSqliteStore, DATABASE_FILE, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { PostgresStore, openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.ts';
export { openStore, type StoreSpec, type ServedStore } from './open.ts';
export { SCHEMA_VERSION } from './sqlite/schema.ts';
