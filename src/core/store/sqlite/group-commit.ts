// Group commit: writes from many concurrent callers run in one transaction.
//
//   caller A ─┐                         ┌─ resolve A
//   caller B ─┼─ queue ─▶ BEGIN; ops; COMMIT ─▶ fdatasync(WAL) ─┼─ resolve B
//   caller C ─┘   (flushed on the next macrotask,           └─ resolve C
//                  or at once when maxOps are waiting;
//                  while a sync runs: when it ends)
//
// One failing op (a duplicate id) is rolled back and rejected alone while the
// others commit. Ops fail rarely, so a group first runs without savepoints
// (two statements fewer per op); only when an op throws is the transaction
// rolled back and the group run again with each op in its own SAVEPOINT.
// Ops are synchronous statements with no effect outside the database, so
// running one twice after a rollback is the same as running it once.
//
// Durability: the connection runs with synchronous=NORMAL, under which a WAL
// commit is safe against a process crash (the frames are in the OS page
// cache) but not against power loss. The promise resolves only after an
// fdatasync of the WAL file, which makes the commit durable against power
// loss too, as synchronous=FULL would. Concurrent commits share one sync: a
// waiter is released by the first sync that started after its commit, and
// durable writes that arrive during a sync are committed together after it.
//
// The sync runs inline, on the thread that owns the connection (in the core,
// the store thread). On libuv's pool it cost a thread wake, a completion and
// a wake back per commit (about 780 commits a second at 3,000 messages/s):
// 7 % of the core's CPU, measured (docs/core-delivery.md). Meanwhile the
// thread has nothing that cannot wait one sync (~0.1-1 ms here): durable
// writes wait for it anyway, and a claim or a read waits at most one.
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreClosedError } from '../errors.ts';

interface PendingOp {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  weight: number;
  /** Resolve only after the fsync (else right after COMMIT: crash-safe, power-loss-safe at the next fsync). */
  durable: boolean;
}

export interface GroupCommitOptions {
  /** Flush as soon as this many rows (op weights) wait. */
  readonly maxRows: number;
  /** Delay before committing the first queued write (0 = next macrotask). */
  readonly intervalMs: number;
  /** Path of the WAL file to fsync after each commit; undefined skips the fsync (in-memory db). */
  readonly walPath?: string;
}

export class GroupCommit {
  private queue: PendingOp[] = [];
  private queuedWeight = 0;
  private scheduled = false;
  private closed = false;
  private walFd: number | undefined;
  private syncing = false;
  private syncWaiters: Array<(err?: Error) => void> = [];
  private inFlightSyncs = 0;
  private idleWaiters: Array<() => void> = [];
  /** Groups committed, and WAL syncs done (tests and benchmarks read them). */
  flushes = 0;
  syncs = 0;
  private readonly savepoint: { begin: Database.Statement; release: Database.Statement; rollback: Database.Statement };
  private readonly tx: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement };

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions,
  ) {
    this.savepoint = {
      begin: db.prepare('SAVEPOINT op'),
      release: db.prepare('RELEASE op'),
      rollback: db.prepare('ROLLBACK TO op'),
    };
    this.tx = { begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') };
  }

  /**
   * Run `op` inside the next group transaction. Resolves after the fsync when
   * `durable` (what a client is told is stored), else right after COMMIT:
   * already safe against a process crash, and against power loss from the
   * next fsync on (milliseconds later), which is enough for dispatch
   * bookkeeping and keeps claims from waiting on the disk.
   */
  submit<T>(op: () => T, weight = 1, durable = true): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: op, resolve: resolve as (v: unknown) => void, reject, weight, durable });
      this.queuedWeight += weight;
      if (this.queuedWeight >= this.options.maxRows) this.flush();
      else if (this.syncing && durable) {
        // An fsync is running: commit when it ends (see startSync). A durable
        // write committed now would wait for that fsync and then the next
        // one anyway; committing after it costs the same latency and puts
        // everything that arrived meanwhile into one transaction (fewer
        // commits, fewer WAL pages written again and again). Non-durable
        // writes (claims) resolve at COMMIT, so they are not held back.
      } else this.schedule(this.options.intervalMs);
    });
  }

  /** Flush after `delayMs` (0: in the next turn); one pending flush at a time. */
  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.flush();
    };
    // A real timer, not the injected clock: this batches I/O, it decides nothing.
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  /** Run everything queued now (synchronously), then fsync. */
  flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedWeight = 0;
    let results = this.runGroup(batch, false);
    if (results === 'retry') results = this.runGroup(batch, true);
    if (results === 'retry' || results instanceof Error) {
      for (const op of batch) op.reject(results === 'retry' ? new Error('group commit: an op failed without its savepoint') : results);
      return;
    }
    this.flushes++;
    for (const r of results) {
      if (r.op.durable) continue;
      if (r.ok) r.op.resolve(r.value);
      else r.op.reject(r.value);
    }
    // A group of claims only has no sync of its own: nobody waits for one, and the next durable group's sync covers it.
    if (!batch.some((op) => op.durable)) return;
    this.inFlightSyncs++;
    this.afterSync((syncError) => {
      this.inFlightSyncs--;
      for (const r of results) {
        if (!r.op.durable) continue;
        // A failed fsync means the commit may not survive power loss: say so.
        if (syncError) r.op.reject(syncError);
        else if (r.ok) r.op.resolve(r.value);
        else r.op.reject(r.value);
      }
      if (this.inFlightSyncs === 0 && this.queue.length === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }

  /**
   * One transaction over the batch. Without savepoints, the first op that
   * throws rolls everything back and asks for the run with savepoints.
   */
  private runGroup(batch: readonly PendingOp[], savepoints: boolean): Array<{ op: PendingOp; ok: boolean; value: unknown }> | 'retry' | Error {
    const results: Array<{ op: PendingOp; ok: boolean; value: unknown }> = [];
    try {
      this.tx.begin.run();
    } catch (err) {
      return err as Error;
    }
    for (const op of batch) {
      if (!savepoints) {
        try {
          results.push({ op, ok: true, value: op.run() });
          continue;
        } catch {
          this.rollback();
          return 'retry';
        }
      }
      this.savepoint.begin.run();
      try {
        const value = op.run();
        this.savepoint.release.run();
        results.push({ op, ok: true, value });
      } catch (err) {
        this.savepoint.rollback.run();
        this.savepoint.release.run();
        results.push({ op, ok: false, value: err });
      }
    }
    try {
      this.tx.commit.run();
    } catch (err) {
      this.rollback();
      return err as Error;
    }
    return results;
  }

  private rollback(): void {
    try {
      this.tx.rollback.run();
    } catch {
      // already rolled back by SQLite
    }
  }

  private afterSync(done: (err?: Error) => void): void {
    if (this.options.walPath === undefined) {
      queueMicrotask(done);
      return;
    }
    this.syncWaiters.push(done);
    if (!this.syncing) this.startSync();
  }

  private startSync(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    this.syncing = true;
    const finish = (err?: Error | null): void => {
      this.syncing = false;
      for (const w of waiters) w(err ?? undefined);
      // Writes queued while the sync ran (submit defers them) get the next group, in the next turn: the
      // answers to the writes just synced leave first (their callers resolve in this turn's microtasks),
      // rather than after the next group's commit and sync.
      if (!this.closed && this.queue.length > 0) this.schedule(0);
      if (this.syncWaiters.length > 0 && !this.syncing) this.startSync();
    };
    const fd = this.walFd ?? this.openWal();
    if (fd === undefined) {
      finish();
      return;
    }
    // Inline, not on libuv's pool: see the header. fdatasync, as SQLite's own WAL syncs on Linux.
    this.syncs++;
    let error: Error | undefined;
    try {
      fs.fdatasyncSync(fd);
    } catch (err) {
      error = err as Error;
    }
    // The rest in the next turn: calls that arrived during the sync are read first and join the next group.
    setImmediate(() => finish(error));
  }

  private openWal(): number | undefined {
    if (this.options.walPath === undefined) return undefined;
    try {
      this.walFd = fs.openSync(this.options.walPath, 'r');
    } catch {
      // No WAL file yet means nothing was written to it.
      return undefined;
    }
    return this.walFd;
  }

  /** Resolves when nothing is queued and every durable commit has been synced (claims alone are committed without a sync). */
  idle(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    if (this.inFlightSyncs === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    if (this.walFd !== undefined) {
      fs.closeSync(this.walFd);
      this.walFd = undefined;
    }
  }
}
