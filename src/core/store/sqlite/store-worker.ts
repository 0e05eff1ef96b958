// The store's worker thread: owns the SQLite connection and its group
// commit, and serves the Store methods to the core's event loop (see
// worker-store.ts for why the store lives here). Answers leave in batches,
// one message per turn of this thread's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { ClaimedMessage } from '../types.ts';
import { openSqliteStore, type SqliteStore } from './sqlite-store.ts';
import { isStoreMethod, ownBytes, serializeError, type FromWorker, type StoreAnswer, type StoreCall, type StoreWorkerData, type ToWorker } from './store-rpc.ts';

const port = parentPort;
if (!port) throw new Error('store-worker.ts runs as a worker thread (see worker-store.ts)');

const post = (m: FromWorker): void => port.postMessage(m);

let answers: StoreAnswer[] = [];
let answerScheduled = false;

function answer(a: StoreAnswer): void {
  answers.push(a);
  if (answerScheduled) return;
  answerScheduled = true;
  setImmediate(() => {
    answerScheduled = false;
    const batch = answers;
    answers = [];
    post({ kind: 'answers', answers: batch });
  });
}

/** Claimed segments leave with buffers of their own (see ownBytes). */
function outgoing(method: string, value: unknown): unknown {
  if (method !== 'claimDue') return value;
  return (value as ClaimedMessage[]).map((m) => ({ ...m, parts: m.parts.map((p) => ({ ...p, bytes: ownBytes(p.bytes) })) }));
}

function serve(store: SqliteStore, [id, method, args]: StoreCall): void {
  if (!isStoreMethod(method)) {
    answer([id, 0, { name: 'TypeError', message: `not a store method: ${String(method)}` }]);
    return;
  }
  let result: Promise<unknown>;
  try {
    result = (store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch (err) {
    answer([id, 0, serializeError(err)]);
    return;
  }
  result.then(
    (value) => answer([id, 1, outgoing(method, value)]),
    (err: unknown) => answer([id, 0, serializeError(err)]),
  );
}

async function main(): Promise<void> {
  const { options } = workerData as StoreWorkerData;
  let store: SqliteStore;
  try {
    store = openSqliteStore(options);
  } catch (err) {
    post({ kind: 'open_failed', error: serializeError(err) });
    port?.close();
    return;
  }
  await store.checkpointerStarting;
  port?.on('message', (m: ToWorker) => {
    if (m.kind === 'calls') {
      for (const call of m.calls) serve(store, call);
      return;
    }
    const closed = (error?: unknown): void => {
      // The last answers (writes flushed by close) go out before 'closed'.
      if (answers.length > 0) post({ kind: 'answers', answers: answers.splice(0) });
      post(error === undefined ? { kind: 'closed' } : { kind: 'closed', error: serializeError(error) });
      port.close();
    };
    store.close().then(() => closed(), closed);
  });
  post({ kind: 'ready' });
}

await main();
