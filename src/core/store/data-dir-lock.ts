// One core per data directory. Two cores on one directory would each
// recover the other's in-flight messages and send them again, so the core
// takes this lock before the store is opened and holds it for its life.
//
// The lock is SQLite's own: a small database beside the store, opened in
// exclusive locking mode and written once, so its connection keeps the
// EXCLUSIVE lock until it closes. SQLite's locks are POSIX advisory locks,
// which the kernel drops when the process dies (kill -9 included): there is
// no stale lock file to clean up and no pid to trust, unlike a lock file
// made with O_EXCL or mkdir.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataDirLockedError, StoreOpenError } from './errors.ts';

export const LOCK_FILE = 'core.lock';

export interface DataDirLock {
  /** Let go (idempotent); the next core may take the directory. */
  release(): void;
}

/** Take the data directory or throw DataDirLockedError at once (no waiting). */
export function lockDataDir(dataDir: string, holder: { pid: number; startedAt: number } = { pid: process.pid, startedAt: Date.now() }): DataDirLock {
  if (dataDir === ':memory:') return { release() {} };
  const file = path.join(dataDir, LOCK_FILE);
  let db: Database.Database;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw new StoreOpenError(file, (err as Error).message);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the EXCLUSIVE lock; exclusive locking mode keeps it after COMMIT.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, started_at INTEGER NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, started_at) VALUES (?, ?)').run(holder.pid, holder.startedAt);
    db.exec('COMMIT');
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new DataDirLockedError(dataDir);
    throw new StoreOpenError(file, (err as Error).message);
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.close();
    },
  };
}
