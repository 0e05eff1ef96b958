// The embedded store: one SQLite database file (WAL) in the data directory.
// Writes go through GroupCommit (one transaction and one fsync for many
// callers); reads run directly and see only committed data.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DuplicateMessageIdError, InvalidMessageError, StoreOpenError } from '../errors.ts';
import { callbackOrigin } from '../callback-body.ts';
import { CATEGORIES, OPS_ALERT_TENANT, replayLimit } from '../types.ts';
import type {
  Heartbeat,
  NodeIdentity,
  OperatorAlertJob,
  CallbackJob,
  CallbackSettlement,
  CallbackReplaySelect,
  CancelOutcome,
  RetryOutcome,
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
  OptOutPage,
  OptOutSource,
  Store,
} from '../types.ts';
import { nodeIdentity } from '../node.ts';
import { GroupCommit } from './group-commit.ts';
import { type CallbackRow, type MessageRow, type RerouteRow, type SegmentRow, type TransitionRow, toCallbackJob, toMessageRecord, toReroute, toSegmentRecord, transitionsOf } from '../rows.ts';
import { Checkpointer } from './checkpointer.ts';
import { migrate } from './schema.ts';
import { MessageTransitions } from './transitions.ts';
import { OptOutTable } from './opt-outs.ts';
import { InboundTable } from './inbound.ts';

export interface SqliteStoreOptions {
  /** Directory holding denpa.db (created if missing); ':memory:' for tests that need no file. */
  readonly dataDir: string;
  /** SQLite page cache in KiB (the backlog lives on disk, only this much of it in memory). */
  readonly cacheSizeKiB?: number;
  /** Flush a group transaction at once when this many rows wait (else on the next macrotask). */
  readonly groupCommitRows?: number;
  /** fsync the WAL after each group commit (default true); false trusts the OS page cache (crash-safe, not power-loss-safe). */
  readonly fsync?: boolean;
  /** Wait this long after the first queued write before committing (default 2; 0 = the next macrotask); bigger groups, fewer commits, a little more latency. */
  readonly commitIntervalMs?: number;
  /** WAL checkpoints in a worker thread every this many ms (0 = SQLite's automatic checkpoints on the main thread). */
  readonly checkpointIntervalMs?: number;
  /** The core's node id and lease (reported by heartbeat(); a data directory has one core, so nothing is shared). */
  readonly node?: NodeIdentity;
}

export const DATABASE_FILE = 'denpa.db';

/** At most this many origins are skipped by one callback claim (the rest are bounded by the sender after the claim). */
export const MAX_SKIPPED_ORIGINS = 100;

function runUnique(id: string, insert: () => unknown): void {
  try {
    insert();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateMessageIdError(id);
    throw err;
  }
}

export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly writer: GroupCommit;
  private readonly transitions: MessageTransitions;
  private readonly optOuts: OptOutTable;
  private readonly inbound: InboundTable;
  private readonly s;
  private readonly dueCallbackStatements = new Map<number, Database.Statement>();
  private readonly file: string;
  private checkpointer: Checkpointer | undefined;
  /** Settles when the checkpoint worker is up (true) or was not started (false). */
  checkpointerStarting: Promise<boolean> = Promise.resolve(false);

  private readonly node: NodeIdentity;

  constructor(options: SqliteStoreOptions) {
    this.node = options.node ?? nodeIdentity(undefined, undefined);
    const memory = options.dataDir === ':memory:';
    const file = memory ? ':memory:' : path.join(options.dataDir, DATABASE_FILE);
    try {
      if (!memory) fs.mkdirSync(options.dataDir, { recursive: true });
      this.db = new Database(file);
    } catch (err) {
      throw new StoreOpenError(file, (err as Error).message);
    }
    this.db.pragma('journal_mode = WAL');
    // NORMAL + our own fsync of the WAL per group commit: see group-commit.ts.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`cache_size = -${Math.max(1024, Math.floor(options.cacheSizeKiB ?? 16_384))}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('temp_store = MEMORY');
    // After the WAL starts over, truncate the file to this size instead of keeping its high-water mark.
    this.db.pragma('journal_size_limit = 67108864');
    migrate(this.db);
    this.file = file;
    this.writer = new GroupCommit(this.db, {
      maxRows: options.groupCommitRows ?? 2000,
      intervalMs: options.commitIntervalMs ?? 2,
      walPath: memory || options.fsync === false ? undefined : `${file}-wal`,
    });
    this.transitions = new MessageTransitions(this.db);
    this.optOuts = new OptOutTable(this.db);
    this.inbound = new InboundTable(this.db, this.optOuts);
    const p = (sql: string): Database.Statement => this.db.prepare(sql);
    this.s = {
      insertMessage: p(
        `INSERT INTO messages (id, tenant, to_number, body, category, priority, sender, callback_url, client_ref, encoding, segments,
           characters, carrier, route_source, state, accepted_at, expires_at, scheduled_at, notify_submitted, due_at, attempts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?, ?, 0)`,
      ),
      insertSegment: p(
        `INSERT INTO segments (message_id, seq, carrier, short_message, data_coding, esm_class, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
      ),
      findIdem: p('SELECT tenant, key, request_hash, status, body, created_at FROM idempotency WHERE tenant = ? AND key = ?'),
      insertIdem: p('INSERT INTO idempotency (tenant, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      getMessage: p('SELECT * FROM messages WHERE id = ?'),
      getTransitions: p('SELECT at, state, detail FROM transitions WHERE message_id = ? ORDER BY rowid'),
      getReroutes: p('SELECT at, from_carrier, to_carrier, reason FROM reroutes WHERE message_id = ? ORDER BY rowid'),
      getSegments: p('SELECT message_id, seq, state, smsc_id, submitted_at, done_at, error_code, error_description FROM segments WHERE message_id = ? ORDER BY seq'),
      // An operator alert rides the status-callback outbox: message_id is the alert's own id, status 'alert'.
      queueAlert: p(
        `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
         VALUES (?, ?, ?, ?, ?, 'alert', ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      leaseCallback: p(`UPDATE callbacks SET due_at = ? WHERE id = ? AND state = 'pending'`),
      callbackDone: p(`UPDATE callbacks SET state = 'delivered', done_at = ? WHERE id = ?`),
      callbackRetry: p(`UPDATE callbacks SET due_at = ?, attempts = ?, last_error = ? WHERE id = ? AND state = 'pending'`),
      callbackDefer: p(`UPDATE callbacks SET due_at = ? WHERE id = ? AND state = 'pending'`),
      callbackAbandon: p(`UPDATE callbacks SET state = 'abandoned', done_at = ?, last_error = ? WHERE id = ?`),
      originDefer: p(`UPDATE callbacks SET due_at = ? WHERE origin = ? AND state = 'pending' AND due_at < ?`),
      pendingCallbacks: p(`SELECT COUNT(*) AS n FROM callbacks WHERE state = 'pending'`),
      laneDepths: p(`SELECT carrier, priority, COUNT(*) AS n FROM messages WHERE state = 'accepted' GROUP BY carrier, priority`),
      anyDue: p(`SELECT 1 AS x FROM messages WHERE carrier = ? AND priority = ? AND state = 'accepted' AND due_at <= ? AND expires_at > ? LIMIT 1`),
      nextDue: p(`SELECT due_at FROM messages WHERE carrier = ? AND priority = ? AND state = 'accepted' ORDER BY due_at LIMIT 1`),
    };
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
    return this.writer.submit((): InsertOutcome => {
      if (idempotency) {
        const existing = this.readIdempotency(idempotency.tenant, idempotency.key);
        if (existing) return { kind: 'replayed', idempotency: existing };
      }
      for (const m of messages) {
        const dueAt = Math.max(m.acceptedAt, m.scheduledAt ?? 0, m.sendableAt ?? 0);
        // The primary key refuses a duplicate id; the op's savepoint undoes the rest of this insert.
        runUnique(m.id, () => this.s.insertMessage.run(
          m.id, m.tenant, m.to, m.text, m.category, CATEGORIES.indexOf(m.category), m.sender ?? null, m.callbackUrl ?? null,
          m.clientRef ?? null, m.encoding, m.segments, m.characters, m.carrier, m.routeSource ?? null, m.acceptedAt, m.expiresAt, m.scheduledAt ?? null,
          m.notifySubmitted ? 1 : 0, dueAt,
        ));
        m.parts.forEach((part, i) => {
          this.s.insertSegment.run(m.id, i + 1, m.carrier, Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength), part.dataCoding, part.esmClass);
        });
      }
      if (idempotency) {
        this.s.insertIdem.run(idempotency.tenant, idempotency.key, idempotency.requestHash, idempotency.status, idempotency.body, idempotency.createdAt ?? messages[0]?.acceptedAt ?? 0);
      }
      return { kind: 'inserted' };
    }, weight);
  }

  private readIdempotency(tenant: string, key: string): IdempotencyEntry | undefined {
    const r = this.s.findIdem.get(tenant, key) as { tenant: string; key: string; request_hash: string; status: number; body: string; created_at: number } | undefined;
    return r ? { tenant: r.tenant, key: r.key, requestHash: r.request_hash, status: r.status, body: r.body, createdAt: r.created_at } : undefined;
  }

  async findIdempotency(tenant: string, key: string): Promise<IdempotencyEntry | undefined> {
    return this.readIdempotency(tenant, key);
  }

  async getMessage(id: string): Promise<MessageDetail | undefined> {
    const row = this.s.getMessage.get(id) as MessageRow | undefined;
    if (!row) return undefined;
    return {
      ...toMessageRecord(row),
      transitions: transitionsOf(row, this.s.getTransitions.all(id) as TransitionRow[]),
      reroutes: row.reroute_count > 0 ? (this.s.getReroutes.all(id) as RerouteRow[]).map(toReroute) : [],
      segmentStates: (this.s.getSegments.all(id) as SegmentRow[]).map(toSegmentRecord),
    };
  }

  async listMessages(tenant: string, filter: ListFilter, cursor: string | undefined, limit: number): Promise<MessagePage> {
    const where = ['tenant = ?'];
    const args: unknown[] = [tenant];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      args.push(value);
    };
    if (filter.state !== undefined) add('state = ?', filter.state);
    if (filter.category !== undefined) add('category = ?', filter.category);
    if (filter.to !== undefined) add('to_number = ?', filter.to);
    if (filter.clientRef !== undefined) add('client_ref = ?', filter.clientRef);
    if (filter.since !== undefined) add('accepted_at >= ?', filter.since);
    if (filter.until !== undefined) add('accepted_at < ?', filter.until);
    if (cursor !== undefined) add('id > ?', cursor);
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const rows = this.db.prepare(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...args, n + 1) as MessageRow[];
    const page = rows.slice(0, n).map(toMessageRecord);
    return { messages: page, nextCursor: rows.length > n ? (page[page.length - 1]?.id ?? null) : null };
  }

  cancelMessage(tenant: string, id: string, now: number): Promise<CancelOutcome> {
    return this.writer.submit(() => this.transitions.cancel(tenant, id, now));
  }

  retryMessage(id: string, now: number, detail: string): Promise<RetryOutcome> {
    return this.writer.submit(() => this.transitions.retry(id, now, detail));
  }

  replayCallbacks(select: CallbackReplaySelect, now: number, limit: number): Promise<number> {
    return this.writer.submit(() => this.transitions.replay(select, now, replayLimit(limit)));
  }

  // ------------------------------------------------------------------ opt-outs

  addOptOuts(tenant: string, numbers: readonly string[], at: number, source: OptOutSource): Promise<number> {
    return this.writer.submit(() => this.optOuts.add(tenant, numbers, at, source));
  }

  removeOptOuts(tenant: string, numbers: readonly string[]): Promise<number> {
    return this.writer.submit(() => this.optOuts.remove(tenant, numbers));
  }

  async optedOut(tenant: string, numbers: readonly string[]): Promise<string[]> {
    return this.optOuts.optedOut(tenant, numbers);
  }

  async listOptOuts(tenant: string, cursor: string | undefined, limit: number): Promise<OptOutPage> {
    return this.optOuts.page(tenant, cursor, limit);
  }

  // ------------------------------------------------------------------ inbound (MO)

  recordInbound(message: InboundMessage, forwardUrl?: string): Promise<void> {
    return this.writer.submit(() => this.inbound.record(message, forwardUrl));
  }

  async tenantOfReply(handset: string, sender: string, tenants: readonly string[]): Promise<string | undefined> {
    return this.inbound.tenantOfReply(handset, sender, tenants);
  }

  async listInbound(tenant: string, cursor: string | undefined, limit: number): Promise<InboundPage> {
    return this.inbound.page(tenant, cursor, limit);
  }

  // ------------------------------------------------------------------ callbacks

  queueOperatorAlert(alert: OperatorAlertJob): Promise<void> {
    return this.writer.submit(() => void this.s.queueAlert.run(alert.id, alert.id, OPS_ALERT_TENANT, alert.url, callbackOrigin(alert.url), alert.body, alert.at, alert.at));
  }

  claimDueCallbacks(now: number, limit: number, leaseMs = 30_000, skipOrigins: readonly string[] = []): Promise<CallbackJob[]> {
    if (limit <= 0) return Promise.resolve([]);
    const skip = skipOrigins.slice(0, MAX_SKIPPED_ORIGINS);
    const select = this.dueCallbacks(skip.length);
    // A cheap read first: an idle outbox is polled often and should not cost a write transaction.
    if (select.get(now, ...skip, 1) === undefined) return Promise.resolve([]);
    return this.writer.submit(() => {
      const rows = select.all(now, ...skip, limit) as CallbackRow[];
      for (const r of rows) this.s.leaseCallback.run(now + leaseMs, r.id);
      return rows.map(toCallbackJob);
    }, limit, false);
  }

  /** The claim's SELECT for `skipped` origins, prepared once per count (plain SQL: a placeholder per origin). */
  private dueCallbacks(skipped: number): Database.Statement {
    let st = this.dueCallbackStatements.get(skipped);
    if (!st) {
      const not = skipped === 0 ? '' : ` AND origin NOT IN (${Array.from({ length: skipped }, () => '?').join(', ')})`;
      st = this.db.prepare(
        `SELECT id, message_id, tenant, url, origin, status, body, attempts, created_at, due_at, last_error FROM callbacks
         WHERE state = 'pending' AND due_at <= ?${not} ORDER BY due_at LIMIT ?`,
      );
      this.dueCallbackStatements.set(skipped, st);
    }
    return st;
  }

  settleCallbacks(settlements: readonly CallbackSettlement[]): Promise<void> {
    if (settlements.length === 0) return Promise.resolve();
    return this.writer.submit(() => {
      for (const s of settlements) {
        if (s.kind === 'delivered') this.s.callbackDone.run(s.at, s.id);
        else if (s.kind === 'retry') this.s.callbackRetry.run(s.dueAt, s.attempts, s.lastError, s.id);
        else if (s.kind === 'deferred') this.s.callbackDefer.run(s.dueAt, s.id);
        else if (s.kind === 'abandoned') this.s.callbackAbandon.run(s.at, s.reason, s.id);
        else this.s.originDefer.run(s.dueAt, s.origin, s.dueAt);
      }
    }, settlements.length);
  }

  async pendingCallbackCount(): Promise<number> {
    return (this.s.pendingCallbacks.get() as { n: number }).n;
  }

  // ------------------------------------------------------------------ dispatch

  claimDue(carrier: Carrier, now: number, limit: number, lanes: readonly Category[] = CATEGORIES): Promise<ClaimedMessage[]> {
    // A cheap read first: an idle queue polls often and should not cost a write transaction.
    if (limit <= 0 || !lanes.some((l) => this.s.anyDue.get(carrier, CATEGORIES.indexOf(l), now, now) !== undefined)) return Promise.resolve([]);
    return this.writer.submit(() => this.transitions.claim(carrier, now, limit, lanes), limit, false);
  }

  applyDispatch(events: readonly DispatchEvent[]): Promise<DispatchOutcome> {
    if (events.length === 0) return Promise.resolve({ unmatched: [], finals: [] });
    return this.writer.submit(() => this.transitions.apply(events), events.length);
  }

  expireDue(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.writer.submit(() => this.transitions.expire(now, limit), limit);
  }

  timeoutReceipts(now: number, limit: number): Promise<DispatchOutcome['finals']> {
    return this.writer.submit(() => this.transitions.timeoutReceipts(now, limit), limit);
  }

  recoverInFlight(now: number): Promise<number> {
    return this.writer.submit(() => this.transitions.recover(now));
  }

  private startedAt: number | undefined;

  /** One core per data directory (the data-dir lock): the node is alone, its claims are never another's to take. */
  heartbeat(now: number): Promise<Heartbeat> {
    this.startedAt ??= now;
    return Promise.resolve({ live: [{ id: this.node.id, startedAt: this.startedAt, leaseUntil: now + this.node.leaseMs }], takenOver: 0, lapsed: false });
  }

  async laneDepths(): Promise<LaneDepth[]> {
    // Off the event loop when the worker runs (see Checkpointer.laneDepths), else here.
    const counted = await this.checkpointer?.laneDepths();
    const rows = (counted ?? this.s.laneDepths.all()) as { carrier: Carrier; priority: number; n: number }[];
    return rows.map((r) => ({ carrier: r.carrier, category: CATEGORIES[r.priority] as Category, depth: r.n }));
  }

  async nextDueAt(carrier: Carrier): Promise<number | undefined> {
    let best: number | undefined;
    for (let priority = 0; priority < CATEGORIES.length; priority++) {
      const r = this.s.nextDue.get(carrier, priority) as { due_at: number } | undefined;
      if (r && (best === undefined || r.due_at < best)) best = r.due_at;
    }
    return best;
  }

  /** Resolves when every write handed to the store so far is committed and synced. */
  flushed(): Promise<void> {
    return this.writer.idle();
  }

  /** Move WAL checkpoints to a worker thread (see checkpointer.ts). */
  async startCheckpointer(intervalMs: number): Promise<boolean> {
    if (this.file === ':memory:' || intervalMs <= 0 || this.checkpointer) return this.checkpointer !== undefined;
    this.checkpointer = await Checkpointer.start(this.file, intervalMs);
    if (this.checkpointer && this.db.open) this.db.pragma('wal_autocheckpoint = 0');
    return this.checkpointer !== undefined;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.writer.close();
    await this.checkpointerStarting;
    await this.checkpointer?.close();
    this.checkpointer = undefined;
    this.db.close();
  }
}

/**
 * Opens (creating and migrating) the store. With checkpointIntervalMs
 * (default 200) WAL checkpoints move to a worker thread once it has started
 * (until then, and if it cannot start, SQLite's automatic checkpoints run).
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const store = new SqliteStore(options);
  store.checkpointerStarting = store.startCheckpointer(options.checkpointIntervalMs ?? 200);
  return store;
}
