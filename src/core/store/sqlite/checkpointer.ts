// WAL checkpoints off the event loop. With automatic checkpoints the
// committing connection copies the WAL into the database file and fsyncs it,
// synchronously, every ~4 MB of WAL: a pause on the thread that answers HTTP
// and SMPP. Here a worker thread with its own connection runs PASSIVE
// checkpoints (they never block the writer) on a timer, and the main
// connection turns its automatic checkpoints off. When the WAL still grows
// past a limit (a writer that never pauses), a RESTART checkpoint brings it
// back: the writer then waits for at most the copy of the last few frames. If the worker cannot
// start, the caller keeps SQLite's automatic checkpoints.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain CommonJS run with eval: no TypeScript loader needed in the worker.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const fs = require('node:fs');
const run = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch (e) { parentPort.postMessage({ error: String(e && e.message) }); } };
const walSize = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  run('PASSIVE');
  // A busy writer can keep PASSIVE from ever reaching the end of the WAL, and the WAL only
  // starts over once it has. Past the limit, RESTART waits for the writer's current
  // transaction, copies the (small) rest and lets the next write start the WAL over.
  if (walSize() > workerData.restartBytes) run('RESTART');
}, workerData.intervalMs);
const depthQuery = db.prepare("SELECT carrier, priority, COUNT(*) AS n FROM messages WHERE state = 'accepted' GROUP BY carrier, priority");
parentPort.on('message', (m) => {
  if (m && m.kind === 'laneDepths') {
    let rows = [];
    try { rows = depthQuery.all(); } catch (e) { parentPort.postMessage({ kind: 'laneDepths', id: m.id, error: String(e && e.message) }); return; }
    parentPort.postMessage({ kind: 'laneDepths', id: m.id, rows });
    return;
  }
  if (m !== 'close') return;
  clearInterval(timer);
  run('PASSIVE');
  db.close();
  parentPort.postMessage('closed');
});
parentPort.postMessage('ready');
`;

export interface LaneDepthRow {
  readonly carrier: string;
  readonly priority: number;
  readonly n: number;
}

export class Checkpointer {
  private nextId = 1;
  private readonly waiting = new Map<number, (rows: LaneDepthRow[] | undefined) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: { kind?: string; id?: number; rows?: LaneDepthRow[] }) => {
      if (m?.kind !== 'laneDepths' || m.id === undefined) return;
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      done?.(m.rows);
    });
  }

  /**
   * Waiting messages per lane, counted on the worker's connection: with a
   * million-message backlog the count is an index scan of ~100 ms that
   * should not stall the event loop. Undefined when the worker failed.
   */
  laneDepths(): Promise<LaneDepthRow[] | undefined> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, 30_000);
      this.waiting.set(id, (rows) => {
        clearTimeout(timer);
        resolve(rows);
      });
      this.worker.postMessage({ kind: 'laneDepths', id });
    });
  }

  /** Starts the worker; resolves undefined when it cannot run (the caller then keeps auto-checkpoints). */
  static async start(file: string, intervalMs: number, restartBytes = 64 * 1024 * 1024): Promise<Checkpointer | undefined> {
    let worker: Worker;
    try {
      const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, modulePath, restartBytes } });
    } catch {
      return undefined;
    }
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      worker.once('message', (m) => {
        clearTimeout(timer);
        resolve(m === 'ready');
      });
      worker.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ok) {
      await worker.terminate();
      return undefined;
    }
    worker.on('error', () => {
      // A failed checkpoint worker must not take the process down; the WAL just grows until restart.
    });
    worker.unref();
    return new Checkpointer(worker);
  }

  /** A last passive checkpoint, then stop (bounded). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      this.worker.on('message', (m) => {
        if (m === 'closed') {
          clearTimeout(timer);
          resolve();
        }
      });
      this.worker.postMessage('close');
    });
    await this.worker.terminate();
  }
}
