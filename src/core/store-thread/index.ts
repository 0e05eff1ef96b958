// The store-thread room's door: any Store, run on a thread of its own
// (worker-store.ts, store-worker.ts) and called from other threads
// (remote-store.ts) over a small message protocol (rpc.ts).
export { WorkerStore, openWorkerStore } from './worker-store.ts';
export { RemoteStore } from './remote-store.ts';
export { serializeError, deserializeError, type SerializedError } from './rpc.ts';
