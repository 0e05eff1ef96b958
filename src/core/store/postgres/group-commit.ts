// Group commit on PostgreSQL: writes from many concurrent callers run in one
// transaction on the store's one writer connection.
//
//   caller A ─┐                                  ┌─ resolve A
//   caller B ─┼─ queue ─▶ BEGIN; ops; COMMIT ─────┼─ resolve B
//   caller C ─┘  (while a group commits, the next  └─ resolve C
//                 one gathers; at most maxRows each)
//
// Durability: the writer connection runs with synchronous_commit = on, so
// COMMIT returns only after the server has flushed the transaction's WAL to
// disk; a caller is resolved after that (no 202 before the row is durable).
//
// As in the SQLite backend (sqlite/group-commit.ts), a group first runs
// without savepoints; when an op throws, the transaction is rolled back and
// the group run again with each op in its own SAVEPOINT, so one failing op
// (a duplicate id) is rejected alone. Ops touch nothing but the database, so
// running one again after a rollback is the same as running it once.
//
// Other core nodes write to the same tables: a deadlock between two nodes'
// transactions (40P01) aborts one of them; that group is run again, a
// bounded number of times.
import type pg from 'pg';
import { StoreClosedError } from '../errors.ts';

export type PgOp<T> = (client: pg.ClientBase) => Promise<T>;

interface PendingOp {
  run: PgOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  weight: number;
}

type Outcome = { op: PendingOp; ok: boolean; value: unknown };

/** Deadlock detected, serialization failure: the transaction can be run again as it was. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_GROUP_RUNS = 5;

export const isRetryable = (err: unknown): boolean => RETRYABLE.has((err as { code?: string }).code ?? '');

export class PgGroupCommit {
  private queue: PendingOp[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  /** Groups committed (tests and benchmarks read it). */
  flushes = 0;

  constructor(
    private readonly client: pg.ClientBase,
    private readonly maxRows: number,
  ) {}

  /** Run `op` in the next group transaction; resolves after that transaction's COMMIT returned. */
  submit<T>(op: PgOp<T>, weight = 1): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: op as PgOp<unknown>, resolve: resolve as (v: unknown) => void, reject, weight });
      // One group at a time on the one connection: while it commits, the next one gathers.
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let weight = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || weight + (this.queue[n]?.weight ?? 0) <= this.maxRows)) weight += this.queue[n++]?.weight ?? 0;
        const batch = this.queue.splice(0, n);
        await this.runBatch(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async runBatch(batch: readonly PendingOp[]): Promise<void> {
    let savepoints = false;
    for (let run = 1; ; run++) {
      let results: Outcome[] | 'retry';
      try {
        results = await this.runGroup(batch, savepoints);
      } catch (err) {
        if (isRetryable(err) && run < MAX_GROUP_RUNS) continue;
        for (const op of batch) op.reject(err);
        return;
      }
      if (results === 'retry') {
        if (savepoints) {
          for (const op of batch) op.reject(new Error('group commit: an op failed without its savepoint'));
          return;
        }
        savepoints = true;
        continue;
      }
      this.flushes++;
      for (const r of results) (r.ok ? r.op.resolve : r.op.reject)(r.value);
      return;
    }
  }

  /** One transaction over the batch; throws when BEGIN or COMMIT fails (rolled back). */
  private async runGroup(batch: readonly PendingOp[], savepoints: boolean): Promise<Outcome[] | 'retry'> {
    const c = this.client;
    const results: Outcome[] = [];
    await c.query('BEGIN');
    try {
      for (const op of batch) {
        if (!savepoints) {
          try {
            results.push({ op, ok: true, value: await op.run(c) });
          } catch (err) {
            await this.rollback();
            // A deadlock aborts the whole transaction: run the group again as it was.
            if (isRetryable(err)) throw err;
            return 'retry';
          }
          continue;
        }
        await c.query('SAVEPOINT op');
        try {
          const value = await op.run(c);
          await c.query('RELEASE SAVEPOINT op');
          results.push({ op, ok: true, value });
        } catch (err) {
          await c.query('ROLLBACK TO SAVEPOINT op');
          await c.query('RELEASE SAVEPOINT op');
          if (isRetryable(err)) throw err;
          results.push({ op, ok: false, value: err });
        }
      }
      await c.query('COMMIT');
    } catch (err) {
      await this.rollback();
      throw err;
    }
    return results;
  }

  private async rollback(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  /** Resolves when nothing is queued or committing. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }
}
