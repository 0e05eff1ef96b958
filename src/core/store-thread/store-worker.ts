// The store's worker thread: owns the store (for SQLite, the connection
// and its group commit), and serves the Store methods to the core's threads (see
// worker-store.ts for why the store lives here): the parent (the HTTP API)
// over its own port, the delivery thread over a port it was given with
// `connect`. Each port's answers leave in batches, one message per turn of
// this thread's event loop; all ports' writes share one group commit.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openStore, type ClaimedMessage, type ServedStore } from '../store/index.ts';
import { isStoreMethod, ownBytes, serializeError, type FromWorker, type StoreAnswer, type StoreCall, type StoreWorkerData, type ToWorker } from './rpc.ts';

const parent = parentPort;
if (!parent) throw new Error('store-worker.ts runs as a worker thread (see worker-store.ts)');

type Port = Pick<MessagePort, 'postMessage'>;

/**
 * Answers for one port, sent together once the microtasks of the current
 * task have run: the callers a group commit resolves together (one
 * resolution each, queued at once) share one message, and it leaves before
 * the thread takes up its next task (the next group's commit and sync).
 */
class Answers {
  private batch: StoreAnswer[] = [];
  private scheduled = false;

  constructor(private readonly port: Port) {}

  push(a: StoreAnswer): void {
    this.batch.push(a);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const answers = this.batch;
    this.batch = [];
    this.port.postMessage({ kind: 'answers', answers } satisfies FromWorker);
  }
}

/** Claimed segments leave with buffers of their own (see ownBytes). */
function outgoing(method: string, value: unknown): unknown {
  if (method !== 'claimDue') return value;
  return (value as ClaimedMessage[]).map((m) => ({ ...m, parts: m.parts.map((p) => ({ ...p, bytes: ownBytes(p.bytes) })) }));
}

function serve(store: ServedStore, answers: Answers, [id, method, args]: StoreCall): void {
  if (!isStoreMethod(method)) {
    answers.push([id, 0, { name: 'TypeError', message: `not a store method: ${String(method)}` }]);
    return;
  }
  let result: Promise<unknown>;
  try {
    result = (store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
  } catch (err) {
    answers.push([id, 0, serializeError(err)]);
    return;
  }
  result.then(
    (value) => answers.push([id, 1, outgoing(method, value)]),
    (err: unknown) => answers.push([id, 0, serializeError(err)]),
  );
}

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { spec } = workerData as StoreWorkerData;
  let store: ServedStore;
  try {
    store = await openStore(spec);
  } catch (err) {
    port.postMessage({ kind: 'open_failed', error: serializeError(err) } satisfies FromWorker);
    port.close();
    return;
  }
  const parentAnswers = new Answers(port);
  const connected = new Set<MessagePort>();
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'calls') {
      for (const call of m.calls) serve(store, parentAnswers, call);
      return;
    }
    if (m.kind === 'connect') {
      const other = m.port;
      const answers = new Answers(other);
      connected.add(other);
      other.on('message', (c: ToWorker) => {
        // A connected port only calls; connect and close are the parent's.
        if (c.kind === 'calls') for (const call of c.calls) serve(store, answers, call);
      });
      other.on('close', () => connected.delete(other));
      return;
    }
    const closed = (error?: unknown): void => {
      // The last answers (writes flushed by close) go out before 'closed'.
      parentAnswers.flush();
      for (const other of connected) other.close();
      port.postMessage((error === undefined ? { kind: 'closed' } : { kind: 'closed', error: serializeError(error) }) satisfies FromWorker);
      port.close();
    };
    store.close().then(() => closed(), closed);
  });
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
}

await main(parent);
