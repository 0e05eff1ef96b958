// GroupCommit over a real WAL file: writes a client waits for are synced
// before they resolve, a group of claims alone is not synced (the next
// durable group's sync covers it), and a failing op is undone alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../../src/core/store/sqlite/group-commit.ts';

let db: Database.Database | undefined;
let dir: string | undefined;

afterEach(() => {
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  db = dir = undefined;
});

function setUp(): { writer: GroupCommit; insert: (name: string) => () => unknown; names: () => string[] } {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-gc-'));
  const file = path.join(dir, 'x.db');
  db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
  const writer = new GroupCommit(db, { maxRows: 1000, intervalMs: 0, walPath: `${file}-wal` });
  const stmt = db.prepare('INSERT INTO t (name) VALUES (?)');
  const list = db.prepare('SELECT name FROM t ORDER BY rowid');
  return { writer, insert: (name) => () => stmt.run(name), names: () => (list.all() as { name: string }[]).map((r) => r.name) };
}

describe('GroupCommit', () => {
  it('syncs a group with a durable write before resolving it, and one sync covers the whole group', async () => {
    const { writer, insert, names } = setUp();
    await Promise.all([writer.submit(insert('a')), writer.submit(insert('b')), writer.submit(insert('c'), 1, false)]);
    expect(writer.flushes).toBe(1);
    expect(writer.syncs).toBe(1);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('commits a group of claims alone without a sync; the next durable group\'s sync covers it', async () => {
    const { writer, insert, names } = setUp();
    await Promise.all([writer.submit(insert('claim1'), 1, false), writer.submit(insert('claim2'), 1, false)]);
    expect(writer.flushes).toBe(1);
    expect(writer.syncs).toBe(0);
    await writer.idle();
    expect(writer.syncs).toBe(0);
    await writer.submit(insert('accept'));
    expect(writer.syncs).toBe(1);
    expect(names()).toEqual(['claim1', 'claim2', 'accept']);
  });

  it('rejects a failing op alone and commits the rest of its group', async () => {
    const { writer, insert, names } = setUp();
    const results = await Promise.allSettled([writer.submit(insert('a')), writer.submit(insert('a')), writer.submit(insert('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(names()).toEqual(['a', 'b']);
  });
});
