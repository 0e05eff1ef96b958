// The PostgreSQL schema: the same versions as the SQLite backend's
// (sqlite/schema.ts), in PostgreSQL's SQL: times in ms since the epoch are
// BIGINT, encoded parts BYTEA, and the two history tables that SQLite reads
// in rowid order get a BIGSERIAL `ord` column for the same order. A new
// version is added to both files with the same number.
//
// Several core nodes may open one database at once: migrations run in one
// transaction under an advisory lock, so exactly one node applies them and
// the others see the result.
import type pg from 'pg';
import { StoreVersionError } from '../errors.ts';
import type { Migration } from '../sqlite/schema.ts';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  to_number TEXT NOT NULL,
  body TEXT NOT NULL,
  category TEXT NOT NULL,
  priority INTEGER NOT NULL,
  sender TEXT,
  callback_url TEXT,
  client_ref TEXT,
  encoding TEXT NOT NULL,
  segments INTEGER NOT NULL,
  characters INTEGER NOT NULL,
  carrier TEXT NOT NULL,
  state TEXT NOT NULL,
  accepted_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  scheduled_at BIGINT,
  notify_submitted INTEGER NOT NULL,
  due_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  queued_at BIGINT,
  submitted_at BIGINT,
  final_at BIGINT,
  error_code TEXT,
  error_description TEXT
);
CREATE INDEX messages_lane ON messages (carrier, priority, due_at) WHERE state = 'accepted';
CREATE INDEX messages_expiry ON messages (expires_at) WHERE state = 'accepted';
CREATE INDEX messages_receipt_due ON messages (due_at) WHERE state = 'submitted';
CREATE INDEX messages_tenant ON messages (tenant, id);
CREATE INDEX messages_client_ref ON messages (tenant, client_ref) WHERE client_ref IS NOT NULL;
CREATE INDEX messages_to ON messages (tenant, to_number);

CREATE TABLE segments (
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  carrier TEXT NOT NULL,
  short_message BYTEA NOT NULL,
  data_coding INTEGER NOT NULL,
  esm_class INTEGER NOT NULL,
  state TEXT NOT NULL,
  smsc_id TEXT,
  smsc_alt_id TEXT,
  submitted_at BIGINT,
  done_at BIGINT,
  error_code TEXT,
  error_description TEXT,
  PRIMARY KEY (message_id, seq)
);
CREATE INDEX segments_smsc ON segments (carrier, smsc_id) WHERE smsc_id IS NOT NULL;
CREATE INDEX segments_smsc_alt ON segments (carrier, smsc_alt_id) WHERE smsc_alt_id IS NOT NULL;

CREATE TABLE transitions (
  ord BIGSERIAL,
  message_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  state TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX transitions_message ON transitions (message_id);

CREATE TABLE idempotency (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, key)
);

CREATE TABLE callbacks (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  url TEXT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  done_at BIGINT,
  last_error TEXT
);
CREATE INDEX callbacks_due ON callbacks (due_at) WHERE state = 'pending';
`,
  },
  {
    version: 2,
    sql: `
CREATE TABLE opt_outs (
  tenant TEXT NOT NULL,
  number TEXT NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (tenant, number)
);
`,
  },
  {
    version: 3,
    sql: `
ALTER TABLE messages ADD COLUMN route_source TEXT;
ALTER TABLE messages ADD COLUMN reroute_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE reroutes (
  ord BIGSERIAL,
  message_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  from_carrier TEXT NOT NULL,
  to_carrier TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX reroutes_message ON reroutes (message_id);
`,
  },
  {
    version: 4,
    sql: `
ALTER TABLE callbacks ADD COLUMN origin TEXT NOT NULL DEFAULT '';
DROP INDEX callbacks_due;
CREATE INDEX callbacks_due ON callbacks (due_at, origin) WHERE state = 'pending';
CREATE INDEX callbacks_origin ON callbacks (origin, due_at) WHERE state = 'pending';
`,
  },
  {
    version: 5,
    sql: `
CREATE TABLE inbound_messages (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  carrier TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_address TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  opt_out_keyword TEXT,
  forwarded INTEGER NOT NULL
);
CREATE INDEX inbound_messages_tenant ON inbound_messages (tenant, id);
`,
  },
  {
    // Operator retries of a failed or expired message: each one starts a new
    // generation of the message's callbacks, whose event ids carry the count
    // (callbackEventId), so a retry that fails again still tells its sender.
    version: 6,
    sql: `
ALTER TABLE messages ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    // Several nodes on one database (see sqlite/schema.ts, version 7).
    version: 7,
    sql: `
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE messages ADD COLUMN lease_until BIGINT;
CREATE INDEX messages_in_flight ON messages (claimed_by) WHERE state = 'queued';
CREATE INDEX messages_lease ON messages (lease_until) WHERE state = 'queued';
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL
);
`,
  },
  {
    // The fallback route (see the SQLite schema, version 8).
    version: 8,
    sql: `
ALTER TABLE messages ADD COLUMN route TEXT;
`,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;

/** Any fixed number: the key of the advisory lock the nodes migrate under. */
const MIGRATION_LOCK = 7_336_120;

/** Bring the database to PG_SCHEMA_VERSION; refuse a database from a newer build. */
export async function migratePg(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
    const current = rows[0]?.v ?? 0;
    if (current > PG_SCHEMA_VERSION) throw new StoreVersionError(current, PG_SCHEMA_VERSION);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return PG_SCHEMA_VERSION;
}
