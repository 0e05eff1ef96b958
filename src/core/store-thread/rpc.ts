// The messages between the core's event loop and the store's worker thread
// (see worker-store.ts). Pure: shapes, the method list, and how errors and
// byte arrays cross the thread boundary.
import type { MessagePort } from 'node:worker_threads';
import { StoreError, type Store, type StoreSpec } from '../store/index.ts';

/** The Store methods served by the worker, plus flushed(). close() has its own message. */
export const STORE_METHODS = [
  'insertMessages',
  'findIdempotency',
  'getMessage',
  'listMessages',
  'cancelMessage',
  'retryMessage',
  'replayCallbacks',
  'addOptOuts',
  'removeOptOuts',
  'optedOut',
  'listOptOuts',
  'recordInbound',
  'tenantOfReply',
  'listInbound',
  'queueOperatorAlert',
  'claimDueCallbacks',
  'settleCallbacks',
  'pendingCallbackCount',
  'claimDue',
  'applyDispatch',
  'expireDue',
  'timeoutReceipts',
  'recoverInFlight',
  'heartbeat',
  'laneDepths',
  'nextDueAt',
  'flushed',
] as const satisfies ReadonlyArray<Exclude<keyof Store, 'close'> | 'flushed'>;

export type StoreMethod = (typeof STORE_METHODS)[number];

export function isStoreMethod(name: unknown): name is StoreMethod {
  return typeof name === 'string' && (STORE_METHODS as readonly string[]).includes(name);
}

/** One call: [call id, method, arguments]. */
export type StoreCall = readonly [id: number, method: StoreMethod, args: readonly unknown[]];

/** One answer: [call id, 1, value] or [call id, 0, serialized error]. */
export type StoreAnswer = readonly [id: number, ok: 1, value: unknown] | readonly [id: number, ok: 0, error: SerializedError];

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/**
 * To the store thread. `connect` hands it one end of a MessageChannel whose
 * other end serves another thread (the delivery thread) with calls and
 * answers of its own; only the parent port may send `close`.
 */
export type ToWorker =
  | { readonly kind: 'calls'; readonly calls: readonly StoreCall[] }
  | { readonly kind: 'connect'; readonly port: MessagePort }
  | { readonly kind: 'close' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'open_failed'; readonly error: SerializedError }
  | { readonly kind: 'answers'; readonly answers: readonly StoreAnswer[] }
  | { readonly kind: 'closed'; readonly error?: SerializedError };

export interface StoreWorkerData {
  readonly spec: StoreSpec;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * The error as the caller sees it. Store errors keep their stable code (the
 * API and the CLI decide by code, not by class); others keep name and code.
 */
export function deserializeError(e: SerializedError): Error {
  if (e.code?.startsWith('STORE_ERR_')) {
    const err = new StoreError(e.code, e.message);
    err.name = e.name;
    return err;
  }
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

/**
 * A copy of `bytes` that owns exactly its octets. Structured clone copies a
 * typed array's whole underlying buffer, and a small Buffer is a view into
 * Node's shared 8 KiB pool: sent as is, every 140-octet segment would cross
 * the thread boundary as 8 KiB.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
