// The operators' database: a SQLite file of its own in the data directory
// (operators.db), beside the message store. Operator traffic is a few
// requests a minute, so it runs on the main thread with synchronous
// statements; and it is a separate file so that `denpa operator add` and
// `denpa audit ...` can use it while a core holds the store's lock (WAL
// mode lets both write; each write is one short IMMEDIATE transaction).
//
// It holds operator accounts and sessions, the tenant keys issued through
// the admin API (hashes only), four-eyes change requests and the audit
// trail (audit/), so that an action on this database and its audit record
// commit together; and the standing state approved requests leave behind
// (carrier pauses, route overrides), so that it outlives a restart; and
// the tenants created over the admin API.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const OPS_DB_FILE = 'operators.db';

const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE operators (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  working_hours TEXT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  operator TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX sessions_operator ON sessions (operator);
CREATE TABLE tenant_keys (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX tenant_keys_tenant ON tenant_keys (tenant);
CREATE TABLE change_requests (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  filed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_by TEXT,
  decided_at INTEGER,
  done_at INTEGER,
  outcome TEXT
);
CREATE INDEX change_requests_open ON change_requests (state) WHERE state IN ('pending', 'approved');
-- Carriers paused by an approved request: no new claims until resumed, also after a restart.
CREATE TABLE carrier_pauses (
  carrier TEXT PRIMARY KEY,
  paused_at INTEGER NOT NULL,
  request_id TEXT NOT NULL
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  record TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- Where the chain starts after older records were rotated out: the seq and
-- hash of the last record moved to an archive (one row at most).
CREATE TABLE audit_anchor (
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  rotated_at INTEGER NOT NULL,
  archive TEXT NOT NULL
);
`,
  },
  {
    // Standing route overrides set by approved route.change requests, handed
    // to the delivery thread as one list at start and after each change.
    // category '' stands for every category of the carrier's traffic (a
    // primary key cannot hold NULL in SQLite's sense of unique).
    version: 2,
    sql: `
CREATE TABLE route_overrides (
  carrier TEXT NOT NULL,
  category TEXT NOT NULL,
  mode TEXT NOT NULL,
  set_at INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  PRIMARY KEY (carrier, category)
);
`,
  },
  {
    // Tenants created over the admin API (config tenants stay in the config
    // file). settings is the tenant's JSON in the config's own words
    // (callbackUrl, inboundUrl, sendWindows, inboundNumbers, rateLimit); the
    // callback secret is kept in clear because the core signs with it.
    version: 3,
    sql: `
CREATE TABLE tenants (
  name TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  callback_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  disabled_at INTEGER
);
`,
  },
];

export type OpsDb = Database.Database;

/** Open (creating if needed) the operators' database in `dataDir`; ':memory:' for tests. */
export function openOpsDb(dataDir: string): OpsDb {
  let db: Database.Database;
  if (dataDir === ':memory:') db = new Database(':memory:');
  else {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(path.join(dataDir, OPS_DB_FILE), { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (current > latest) {
    db.close();
    throw new Error(`${OPS_DB_FILE} has schema version ${current}, newer than this build's ${latest}`);
  }
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }
  }).immediate();
  return db;
}

/** Run `fn` in one IMMEDIATE transaction: writers from other processes wait their turn. */
export function inTransaction<T>(db: OpsDb, fn: () => T): T {
  return db.transaction(fn).immediate();
}
