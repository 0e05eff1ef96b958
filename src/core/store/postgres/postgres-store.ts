// The store on PostgreSQL, chosen by `store.url: postgres://...`: the same
// Store contract as the embedded SQLite store. Writes go through
// PgGroupCommit on one writer connection (one transaction, one WAL flush for
// many callers); reads run on a small pool and see only committed data.
import pg from 'pg';
import { DuplicateMessageIdError, InvalidMessageError, StoreOpenError } from '../errors.ts';
import { callbackOrigin, inboundBody, inboundEventId } from '../callback-body.ts';
import { type CallbackRow, type MessageRow, type RerouteRow, type SegmentRow, type TransitionRow, toCallbackJob, toMessageRecord, toReroute, toSegmentRecord, transitionsOf } from '../rows.ts';
import { type InboundRow, toInboundRecord } from '../sqlite/inbound.ts';
import { CATEGORIES, OPS_ALERT_TENANT, replayLimit, type OperatorAlertJob } from '../types.ts';
import type {
  CallbackJob,
  CallbackSettlement,
  CallbackReplaySelect,
  CancelOutcome,
  RetryOutcome,
  Heartbeat,
  NodeIdentity,
  Carrier,
  Category,
  ClaimedMessage,
  DispatchEvent,
  DispatchOutcome,
  IdempotencyEntry,
  InboundMessage,
  InboundPage,
  InsertOutcome,
  LaneDepth,
  ListFilter,
  MessageDetail,
  MessagePage,
  NewMessage,
  OptOut,
  OptOutPage,
  OptOutSource,
  Store,
} from '../types.ts';
import { nodeIdentity } from '../node.ts';
import { PgGroupCommit } from './group-commit.ts';
import { migratePg } from './schema.ts';
import * as tx from './transitions.ts';

export interface PostgresStoreOptions {
  /** postgres://user[:password]@host[:port]/database */
  readonly url: string;
  /** Flush a group transaction once this many rows wait (default 2000). */
  readonly groupCommitRows?: number;
  /** Read connections (default 4); writes use one more. */
  readonly poolSize?: number;
  /** This core's node id and lease on the shared database (default: host name and pid, 15 s). */
  readonly node?: NodeIdentity;
}

/** At most this many origins are skipped by one callback claim (as in the SQLite store). */
const MAX_SKIPPED_ORIGINS = 100;
/** Messages per multi-row INSERT (PostgreSQL allows 65,535 parameters per statement; a message row has 20). */
const INSERT_CHUNK = 500;

// BIGINT (int8, OID 20) comes back as a number, as SQLite's integers do: times are ms since the epoch (< 2^53).
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL without its password, for error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

function placeholders(rows: number, columns: number, constants: readonly string[] = []): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`);
    out.push(`(${[...cells, ...constants].join(', ')})`);
  }
  return out.join(', ');
}

const pageSize = (limit: number): number => Math.max(1, Math.min(1000, Math.floor(limit)));

async function addOptOuts(db: pg.ClientBase, tenant: string, numbers: readonly string[], at: number, source: OptOutSource): Promise<number> {
  if (numbers.length === 0) return 0;
  const r = await db.query(
    `INSERT INTO opt_outs (tenant, number, at, source) SELECT $1, n, $2, $3 FROM unnest($4::text[]) AS n ON CONFLICT (tenant, number) DO NOTHING`,
    [tenant, at, source, [...new Set(numbers)]],
  );
  return r.rowCount ?? 0;
}

export class PostgresStore implements Store {
  private constructor(
    private readonly writerClient: pg.Client,
    private readonly pool: pg.Pool,
    private readonly writer: PgGroupCommit,
    private readonly node: NodeIdentity,
  ) {}

  /** Connects, migrates and returns the store; rejects with StoreOpenError (or StoreVersionError) and leaves nothing open. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const writerClient = new pg.Client({ connectionString: options.url, types, application_name: 'denpa-core' });
    const pool = new pg.Pool({ connectionString: options.url, types, max: options.poolSize ?? 4, application_name: 'denpa-core' });
    // An idle pooled connection that the server drops must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await writerClient.connect();
      // The durability rule, whatever the server's or database's default: COMMIT returns after the WAL flush.
      await writerClient.query('SET synchronous_commit = on');
      await migratePg(writerClient);
    } catch (err) {
      await writerClient.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
      if ((err as { code?: string }).code === 'STORE_ERR_VERSION') throw err;
      throw new StoreOpenError(redactUrl(options.url), (err as Error).message);
    }
    writerClient.on('error', () => undefined);
    return new PostgresStore(writerClient, pool, new PgGroupCommit(writerClient, options.groupCommitRows ?? 2000), options.node ?? nodeIdentity(undefined, undefined));
  }

  /** Groups committed so far (tests and benchmarks). */
  get flushes(): number {
    return this.writer.flushes;
  }

  private async read<T extends pg.QueryResultRow>(sql: string, args: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>(sql, args)).rows;
  }

  // ------------------------------------------------------------------ API

  insertMessages(messages: readonly NewMessage[], idempotency?: IdempotencyEntry): Promise<InsertOutcome> {
    for (const m of messages) {
      if (m.parts.length !== m.segments || m.segments < 1) {
        return Promise.reject(new InvalidMessageError(`message ${m.id}: ${m.parts.length} parts for ${m.segments} segments`));
      }
      if (CATEGORIES.indexOf(m.category) < 0) return Promise.reject(new InvalidMessageError(`message ${m.id}: unknown category ${String(m.category)}`));
    }
    const weight = messages.reduce((n, m) => n + 2 + m.segments, idempotency ? 1 : 0);
    return this.writer.submit(async (db): Promise<InsertOutcome> => {
      if (idempotency) {
        const existing = await this.readIdempotency(db, idempotency.tenant, idempotency.key);
        if (existing) return { kind: 'replayed', idempotency: existing };
      }
      for (let i = 0; i < messages.length; i += INSERT_CHUNK) await this.insertChunk(db, messages.slice(i, i + INSERT_CHUNK));
      if (idempotency) {
        await db.query('INSERT INTO idempotency (tenant, key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
          idempotency.tenant,
          idempotency.key,
          idempotency.requestHash,
          idempotency.status,
          idempotency.body,
          idempotency.createdAt ?? messages[0]?.acceptedAt ?? 0,
        ]);
      }
      return { kind: 'inserted' };
    }, weight);
  }

  private async insertChunk(db: pg.ClientBase, messages: readonly NewMessage[]): Promise<void> {
    const args: unknown[] = [];
    for (const m of messages) {
      const dueAt = Math.max(m.acceptedAt, m.scheduledAt ?? 0, m.sendableAt ?? 0);
      args.push(m.id, m.tenant, m.to, m.text, m.category, CATEGORIES.indexOf(m.category), m.sender ?? null, m.callbackUrl ?? null, m.clientRef ?? null,
        m.encoding, m.segments, m.characters, m.carrier, m.routeSource ?? null, m.acceptedAt, m.expiresAt, m.scheduledAt ?? null, m.notifySubmitted ? 1 : 0, dueAt);
    }
    try {
      await db.query(
        `INSERT INTO messages (id, tenant, to_number, body, category, priority, sender, callback_url, client_ref, encoding, segments,
           characters, carrier, route_source, accepted_at, expires_at, scheduled_at, notify_submitted, due_at, state, attempts)
         VALUES ${placeholders(messages.length, 19, ["'accepted'", '0'])}`,
        args,
      );
    } catch (err) {
      const e = err as { code?: string; detail?: string; constraint?: string };
      // The primary key refuses a duplicate id; the op's savepoint undoes the rest of this insert.
      if (e.code === '23505' && e.constraint === 'messages_pkey') throw new DuplicateMessageIdError(/\(id\)=\(([^)]*)\)/.exec(e.detail ?? '')?.[1] ?? messages[0]?.id ?? '?');
      throw err;
    }
    const segs: unknown[] = [];
    let rows = 0;
    for (const m of messages) {
      m.parts.forEach((part, i) => {
        segs.push(m.id, i + 1, m.carrier, Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength), part.dataCoding, part.esmClass);
        rows++;
      });
    }
    await db.query(`INSERT INTO segments (message_id, seq, carrier, short_message, data_coding, esm_class, state) VALUES ${placeholders(rows, 6, ["'pending'"])}`, segs);
  }

  private async readIdempotency(db: pg.ClientBase | pg.Pool, tenant: string, key: string): Promise<IdempotencyEntry | undefined> {
    // PostgreSQL text cannot hold NUL, so no stored entry has one (the readiness probe asks for such a key).
    if (tenant.includes('\u0000') || key.includes('\u0000')) return undefined;
    const r = (
      await db.query<{ tenant: string; key: string; request_hash: string; status: number; body: string; created_at: number }>(
        'SELECT tenant, key, request_hash, status, body, created_at FROM idempotency WHERE tenant = $1 AND key = $2',
        [tenant, key],
      )
    ).rows[0];
    return r ? { tenant: r.tenant, key: r.key, requestHash: r.request_hash, status: r.status, body: r.body, createdAt: r.created_at } : undefined;
  }

  findIdempotency(tenant: string, key: string): Promise<IdempotencyEntry | undefined> {
    return this.readIdempotency(this.pool, tenant, key);
  }

  async getMessage(id: string): Promise<MessageDetail | undefined> {
    const row = (await this.read<MessageRow & pg.QueryResultRow>('SELECT * FROM messages WHERE id = $1', [id]))[0];
    if (!row) return undefined;
    const [transitions, reroutes, segments] = await Promise.all([
      this.read<TransitionRow & pg.QueryResultRow>('SELECT at, state, detail FROM transitions WHERE message_id = $1 ORDER BY ord', [id]),
      row.reroute_count > 0 ? this.read<RerouteRow & pg.QueryResultRow>('SELECT at, from_carrier, to_carrier, reason FROM reroutes WHERE message_id = $1 ORDER BY ord', [id]) : [],
      this.read<SegmentRow & pg.QueryResultRow>(
        'SELECT message_id, seq, state, smsc_id, submitted_at, done_at, error_code, error_description FROM segments WHERE message_id = $1 ORDER BY seq',
        [id],
      ),
    ]);
    return { ...toMessageRecord(row), transitions: transitionsOf(row, transitions), reroutes: reroutes.map(toReroute), segmentStates: segments.map(toSegmentRecord) };
  }

  async listMessages(tenant: string, filter: ListFilter, cursor: string | undefined, limit: number): Promise<MessagePage> {
    const where = ['tenant = $1'];
    const args: unknown[] = [tenant];
    const add = (column: string, op: string, value: unknown): void => {
      args.push(value);
      where.push(`${column} ${op} $${args.length}`);
    };
    if (filter.state !== undefined) add('state', '=', filter.state);
    if (filter.category !== undefined) add('category', '=', filter.category);
    if (filter.to !== undefined) add('to_number', '=', filter.to);
    if (filter.clientRef !== undefined) add('client_ref', '=', filter.clientRef);
    if (filter.since !== undefined) add('accepted_at', '>=', filter.since);
    if (filter.until !== undefined) add('accepted_at', '<', filter.until);
    if (cursor !== undefined) add('id', '>', cursor);
    const n = pageSize(limit);
    args.push(n + 1);
    // COLLATE "C": ids and cursors compare bytewise, as in SQLite, whatever the database's collation.
    const rows = await this.read<MessageRow & pg.QueryResultRow>(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id COLLATE "C" LIMIT $${args.length}`, args);
    const page = rows.slice(0, n).map(toMessageRecord);
    return { messages: page, nextCursor: rows.length > n ? (page[page.length - 1]?.id ?? null) : null };
  }

  cancelMessage(tenant: string, id: string, now: number): Promise<CancelOutcome> {
    return this.writer.submit((db) => tx.cancel(db, tenant, id, now));
  }

  retryMessage(id: string, now: number, detail: string): Promise<RetryOutcome> {
    return this.writer.submit((db) => tx.retry(db, id, now, detail));
  }

  replayCallbacks(select: CallbackReplaySelect, now: number, limit: number): Promise<number> {
    return this.writer.submit((db) => tx.replay(db, select, now, replayLimit(limit)));
  }

  // ------------------------------------------------------------------ opt-outs

  addOptOuts(tenant: string, numbers: readonly string[], at: number, source: OptOutSource): Promise<number> {
    return this.writer.submit((db) => addOptOuts(db, tenant, numbers, at, source));
  }

  removeOptOuts(tenant: string, numbers: readonly string[]): Promise<number> {
    return this.writer.submit(async (db) => (await db.query('DELETE FROM opt_outs WHERE tenant = $1 AND number = ANY($2)', [tenant, [...new Set(numbers)]])).rowCount ?? 0);
  }

  async optedOut(tenant: string, numbers: readonly string[]): Promise<string[]> {
    if (numbers.length === 0) return [];
    return (await this.read<{ number: string }>('SELECT number FROM opt_outs WHERE tenant = $1 AND number = ANY($2)', [tenant, [...new Set(numbers)]])).map((r) => r.number);
  }

  async listOptOuts(tenant: string, cursor: string | undefined, limit: number): Promise<OptOutPage> {
    const n = pageSize(limit);
    const rows = await this.read<{ number: string; at: number; source: OptOutSource }>(
      'SELECT number, at, source FROM opt_outs WHERE tenant = $1 AND number COLLATE "C" > $2 ORDER BY number COLLATE "C" LIMIT $3',
      [tenant, cursor ?? '', n + 1],
    );
    const optOuts: OptOut[] = rows.slice(0, n).map((r) => ({ number: r.number, at: r.at, source: r.source }));
    return { optOuts, nextCursor: rows.length > n ? (optOuts[optOuts.length - 1]?.number ?? null) : null };
  }

  // ------------------------------------------------------------------ inbound (MO)

  recordInbound(m: InboundMessage, forwardUrl?: string): Promise<void> {
    return this.writer.submit(async (db) => {
      const forwarded = m.tenant !== null && forwardUrl !== undefined;
      await db.query(
        `INSERT INTO inbound_messages (id, tenant, carrier, from_number, to_address, body, received_at, opt_out_keyword, forwarded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [m.id, m.tenant, m.carrier, m.from, m.to, m.text, m.receivedAt, m.optOutKeyword ?? null, forwarded ? 1 : 0],
      );
      if (m.tenant !== null && m.optOutKeyword !== undefined) await addOptOuts(db, m.tenant, [m.from], m.receivedAt, 'mo-keyword');
      if (forwarded) {
        await db.query(
          `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
           VALUES ($1, $2, $3, $4, $5, 'inbound', $6, 'pending', 0, $7, $8)`,
          [inboundEventId(m.id), m.id, m.tenant, forwardUrl, callbackOrigin(forwardUrl), inboundBody(m), m.receivedAt, m.receivedAt],
        );
      }
    });
  }

  async tenantOfReply(handset: string, sender: string, tenants: readonly string[]): Promise<string | undefined> {
    if (tenants.length === 0) return undefined;
    const r = await this.read<{ tenant: string }>(
      'SELECT tenant FROM messages WHERE tenant = ANY($1) AND to_number = $2 AND sender = $3 ORDER BY id COLLATE "C" DESC LIMIT 1',
      [[...tenants], handset, sender],
    );
    return r[0]?.tenant;
  }

  async listInbound(tenant: string, cursor: string | undefined, limit: number): Promise<InboundPage> {
    const n = pageSize(limit);
    const rows = await this.read<InboundRow & pg.QueryResultRow>(
      'SELECT * FROM inbound_messages WHERE tenant = $1 AND id COLLATE "C" > $2 ORDER BY id COLLATE "C" LIMIT $3',
      [tenant, cursor ?? '', n + 1],
    );
    const messages = rows.slice(0, n).map(toInboundRecord);
    return { messages, nextCursor: rows.length > n ? (messages[messages.length - 1]?.id ?? null) : null };
  }

  // ------------------------------------------------------------------ callbacks

  /** An operator alert rides the status-callback outbox: message_id is the alert's own id, status 'alert'. */
  queueOperatorAlert(alert: OperatorAlertJob): Promise<void> {
    return this.writer.submit(async (db) => {
      await db.query(
        `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
         VALUES ($1, $1, $2, $3, $4, 'alert', $5, 'pending', 0, $6, $6) ON CONFLICT (id) DO NOTHING`,
        [alert.id, OPS_ALERT_TENANT, alert.url, callbackOrigin(alert.url), alert.body, alert.at],
      );
    });
  }

  async claimDueCallbacks(now: number, limit: number, leaseMs = 30_000, skipOrigins: readonly string[] = []): Promise<CallbackJob[]> {
    if (limit <= 0) return [];
    const skip = skipOrigins.slice(0, MAX_SKIPPED_ORIGINS);
    // A cheap read first: an idle outbox is polled often and should not cost a write transaction.
    const due = `state = 'pending' AND due_at <= $1 AND NOT (origin = ANY($2::text[]))`;
    if ((await this.read(`SELECT 1 FROM callbacks WHERE ${due} LIMIT 1`, [now, skip])).length === 0) return [];
    // Leased under the row locks it takes; rows another node is leasing are passed over.
    return this.writer.submit(async (db) => {
      const rows = (
        await db.query<CallbackRow>(
          `WITH picked AS MATERIALIZED (
             SELECT id, due_at AS claimed_due FROM callbacks WHERE ${due} ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
           UPDATE callbacks c SET due_at = $4 FROM picked WHERE c.id = picked.id
           RETURNING c.id, c.message_id, c.tenant, c.url, c.origin, c.status, c.body, c.attempts, c.created_at, picked.claimed_due AS due_at, c.last_error`,
          [now, skip, limit, now + leaseMs],
        )
      ).rows;
      // RETURNING has no order: oldest due first, as the claim chose them; each job says when it was due, not its lease.
      return rows.sort((a, b) => a.due_at - b.due_at).map(toCallbackJob);
    }, limit);
  }

  settleCallbacks(settlements: readonly CallbackSettlement[]): Promise<void> {
    if (settlements.length === 0) return Promise.resolve();
    return this.writer.submit(async (db) => {
      for (const s of settlements) {
        if (s.kind === 'delivered') await db.query(`UPDATE callbacks SET state = 'delivered', done_at = $1 WHERE id = $2`, [s.at, s.id]);
        else if (s.kind === 'retry') await db.query(`UPDATE callbacks SET due_at = $1, attempts = $2, last_error = $3 WHERE id = $4 AND state = 'pending'`, [s.dueAt, s.attempts, s.lastError, s.id]);
        else if (s.kind === 'deferred') await db.query(`UPDATE callbacks SET due_at = $1 WHERE id = $2 AND state = 'pending'`, [s.dueAt, s.id]);
        else if (s.kind === 'abandoned') await db.query(`UPDATE callbacks SET state = 'abandoned', done_at = $1, last_error = $2 WHERE id = $3`, [s.at, s.reason, s.id]);
        else await db.query(`UPDATE callbacks SET due_at = $1 WHERE origin = $2 AND state = 'pending' AND due_at < $1`, [s.dueAt, s.origin]);
      }
    }, settlements.length);
  }

  async pendingCallbackCount(): Promise<number> {
    return (await this.read<{ n: number }>(`SELECT COUNT(*) AS n FROM callbacks WHERE state = 'pending'`, []))[0]?.n ?? 0;
  }

  // ------------------------------------------------------------------ dispatch

  async claimDue(carrier: Carrier, now: number, limit: number, lanes: readonly Category[] = CATEGORIES): Promise<ClaimedMessage[]> {
    if (limit <= 0 || lanes.length === 0) return [];
    // A cheap read first: an idle queue polls often and should not cost a write transaction.
    const any = await this.read(
      `SELECT 1 FROM messages WHERE carrier = $1 AND priority = ANY($2::int[]) AND state = 'accepted' AND due_at <= $3 AND expires_at > $3 LIMIT 1`,
      [carrier, lanes.map((l) => CATEGORIES.indexOf(l)), now],
    );
    if (any.length === 0) return [];
    return this.writer.submit((db) => tx.claim(db, carrier, now, limit, lanes, this.node), limit);
  }

  applyDispatch(events: readonly DispatchEvent[]): Promise<DispatchOutcome> {
    if (events.length === 0) return Promise.resolve({ unmatched: [], finals: [] });
    return this.writer.submit((db) => tx.applyDispatch(db, events), events.length);
  }

  expireDue(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.writer.submit((db) => tx.expire(db, now, limit), limit);
  }

  timeoutReceipts(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.writer.submit((db) => tx.timeoutReceipts(db, now, limit), limit);
  }

  recoverInFlight(now: number): Promise<number> {
    return this.writer.submit((db) => tx.recover(db, now, this.node.id));
  }

  private startedAt: number | undefined;
  private beaten = false;

  heartbeat(now: number): Promise<Heartbeat> {
    this.startedAt ??= now;
    const startedAt = this.startedAt;
    const first = !this.beaten;
    this.beaten = true;
    // A first beat finding an expired row of the same id is a previous incarnation's, not a stall of this one.
    return this.writer.submit(async (db) => {
      const beat = await tx.heartbeat(db, now, this.node, startedAt);
      return first ? { ...beat, lapsed: false } : beat;
    });
  }

  async laneDepths(): Promise<LaneDepth[]> {
    const rows = await this.read<{ carrier: Carrier; priority: number; n: number }>(
      `SELECT carrier, priority, COUNT(*) AS n FROM messages WHERE state = 'accepted' GROUP BY carrier, priority`,
      [],
    );
    return rows.map((r) => ({ carrier: r.carrier, category: CATEGORIES[r.priority] as Category, depth: r.n }));
  }

  async nextDueAt(carrier: Carrier): Promise<number | undefined> {
    let best: number | undefined;
    // One index range per lane (the lane index is (carrier, priority, due_at)).
    for (let priority = 0; priority < CATEGORIES.length; priority++) {
      const r = (await this.read<{ due_at: number }>(`SELECT due_at FROM messages WHERE carrier = $1 AND priority = $2 AND state = 'accepted' ORDER BY due_at LIMIT 1`, [carrier, priority]))[0];
      if (r && (best === undefined || r.due_at < best)) best = r.due_at;
    }
    return best;
  }

  /** Resolves when every write handed to the store so far is committed. */
  flushed(): Promise<void> {
    return this.writer.idle();
  }

  private closing: Promise<void> | undefined;

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Leaving the table lets the other nodes grow to the full bind limit at once rather than after the lease.
      if (this.beaten) await this.writer.submit((db) => tx.leave(db, this.node.id)).catch(() => undefined);
      await this.writer.close();
      await this.writerClient.end().catch(() => undefined);
      await this.pool.end().catch(() => undefined);
    })();
    return this.closing;
  }
}

export function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}
