// Every state change of a message on PostgreSQL: the same transitions as
// the SQLite backend's (sqlite/transitions.ts), as queries on the group
// commit's connection, inside its transaction. A final state and its
// callback outbox row are written together, so a crash can lose neither.
//
// Several nodes may share the database: a claim takes its rows with
// FOR UPDATE SKIP LOCKED (two nodes' claims never return the same message,
// and neither waits for the other), and every update re-checks the state
// it expects, so a change another node made first is seen, not undone.
import type pg from 'pg';
import { callbackBody, callbackEventId, callbackOrigin, finalEventIdSql } from '../callback-body.ts';
import { combineSegments } from '../segment-outcome.ts';
import type { CallbackReplaySelect, CallbackStatus, Carrier, Category, ClaimedMessage, DispatchEvent, DispatchOutcome, FinalState, Heartbeat, MessageError, MessageState, NodeIdentity, ReceiptEvent, RetryOutcome, SegmentState } from '../types.ts';
import { AGGREGATOR, CATEGORIES } from '../types.ts';
import { toClaimedMessage, type ClaimRow } from '../rows.ts';
import { RETRYABLE, type FinalSubject, type OutboxSubject } from '../sqlite/transitions.ts';

type Final = DispatchOutcome['finals'][number];
type Db = pg.ClientBase;

const OPEN: ReadonlySet<string> = new Set(['accepted', 'queued', 'submitted']);
const OPEN_STATES = `(${[...OPEN].map((state) => `'${state}'`).join(', ')})`;
const finalSubject = (alias: string): string =>
  `${alias}state, ${alias}category, ${alias}carrier, ${alias}accepted_at, ${alias}segments, (${alias}callback_url IS NOT NULL)::int AS has_callback`;
const OUTBOX_SUBJECT = 'id, tenant, to_number, category, client_ref, segments, callback_url, carrier, accepted_at, retries';
const RETRYABLE_STATES = `(${RETRYABLE.map((state) => `'${state}'`).join(', ')})`;
// As sqlite/transitions.ts's REPLAY: the current final status's row back to pending, its event id and body unchanged.
const REPLAY = `UPDATE callbacks SET state = 'pending', attempts = 0, created_at = $1, due_at = $1, done_at = NULL, last_error = NULL
  WHERE id IN (SELECT c.id FROM messages m JOIN callbacks c ON c.id = ${finalEventIdSql('m.')}`;

const SQL = {
  transition: 'INSERT INTO transitions (message_id, at, state, detail) VALUES ($1, $2, $3, $4)',
  finalSubject: `SELECT id, ${finalSubject('')} FROM messages WHERE id = $1`,
  outboxSubject: `SELECT ${OUTBOX_SUBJECT} FROM messages WHERE id = $1`,
  finalize: `UPDATE messages SET state = $1, final_at = $2, error_code = $3, error_description = $4 WHERE id = $5 AND state IN ${OPEN_STATES}`,
  outbox: `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9) ON CONFLICT (id) DO NOTHING`,
  // One statement per lane: the rows are locked as they are chosen, and rows another node holds are passed over.
  // The chosen rows in a MATERIALIZED CTE: an IN (subquery LIMIT n) may be run again per row by the planner and take more than n.
  claimLane: `WITH picked AS MATERIALIZED (
                SELECT id FROM messages
                WHERE carrier = $2 AND priority = $3 AND state = 'accepted' AND due_at <= $1 AND expires_at > $1
                ORDER BY due_at LIMIT $4
                FOR UPDATE SKIP LOCKED)
              UPDATE messages m SET state = 'queued', queued_at = $1, claimed_by = $5, lease_until = $6 FROM picked
              WHERE m.id = picked.id AND m.state = 'accepted'
              RETURNING m.id, m.tenant, m.to_number, m.sender, m.category, m.carrier, m.expires_at, m.attempts, m.reroute_count, m.segments, m.due_at`,
  pendingParts: `SELECT message_id, seq, short_message, data_coding, esm_class FROM segments WHERE message_id = ANY($1) AND state = 'pending' ORDER BY message_id, seq`,
  // Only for messages some of whose segments went out already: the route they took.
  partRoutes: `SELECT DISTINCT ON (message_id) message_id, carrier FROM segments WHERE message_id = ANY($1) AND state <> 'pending' AND smsc_id IS NOT NULL`,
  // Through the aggregator the segment's carrier becomes 'aggregator' (the SMSC whose id it holds; its receipts are matched there).
  segmentSubmitted: `UPDATE segments SET state = 'submitted', smsc_id = $1, smsc_alt_id = $2, submitted_at = $3, carrier = COALESCE($6, carrier)
                     WHERE message_id = $4 AND seq = $5 AND state = 'pending'`,
  messageSubmitted: `UPDATE messages SET state = 'submitted', submitted_at = $1, due_at = $2, route = $4 WHERE id = $3 AND state = 'queued'
                       AND NOT EXISTS (SELECT 1 FROM segments WHERE message_id = messages.id AND state = 'pending')
                     RETURNING segments, notify_submitted`,
  segmentsDone: `SELECT COUNT(*) AS n FROM segments WHERE message_id = $1 AND state NOT IN ('pending', 'submitted')`,
  retry: `UPDATE messages SET state = 'accepted', due_at = $1, attempts = attempts + $2, error_code = $3, error_description = $4
          WHERE id = $5 AND state = 'queued' AND expires_at > $1
          RETURNING queued_at`,
  countAttempt: `UPDATE messages SET attempts = attempts + 1 WHERE id = $1`,
  reroute: `UPDATE messages SET carrier = $1, route_source = 'lookup', reroute_count = reroute_count + 1, state = 'accepted', due_at = $2,
              error_code = $3, error_description = $4
            WHERE id = $5 AND state = 'queued' AND carrier = $6 AND expires_at > $2
            RETURNING queued_at`,
  rerouteSegments: `UPDATE segments SET carrier = $1 WHERE message_id = $2`,
  rerouteRecord: 'INSERT INTO reroutes (message_id, at, from_carrier, to_carrier, reason) VALUES ($1, $2, $3, $4, $5)',
  findSegment: (column: 'smsc_id' | 'smsc_alt_id') =>
    `SELECT s.message_id AS id, s.seq, ${finalSubject('m.')} FROM segments s JOIN messages m ON m.id = s.message_id
     WHERE s.carrier = $1 AND s.${column} = $2
     ORDER BY CASE WHEN s.state = 'submitted' THEN 0 ELSE 1 END, s.submitted_at DESC LIMIT 1`,
  segmentDone: `UPDATE segments SET state = $1, done_at = $2, error_code = $3, error_description = $4 WHERE message_id = $5 AND seq = $6 AND state = 'submitted'`,
  segmentStates: `SELECT state FROM segments WHERE message_id = $1`,
  // Locked and skipped like claims: two nodes' sweeps take disjoint rows.
  expireCandidates: `SELECT id FROM messages WHERE state = 'accepted' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  receiptCandidates: `SELECT id FROM messages WHERE state = 'submitted' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
  segmentsTimedOut: `UPDATE segments SET state = 'unknown', done_at = $1 WHERE message_id = $2 AND state = 'submitted'`,
  // At start: this node's previous incarnation's claims, claims older than the leases (or from before them), not a live node's.
  // RETURNING shows the new row: the claiming node comes from the CTE, read before the update.
  requeueOwn: `WITH picked AS MATERIALIZED (
                 SELECT id, claimed_by FROM messages
                 WHERE state = 'queued' AND (claimed_by = $2 OR claimed_by IS NULL OR lease_until IS NULL OR lease_until <= $1)
                 FOR UPDATE)
               UPDATE messages m SET state = 'accepted', due_at = $1, claimed_by = NULL, lease_until = NULL FROM picked
               WHERE m.id = picked.id AND m.state = 'queued'
               RETURNING m.id, m.queued_at, picked.claimed_by`,
  // Every heartbeat: another node's claims whose lease ran out (that node stopped beating), a bounded batch, rows being changed passed over.
  takeOver: `WITH picked AS MATERIALIZED (
               SELECT id, claimed_by FROM messages WHERE state = 'queued' AND lease_until <= $1 AND claimed_by IS DISTINCT FROM $2
               ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED)
             UPDATE messages m SET state = 'accepted', due_at = $1, claimed_by = NULL, lease_until = NULL FROM picked
             WHERE m.id = picked.id AND m.state = 'queued'
             RETURNING m.id, m.queued_at, picked.claimed_by`,
  beat: `INSERT INTO nodes (id, started_at, heartbeat_at, lease_until) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, lease_until = EXCLUDED.lease_until
         RETURNING (SELECT lease_until FROM nodes WHERE id = $1) AS previous`,
  renewClaims: `UPDATE messages SET lease_until = $2 WHERE state = 'queued' AND claimed_by = $1`,
  forgetDead: `DELETE FROM nodes WHERE lease_until <= $1 AND id <> $2`,
  liveNodes: `SELECT id, started_at, lease_until FROM nodes WHERE lease_until > $1 ORDER BY id COLLATE "C"`,
  leave: `DELETE FROM nodes WHERE id = $1`,
  cancel: `UPDATE messages SET state = 'canceled', final_at = $1 WHERE id = $2 AND tenant = $3 AND state = 'accepted' RETURNING ${OUTBOX_SUBJECT}`,
  cancelSegments: `UPDATE segments SET state = 'canceled', done_at = $1 WHERE message_id = $2 AND state = 'pending'`,
  exists: `SELECT state FROM messages WHERE id = $1 AND tenant = $2`,
  retrySubject: `SELECT state, carrier FROM messages WHERE id = $1 FOR UPDATE`,
  operatorRetry: `UPDATE messages SET state = 'accepted', due_at = $1, expires_at = $1 + (expires_at - accepted_at), final_at = NULL, queued_at = NULL,
      submitted_at = NULL, attempts = 0, error_code = NULL, error_description = NULL, retries = retries + 1
    WHERE id = $2 AND state IN ${RETRYABLE_STATES}`,
  retrySegments: `UPDATE segments SET state = 'pending', smsc_id = NULL, smsc_alt_id = NULL, submitted_at = NULL, done_at = NULL, error_code = NULL, error_description = NULL
    WHERE message_id = $1 AND state <> 'delivered'`,
  replayOne: `${REPLAY} WHERE m.id = $2 AND c.state <> 'pending' ORDER BY m.final_at, m.id COLLATE "C" LIMIT $3)`,
  replayRange: `${REPLAY} WHERE m.tenant = $2 AND m.final_at >= $3 AND m.final_at < $4 AND c.state <> 'pending' ORDER BY m.final_at, m.id COLLATE "C" LIMIT $5)`,
};

async function one<T extends pg.QueryResultRow>(db: Db, sql: string, args: unknown[]): Promise<T | undefined> {
  return (await db.query<T>(sql, args)).rows[0];
}

export async function recordTransition(db: Db, id: string, at: number, state: MessageState, detail?: string): Promise<void> {
  await db.query(SQL.transition, [id, at, state, detail ?? null]);
}

async function writeOutbox(db: Db, m: OutboxSubject, status: CallbackStatus, at: number, error?: MessageError): Promise<void> {
  if (m.callback_url === null) return;
  const body = callbackBody({ id: m.id, to: m.to_number, category: m.category, clientRef: m.client_ref, segments: m.segments }, status, at, error);
  await db.query(SQL.outbox, [callbackEventId(m.id, status, m.retries), m.id, m.tenant, m.callback_url, callbackOrigin(m.callback_url), status, body, at, at]);
}

async function outboxSubject(db: Db, id: string): Promise<OutboxSubject> {
  return (await one<OutboxSubject & pg.QueryResultRow>(db, SQL.outboxSubject, [id])) as OutboxSubject;
}

/** Move an open message to a final state (no-op when it already is final). */
export async function finalize(db: Db, id: string, state: FinalState, at: number, error?: MessageError): Promise<Final | undefined> {
  const m = await one<FinalSubject & pg.QueryResultRow>(db, SQL.finalSubject, [id]);
  return m ? finalizeSubject(db, m, state, at, error) : undefined;
}

async function finalizeSubject(db: Db, m: FinalSubject, state: FinalState, at: number, error?: MessageError): Promise<Final | undefined> {
  if (!OPEN.has(m.state)) return undefined;
  // The state guard re-checks under the row lock: another node's final state is not overwritten.
  if ((await db.query(SQL.finalize, [state, at, error?.code ?? null, error?.description ?? null, m.id])).rowCount !== 1) return undefined;
  if (m.has_callback) await writeOutbox(db, await outboxSubject(db, m.id), state, at, error);
  return { id: m.id, state, category: m.category as Category, carrier: m.carrier as Carrier, acceptedAt: m.accepted_at, callback: m.has_callback === 1 };
}

interface ClaimedRow extends ClaimRow {
  due_at: number;
}

export async function claim(db: Db, carrier: Carrier, now: number, limit: number, lanes: readonly Category[], node: NodeIdentity): Promise<ClaimedMessage[]> {
  const rows: ClaimedRow[] = [];
  for (const lane of lanes) {
    const remaining = limit - rows.length;
    if (remaining <= 0) break;
    const got = (await db.query<ClaimedRow>(SQL.claimLane, [now, carrier, CATEGORIES.indexOf(lane), remaining, node.id, now + node.leaseMs])).rows;
    // RETURNING has no order: oldest due first within the lane, as the SELECT chose them.
    rows.push(...got.sort((a, b) => a.due_at - b.due_at || (a.id < b.id ? -1 : 1)));
  }
  if (rows.length === 0) return [];
  const parts = new Map<string, ClaimedMessage['parts'][number][]>();
  const partRows = (
    await db.query<{ message_id: string; seq: number; short_message: Buffer; data_coding: number; esm_class: number }>(SQL.pendingParts, [rows.map((r) => r.id)])
  ).rows;
  for (const p of partRows) {
    const list = parts.get(p.message_id) ?? [];
    list.push({ seq: p.seq, bytes: p.short_message, dataCoding: p.data_coding, esmClass: p.esm_class });
    parts.set(p.message_id, list);
  }
  const partial = rows.filter((m) => (parts.get(m.id)?.length ?? 0) < m.segments).map((m) => m.id);
  const earlier = new Map<string, string>();
  if (partial.length > 0) for (const r of (await db.query<{ message_id: string; carrier: string }>(SQL.partRoutes, [partial])).rows) earlier.set(r.message_id, r.carrier);
  return rows.map((m) => toClaimedMessage(m, parts.get(m.id) ?? [], earlier.get(m.id)));
}

export async function applyDispatch(db: Db, events: readonly DispatchEvent[]): Promise<DispatchOutcome> {
  const unmatched: ReceiptEvent[] = [];
  const finals: Final[] = [];
  const push = (f: Final | undefined): void => {
    if (f) finals.push(f);
  };
  for (const e of events) {
    switch (e.kind) {
      case 'segment_submitted': {
        await db.query(SQL.segmentSubmitted, [e.smscId, e.smscAltId ?? null, e.at, e.messageId, e.seq, e.route === 'aggregator' ? AGGREGATOR : null]);
        const m = await one<{ segments: number; notify_submitted: number }>(db, SQL.messageSubmitted, [e.at, e.receiptDueAt, e.messageId, e.route ?? 'direct']);
        if (!m) break;
        if (m.notify_submitted === 1) await writeOutbox(db, await outboxSubject(db, e.messageId), 'submitted', e.at);
        // Receipts may already have come for other segments (receipt before response): settle now.
        if (m.segments > 1 && ((await one<{ n: number }>(db, SQL.segmentsDone, [e.messageId]))?.n ?? 0) > 0) push(await settle(db, e.messageId, e.at));
        break;
      }
      case 'retry': {
        const back = await one<{ queued_at: number | null }>(db, SQL.retry, [e.dueAt, e.countsAttempt ? 1 : 0, e.error.code, e.error.description, e.messageId]);
        if (back) {
          if (back.queued_at !== null) await recordTransition(db, e.messageId, back.queued_at, 'queued');
          await recordTransition(db, e.messageId, e.at, 'accepted', `retry at ${new Date(e.dueAt).toISOString()}: ${e.error.code}`);
        } else {
          // The back-off would outlive the TTL: the message ends expired rather than be sent late.
          await db.query(SQL.countAttempt, [e.messageId]);
          push(await finalize(db, e.messageId, 'expired', e.at, { code: 'TTL_EXPIRED', description: `expired while retrying after ${e.error.code}` }));
        }
        break;
      }
      case 'reroute': {
        const back = await one<{ queued_at: number | null }>(db, SQL.reroute, [e.to, e.at, e.error.code, e.error.description, e.messageId, e.from]);
        if (back) {
          await db.query(SQL.rerouteSegments, [e.to, e.messageId]);
          await db.query(SQL.rerouteRecord, [e.messageId, e.at, e.from, e.to, e.error.code]);
          if (back.queued_at !== null) await recordTransition(db, e.messageId, back.queued_at, 'queued');
          await recordTransition(db, e.messageId, e.at, 'accepted', `rerouted ${e.from} -> ${e.to}: ${e.from} answered ${e.error.code}`);
        } else {
          push(await finalize(db, e.messageId, 'expired', e.at, { code: 'TTL_EXPIRED', description: `expired before it could be re-routed after ${e.error.code}` }));
        }
        break;
      }
      case 'final':
        push(await finalize(db, e.messageId, e.state, e.at, e.error));
        break;
      case 'receipt': {
        let seg: (FinalSubject & { seq: number }) | undefined;
        // Exact readings first, then the alternative readings of ids whose radix was unknown.
        for (const column of ['smsc_id', 'smsc_alt_id'] as const) {
          for (const key of e.smscIds) {
            seg = await one<FinalSubject & { seq: number }>(db, SQL.findSegment(column), [e.carrier, key]);
            if (seg) break;
          }
          if (seg) break;
        }
        if (!seg) {
          unmatched.push(e);
          break;
        }
        const changed = (await db.query(SQL.segmentDone, [e.outcome, e.at, e.error?.code ?? null, e.error?.description ?? null, seg.id, seg.seq])).rowCount;
        const single = seg.segments === 1 && changed === 1 ? combineSegments([e.outcome]) : undefined;
        push(single ? await finalizeSubject(db, seg, single, e.at, single === 'delivered' ? undefined : e.error) : await settle(db, seg.id, e.at, e.error));
        break;
      }
    }
  }
  return { unmatched, finals };
}

/** Finalize a submitted message once all its segments have an outcome. */
async function settle(db: Db, messageId: string, at: number, error?: MessageError): Promise<Final | undefined> {
  const states = (await db.query<{ state: SegmentState }>(SQL.segmentStates, [messageId])).rows.map((r) => r.state);
  const outcome = combineSegments(states);
  if (!outcome) return undefined;
  return finalize(db, messageId, outcome, at, outcome === 'delivered' ? undefined : error);
}

export async function expire(db: Db, now: number, limit: number): Promise<Final[]> {
  const out: Final[] = [];
  for (const { id } of (await db.query<{ id: string }>(SQL.expireCandidates, [now, limit])).rows) {
    const f = await finalize(db, id, 'expired', now, { code: 'TTL_EXPIRED', description: 'not submitted before expires_at' });
    if (f) out.push(f);
  }
  return out;
}

export async function timeoutReceipts(db: Db, now: number, limit: number): Promise<Final[]> {
  const out: Final[] = [];
  for (const { id } of (await db.query<{ id: string }>(SQL.receiptCandidates, [now, limit])).rows) {
    await db.query(SQL.segmentsTimedOut, [now, id]);
    const f = await settle(db, id, now, { code: 'RECEIPT_TIMEOUT', description: 'no delivery receipt before the receipt deadline' });
    if (f) out.push(f);
  }
  return out;
}

interface RequeuedRow {
  id: string;
  queued_at: number | null;
  claimed_by: string | null;
}

async function recordRequeued(db: Db, rows: readonly RequeuedRow[], now: number, detail: (row: RequeuedRow) => string): Promise<void> {
  for (const row of rows) {
    if (row.queued_at !== null) await recordTransition(db, row.id, row.queued_at, 'queued');
    await recordTransition(db, row.id, now, 'accepted', detail(row));
  }
}

/** At start: this node's own queued messages (its previous incarnation's) and expired claims back to accepted, due now. */
export async function recover(db: Db, now: number, nodeId: string): Promise<number> {
  const rows = (await db.query<RequeuedRow>(SQL.requeueOwn, [now, nodeId])).rows;
  await recordRequeued(db, rows, now, (r) =>
    r.claimed_by === null || r.claimed_by === nodeId
      ? 'recovered after restart: unanswered segments will be sent again'
      : `taken over from node ${r.claimed_by} after its lease expired: unanswered segments will be sent again`,
  );
  return rows.length;
}

/** Messages one heartbeat takes over at most (the rest at the next). */
const TAKEOVER_BATCH = 1000;

/** Renew this node's lease and its claims, take over expired claims of others, read the live nodes. */
export async function heartbeat(db: Db, now: number, node: NodeIdentity, startedAt: number): Promise<Heartbeat> {
  const leaseUntil = now + node.leaseMs;
  const beat = await one<{ previous: number | null }>(db, SQL.beat, [node.id, startedAt, now, leaseUntil]);
  await db.query(SQL.renewClaims, [node.id, leaseUntil]);
  const taken = (await db.query<RequeuedRow>(SQL.takeOver, [now, node.id, TAKEOVER_BATCH])).rows;
  await recordRequeued(db, taken, now, (r) => `taken over from node ${r.claimed_by ?? '?'} after its lease expired: unanswered segments will be sent again`);
  await db.query(SQL.forgetDead, [now, node.id]);
  const live = (await db.query<{ id: string; started_at: number; lease_until: number }>(SQL.liveNodes, [now])).rows;
  const previous = beat?.previous ?? null;
  return {
    live: live.map((r) => ({ id: r.id, startedAt: r.started_at, leaseUntil: r.lease_until })),
    takenOver: taken.length,
    lapsed: previous !== null && previous <= now,
  };
}

/** A clean stop: the node leaves the heartbeat table, so the others take its binds at their next heartbeat. */
export async function leave(db: Db, nodeId: string): Promise<void> {
  await db.query(SQL.leave, [nodeId]);
}

export async function cancel(db: Db, tenant: string, id: string, now: number): Promise<'canceled' | 'not_found' | 'not_cancelable'> {
  const m = await one<OutboxSubject & pg.QueryResultRow>(db, SQL.cancel, [now, id, tenant]);
  if (m) {
    await db.query(SQL.cancelSegments, [now, id]);
    await writeOutbox(db, m, 'canceled', now);
    return 'canceled';
  }
  return (await one(db, SQL.exists, [id, tenant])) ? 'not_cancelable' : 'not_found';
}

export async function retry(db: Db, id: string, now: number, detail: string): Promise<RetryOutcome> {
  const m = await one<{ state: MessageState; carrier: Carrier }>(db, SQL.retrySubject, [id]);
  if (!m) return { kind: 'not_found' };
  if ((await db.query(SQL.operatorRetry, [now, id])).rowCount === 0) return { kind: 'not_retryable', state: m.state };
  await db.query(SQL.retrySegments, [id]);
  await recordTransition(db, id, now, 'accepted', `${detail} (was ${m.state})`);
  return { kind: 'retried', was: m.state, carrier: m.carrier };
}

export async function replay(db: Db, select: CallbackReplaySelect, now: number, limit: number): Promise<number> {
  const r = 'messageId' in select ? await db.query(SQL.replayOne, [now, select.messageId, limit]) : await db.query(SQL.replayRange, [now, select.tenant, select.since, select.until, limit]);
  return r.rowCount ?? 0;
}
