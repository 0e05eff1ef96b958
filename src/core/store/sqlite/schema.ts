// Versioned migrations, applied in order inside one transaction at open.
// The SQL stays plain (no SQLite-only functions in queries) so that the
// PostgreSQL backend can follow the same shape; partial indexes exist in both.
//
// messages.due_at has one meaning per state:
//   accepted  -> the earliest time the message may be claimed (schedule, retry back-off)
//   submitted -> the receipt deadline (no receipt by then: unknown)
// so that each lane is one range scan on a small partial index and the
// million-message backlog never has to be read into memory. Crash recovery
// finds 'queued' rows with a full scan, once per start (no index to keep up
// on every claim).
import type Database from 'better-sqlite3';
import { StoreVersionError } from '../errors.ts';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
  accepted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  scheduled_at INTEGER,
  notify_submitted INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  queued_at INTEGER,
  submitted_at INTEGER,
  final_at INTEGER,
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
  short_message BLOB NOT NULL,
  data_coding INTEGER NOT NULL,
  esm_class INTEGER NOT NULL,
  state TEXT NOT NULL,
  smsc_id TEXT,
  smsc_alt_id TEXT,
  submitted_at INTEGER,
  done_at INTEGER,
  error_code TEXT,
  error_description TEXT,
  PRIMARY KEY (message_id, seq)
);
CREATE INDEX segments_smsc ON segments (carrier, smsc_id) WHERE smsc_id IS NOT NULL;
CREATE INDEX segments_smsc_alt ON segments (carrier, smsc_alt_id) WHERE smsc_alt_id IS NOT NULL;

-- Only the transitions a message's own columns cannot tell (retries, crash
-- recoveries): the common path accepted -> queued -> submitted -> final is
-- read from accepted_at, queued_at, submitted_at and final_at, which saves
-- four indexed inserts per message.
CREATE TABLE transitions (
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
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
  created_at INTEGER NOT NULL,
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
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  done_at INTEGER,
  last_error TEXT
);
CREATE INDEX callbacks_due ON callbacks (due_at) WHERE state = 'pending';
`,
  },
  {
    // Per-tenant opt-out list for promotions (the anti-spam law's refusal):
    // looked up by (tenant, number) at accept, listed in number order.
    version: 2,
    sql: `
CREATE TABLE opt_outs (
  tenant TEXT NOT NULL,
  number TEXT NOT NULL,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (tenant, number)
) WITHOUT ROWID;
`,
  },
  {
    // Number portability: where each message's carrier came from, and every
    // reroute after a carrier refused the number (ESME_RINVDSTADR). The
    // count on the message is what a claim reads (a message is re-routed at
    // most once); the table is the history GET /v1/messages/:id shows.
    version: 3,
    sql: `
ALTER TABLE messages ADD COLUMN route_source TEXT;
ALTER TABLE messages ADD COLUMN reroute_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE reroutes (
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  from_carrier TEXT NOT NULL,
  to_carrier TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX reroutes_message ON reroutes (message_id);
`,
  },
  {
    // The callbacks table is a signed-POST outbox (status callbacks, and
    // whatever else the core owes an HTTP receiver). Each row names its
    // receiver's origin (scheme://host:port) so the sender can bound work per
    // origin: claims skip the origins it is not sending to right now, on
    // (due_at, origin) without reading a row, and an origin that backs off
    // moves all its due rows at once, on (origin, due_at). Rows written before
    // this version have origin '' (never skipped; the sender still bounds them
    // by the origin of their url).
    version: 4,
    sql: `
ALTER TABLE callbacks ADD COLUMN origin TEXT NOT NULL DEFAULT '';
DROP INDEX callbacks_due;
CREATE INDEX callbacks_due ON callbacks (due_at, origin) WHERE state = 'pending';
CREATE INDEX callbacks_origin ON callbacks (origin, due_at) WHERE state = 'pending';
`,
  },
  {
    // Mobile-originated messages (two-way SMS), listed per tenant in id
    // order; tenant is NULL when no tenant could be found for the number
    // the handset wrote to. Their forwards live in the callbacks outbox.
    version: 5,
    sql: `
CREATE TABLE inbound_messages (
  id TEXT PRIMARY KEY,
  tenant TEXT,
  carrier TEXT NOT NULL,
  from_number TEXT NOT NULL,
  to_address TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
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
    // Several core nodes on one shared database (PostgreSQL): a queued
    // message names the node that claimed it and until when that claim
    // holds (the node renews it with every heartbeat); `nodes` is the
    // heartbeat table the live nodes are read from. SQLite has one core per
    // data directory, so its store leaves these empty and recovery takes
    // back every queued row, as before; the columns keep both schemas alike.
    version: 7,
    sql: `
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
ALTER TABLE messages ADD COLUMN lease_until INTEGER;
CREATE INDEX messages_in_flight ON messages (claimed_by) WHERE state = 'queued';
CREATE INDEX messages_lease ON messages (lease_until) WHERE state = 'queued';
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
);
`,
  },
  {
    // The fallback route: the route a message went out on ('direct' or
    // 'aggregator'; NULL until submitted). A segment submitted through the
    // aggregator has carrier 'aggregator' (the SMSC that gave its smsc_id),
    // so the aggregator's receipts are matched on (carrier, smsc_id) as the
    // carriers' are.
    version: 8,
    sql: `
ALTER TABLE messages ADD COLUMN route TEXT;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Bring the database to SCHEMA_VERSION; refuse a database from a newer build. */
export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  if (current > SCHEMA_VERSION) throw new StoreVersionError(current, SCHEMA_VERSION);
  const apply = db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }
  });
  apply.immediate();
  return SCHEMA_VERSION;
}
