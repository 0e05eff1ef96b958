import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore, type SqliteStore } from '../../../../src/core/store/index.ts';
import { MIGRATIONS } from '../../../../src/core/store/sqlite/schema.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);

describe('SqliteStore: migrating an older database', () => {
  let dir: string | undefined;
  let store: SqliteStore | undefined;

  afterEach(async () => {
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a version-2 database: its pending callbacks keep their rows, with origin empty, and are still claimed', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-migrate-'));
    const db = new Database(path.join(dir, 'denpa.db'));
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }
    db.prepare(
      `INSERT INTO callbacks (id, message_id, tenant, url, status, body, state, attempts, created_at, due_at) VALUES ('m1.delivered', 'm1', 'default', 'http://a.test/x', 'delivered', '{}', 'pending', 0, ?, ?)`,
    ).run(T0, T0);
    db.close();
    store = openSqliteStore({ dataDir: dir });
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    const [job] = await store.claimDueCallbacks(T0, 10, 5_000, ['http://a.test']);
    expect(job).toMatchObject({ id: 'm1.delivered', origin: '', url: 'http://a.test/x' });
  });
});
