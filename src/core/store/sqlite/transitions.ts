// Every state change of a message, as synchronous statements run inside a
// group-commit transaction. A final state and its callback outbox row are
// written together, so a crash can lose neither alone.
import type Database from 'better-sqlite3';
import { callbackBody, callbackEventId, callbackOrigin, finalEventIdSql } from '../callback-body.ts';
import { combineSegments } from '../segment-outcome.ts';
import type {
  CallbackReplaySelect,
  CallbackStatus,
  Carrier,
  Category,
  ClaimedMessage,
  DispatchEvent,
  DispatchOutcome,
  FinalState,
  MessageError,
  MessageState,
  ReceiptEvent,
  RetryOutcome,
  SegmentState,
} from '../types.ts';
import { AGGREGATOR, CATEGORIES } from '../types.ts';
import { toClaimedMessage, type ClaimRow } from '../rows.ts';

type Final = DispatchOutcome['finals'][number];

/** What a callback outbox row needs of its message (shared with the PostgreSQL store). */
export interface OutboxSubject {
  id: string;
  tenant: string;
  to_number: string;
  category: string;
  client_ref: string | null;
  segments: number;
  callback_url: string | null;
  carrier: string;
  accepted_at: number;
  /** Operator retries so far (the callbacks' generation). */
  retries: number;
}

/** The states a message can still leave: in JS, and as an SQL list. */
const OPEN: ReadonlySet<string> = new Set(['accepted', 'queued', 'submitted']);
const OPEN_STATES = `(${[...OPEN].map((state) => `'${state}'`).join(', ')})`;
/**
 * What a final state needs of its message, read before the update: the
 * state it is in, and the Final's fields. The outbox row's fields are read
 * only when a callback is owed (has_callback): every column read is a string
 * made on the JS side.
 */
export interface FinalSubject {
  id: string;
  state: string;
  category: string;
  carrier: string;
  accepted_at: number;
  segments: number;
  has_callback: number;
}

/** FinalSubject's columns but id, of the messages table under `alias` ('' for none; 'm.' where it is joined). */
const finalSubject = (alias: string): string =>
  `${alias}state, ${alias}category, ${alias}carrier, ${alias}accepted_at, ${alias}segments, ${alias}callback_url IS NOT NULL AS has_callback`;

/** The final states an operator may retry (a new attempt): the carrier or the clock ended them, not the handset. */
export const RETRYABLE: readonly MessageState[] = ['failed', 'expired'];
const RETRYABLE_STATES = `(${RETRYABLE.map((state) => `'${state}'`).join(', ')})`;

/**
 * Replaying a final status callback: the row of the message's current final
 * status goes back to pending, due now, with a fresh age (the sender gives up
 * on a row by its age); its event id and signed body stay as they were, so a
 * receiver that did get it the first time recognises it. Rows still pending
 * are left alone (they are on their way).
 */
const REPLAY = `UPDATE callbacks SET state = 'pending', attempts = 0, created_at = ?, due_at = ?, done_at = NULL, last_error = NULL
  WHERE id IN (SELECT c.id FROM messages m JOIN callbacks c ON c.id = ${finalEventIdSql('m.')}`;
const REPLAY_TAIL = `AND c.state <> 'pending' ORDER BY m.final_at, m.id LIMIT ?)`;

export class MessageTransitions {
  private readonly s;

  constructor(db: Database.Database) {
    const p = (sql: string): Database.Statement => db.prepare(sql);
    this.s = {
      transition: p('INSERT INTO transitions (message_id, at, state, detail) VALUES (?, ?, ?, ?)'),
      // RETURNING costs SQLite an ephemeral table per statement (about 4 µs here, half of an UPDATE):
      // the hot statements read what they need with a plain SELECT or from the row they already found.
      finalSubject: p(`SELECT id, ${finalSubject('')} FROM messages WHERE id = ?`),
      outboxSubject: p('SELECT id, tenant, to_number, category, client_ref, segments, callback_url, carrier, accepted_at, retries FROM messages WHERE id = ?'),
      finalize: p(`UPDATE messages SET state = ?, final_at = ?, error_code = ?, error_description = ? WHERE id = ? AND state IN ${OPEN_STATES}`),
      outbox: p(
        `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      claimLane: p(
        `SELECT id, tenant, to_number, sender, category, carrier, expires_at, attempts, reroute_count, segments FROM messages
         WHERE carrier = ? AND priority = ? AND state = 'accepted' AND due_at <= ? AND expires_at > ?
         ORDER BY due_at LIMIT ?`,
      ),
      markQueued: p(`UPDATE messages SET state = 'queued', queued_at = ? WHERE id = ? AND state = 'accepted'`),
      pendingParts: p(`SELECT seq, short_message, data_coding, esm_class FROM segments WHERE message_id = ? AND state = 'pending' ORDER BY seq`),
      // Only for a message some of whose segments went out already: the route they took.
      partRoute: p(`SELECT carrier FROM segments WHERE message_id = ? AND state <> 'pending' AND smsc_id IS NOT NULL LIMIT 1`),
      // Through the aggregator the segment's carrier becomes 'aggregator': the SMSC whose id it holds, where its receipt comes from.
      segmentSubmitted: p(
        `UPDATE segments SET state = 'submitted', smsc_id = ?, smsc_alt_id = ?, submitted_at = ?, carrier = COALESCE(?, carrier) WHERE message_id = ? AND seq = ? AND state = 'pending'`,
      ),
      // The message is submitted once no segment is left pending: one statement, not a count then an update.
      messageSubmitted: p(
        `UPDATE messages SET state = 'submitted', submitted_at = ?, due_at = ?, route = ? WHERE id = ? AND state = 'queued'
           AND NOT EXISTS (SELECT 1 FROM segments WHERE message_id = messages.id AND state = 'pending')`,
      ),
      submittedShape: p(`SELECT segments, notify_submitted FROM messages WHERE id = ?`),
      segmentsDone: p(`SELECT COUNT(*) AS n FROM segments WHERE message_id = ? AND state NOT IN ('pending', 'submitted')`),
      retry: p(
        `UPDATE messages SET state = 'accepted', due_at = ?, attempts = attempts + ?, error_code = ?, error_description = ?
         WHERE id = ? AND state = 'queued' AND expires_at > ?
         RETURNING queued_at`,
      ),
      countAttempt: p(`UPDATE messages SET attempts = attempts + 1 WHERE id = ?`),
      // A reroute moves the message to the other carrier's lane, due now; its segments (the
      // refused ones are still pending) follow, so receipts are matched on the new carrier.
      reroute: p(
        `UPDATE messages SET carrier = ?, route_source = 'lookup', reroute_count = reroute_count + 1, state = 'accepted', due_at = ?,
           error_code = ?, error_description = ?
         WHERE id = ? AND state = 'queued' AND carrier = ? AND expires_at > ?
         RETURNING queued_at`,
      ),
      rerouteSegments: p(`UPDATE segments SET carrier = ? WHERE message_id = ?`),
      rerouteRecord: p('INSERT INTO reroutes (message_id, at, from_carrier, to_carrier, reason) VALUES (?, ?, ?, ?, ?)'),
      // With the message's subject: a single-segment message is settled from this row alone.
      findSegment: p(
        `SELECT s.message_id AS id, s.seq, ${finalSubject('m.')} FROM segments s JOIN messages m ON m.id = s.message_id
         WHERE s.carrier = ? AND s.smsc_id = ?
         ORDER BY CASE WHEN s.state = 'submitted' THEN 0 ELSE 1 END, s.submitted_at DESC LIMIT 1`,
      ),
      findSegmentAlt: p(
        `SELECT s.message_id AS id, s.seq, ${finalSubject('m.')} FROM segments s JOIN messages m ON m.id = s.message_id
         WHERE s.carrier = ? AND s.smsc_alt_id = ?
         ORDER BY CASE WHEN s.state = 'submitted' THEN 0 ELSE 1 END, s.submitted_at DESC LIMIT 1`,
      ),
      segmentDone: p(`UPDATE segments SET state = ?, done_at = ?, error_code = ?, error_description = ? WHERE message_id = ? AND seq = ? AND state = 'submitted'`),
      segmentStates: p(`SELECT state FROM segments WHERE message_id = ?`),
      expireCandidates: p(`SELECT id FROM messages WHERE state = 'accepted' AND expires_at <= ? ORDER BY expires_at LIMIT ?`),
      receiptCandidates: p(`SELECT id FROM messages WHERE state = 'submitted' AND due_at <= ? ORDER BY due_at LIMIT ?`),
      segmentsTimedOut: p(`UPDATE segments SET state = 'unknown', done_at = ? WHERE message_id = ? AND state = 'submitted'`),
      inFlight: p(`SELECT id, queued_at FROM messages WHERE state = 'queued'`),
      requeue: p(`UPDATE messages SET state = 'accepted', due_at = ? WHERE id = ? AND state = 'queued'`),
      cancel: p(
        `UPDATE messages SET state = 'canceled', final_at = ? WHERE id = ? AND tenant = ? AND state = 'accepted'
         RETURNING id, tenant, to_number, category, client_ref, segments, callback_url, carrier, accepted_at, retries`,
      ),
      // A canceled message's segments say so too, not "pending" for ever.
      cancelSegments: p(`UPDATE segments SET state = 'canceled', done_at = ? WHERE message_id = ? AND state = 'pending'`),
      exists: p(`SELECT state FROM messages WHERE id = ? AND tenant = ?`),
      retrySubject: p(`SELECT state, carrier FROM messages WHERE id = ?`),
      // A new attempt: back in its lane, due now, with the TTL it was accepted with counted from now.
      operatorRetry: p(
        `UPDATE messages SET state = 'accepted', due_at = ?, expires_at = ? + (expires_at - accepted_at), final_at = NULL, queued_at = NULL,
           submitted_at = NULL, attempts = 0, error_code = NULL, error_description = NULL, retries = retries + 1
         WHERE id = ? AND state IN ${RETRYABLE_STATES}`,
      ),
      // Delivered segments stay delivered; the rest go on the wire again.
      retrySegments: p(
        `UPDATE segments SET state = 'pending', smsc_id = NULL, smsc_alt_id = NULL, submitted_at = NULL, done_at = NULL, error_code = NULL, error_description = NULL
         WHERE message_id = ? AND state <> 'delivered'`,
      ),
      replayOne: p(`${REPLAY} WHERE m.id = ? ${REPLAY_TAIL}`),
      replayRange: p(`${REPLAY} WHERE m.tenant = ? AND m.final_at >= ? AND m.final_at < ? ${REPLAY_TAIL}`),
    };
  }

  record(id: string, at: number, state: MessageState, detail?: string): void {
    this.s.transition.run(id, at, state, detail ?? null);
  }

  private writeOutbox(m: OutboxSubject, status: CallbackStatus, at: number, error?: MessageError): void {
    if (m.callback_url === null) return;
    const body = callbackBody({ id: m.id, to: m.to_number, category: m.category, clientRef: m.client_ref, segments: m.segments }, status, at, error);
    this.s.outbox.run(callbackEventId(m.id, status, m.retries), m.id, m.tenant, m.callback_url, callbackOrigin(m.callback_url), status, body, at, at);
  }

  /** Move an open message to a final state (no-op when it already is final). */
  finalize(id: string, state: FinalState, at: number, error?: MessageError): Final | undefined {
    const m = this.s.finalSubject.get(id) as FinalSubject | undefined;
    return m ? this.finalizeSubject(m, state, at, error) : undefined;
  }

  /** finalize() for a message already read in this transaction (its row is current: one writer). */
  private finalizeSubject(m: FinalSubject, state: FinalState, at: number, error?: MessageError): Final | undefined {
    if (!OPEN.has(m.state)) return undefined;
    if (this.s.finalize.run(state, at, error?.code ?? null, error?.description ?? null, m.id).changes !== 1) return undefined;
    if (m.has_callback) this.writeOutbox(this.s.outboxSubject.get(m.id) as OutboxSubject, state, at, error);
    return { id: m.id, state, category: m.category as Category, carrier: m.carrier as Carrier, acceptedAt: m.accepted_at, callback: m.has_callback === 1 };
  }

  claim(carrier: Carrier, now: number, limit: number, lanes: readonly Category[]): ClaimedMessage[] {
    const out: ClaimedMessage[] = [];
    for (const lane of lanes) {
      const remaining = limit - out.length;
      if (remaining <= 0) break;
      const priority = CATEGORIES.indexOf(lane);
      const rows = this.s.claimLane.all(carrier, priority, now, now, remaining) as ClaimRow[];
      for (const m of rows) {
        const id = m.id;
        if (this.s.markQueued.run(now, id).changes !== 1) continue;
        const parts = (this.s.pendingParts.all(id) as { seq: number; short_message: Buffer; data_coding: number; esm_class: number }[]).map((p) => ({
          seq: p.seq,
          bytes: p.short_message,
          dataCoding: p.data_coding,
          esmClass: p.esm_class,
        }));
        const earlier = parts.length < m.segments ? (this.s.partRoute.get(id) as { carrier: string } | undefined) : undefined;
        out.push(toClaimedMessage(m, parts, earlier?.carrier));
      }
    }
    return out;
  }

  apply(events: readonly DispatchEvent[]): DispatchOutcome {
    const unmatched: ReceiptEvent[] = [];
    const finals: Final[] = [];
    for (const e of events) {
      switch (e.kind) {
        case 'segment_submitted': {
          const viaAggregator = e.route === 'aggregator';
          this.s.segmentSubmitted.run(e.smscId, e.smscAltId ?? null, e.at, viaAggregator ? AGGREGATOR : null, e.messageId, e.seq);
          if (this.s.messageSubmitted.run(e.at, e.receiptDueAt, e.route ?? 'direct', e.messageId).changes !== 1) break;
          const m = this.s.submittedShape.get(e.messageId) as { segments: number; notify_submitted: number };
          if (m.notify_submitted === 1) this.writeOutbox(this.s.outboxSubject.get(e.messageId) as OutboxSubject, 'submitted', e.at);
          // Receipts may already have come for other segments (receipt before response): settle now.
          // A single segment cannot have one: its receipt is matched by the id written just above.
          if (m.segments > 1 && (this.s.segmentsDone.get(e.messageId) as { n: number }).n > 0) {
            const f = this.settle(e.messageId, e.at);
            if (f) finals.push(f);
          }
          break;
        }
        case 'retry': {
          const back = this.s.retry.get(e.dueAt, e.countsAttempt ? 1 : 0, e.error.code, e.error.description, e.messageId, e.dueAt) as { queued_at: number | null } | undefined;
          if (back) {
            // queued_at will be overwritten by the next claim: keep this round in the transitions table.
            if (back.queued_at !== null) this.record(e.messageId, back.queued_at, 'queued');
            this.record(e.messageId, e.at, 'accepted', `retry at ${new Date(e.dueAt).toISOString()}: ${e.error.code}`);
          } else {
            // The back-off would outlive the TTL: the message ends expired rather than be sent late.
            this.s.countAttempt.run(e.messageId);
            const f = this.finalize(e.messageId, 'expired', e.at, { code: 'TTL_EXPIRED', description: `expired while retrying after ${e.error.code}` });
            if (f) finals.push(f);
          }
          break;
        }
        case 'reroute': {
          const back = this.s.reroute.get(e.to, e.at, e.error.code, e.error.description, e.messageId, e.from, e.at) as { queued_at: number | null } | undefined;
          if (back) {
            this.s.rerouteSegments.run(e.to, e.messageId);
            this.s.rerouteRecord.run(e.messageId, e.at, e.from, e.to, e.error.code);
            if (back.queued_at !== null) this.record(e.messageId, back.queued_at, 'queued');
            this.record(e.messageId, e.at, 'accepted', `rerouted ${e.from} -> ${e.to}: ${e.from} answered ${e.error.code}`);
          } else {
            const f = this.finalize(e.messageId, 'expired', e.at, { code: 'TTL_EXPIRED', description: `expired before it could be re-routed after ${e.error.code}` });
            if (f) finals.push(f);
          }
          break;
        }
        case 'final': {
          const f = this.finalize(e.messageId, e.state, e.at, e.error);
          if (f) finals.push(f);
          break;
        }
        case 'receipt': {
          let seg: (FinalSubject & { seq: number }) | undefined;
          // Exact readings first, then the alternative readings of ids whose radix was unknown.
          for (const key of e.smscIds) {
            seg = this.s.findSegment.get(e.carrier, key) as typeof seg;
            if (seg) break;
          }
          for (let i = 0; !seg && i < e.smscIds.length; i++) seg = this.s.findSegmentAlt.get(e.carrier, e.smscIds[i]) as typeof seg;
          if (!seg) {
            unmatched.push(e);
            break;
          }
          const changed = this.s.segmentDone.run(e.outcome, e.at, e.error?.code ?? null, e.error?.description ?? null, seg.id, seg.seq).changes;
          // One segment, just settled by this receipt: the message ends as the segment did, from the row read above.
          const single = seg.segments === 1 && changed === 1 ? combineSegments([e.outcome]) : undefined;
          const f = single
            ? this.finalizeSubject(seg, single, e.at, single === 'delivered' ? undefined : e.error)
            : this.settle(seg.id, e.at, e.error);
          if (f) finals.push(f);
          break;
        }
      }
    }
    return { unmatched, finals };
  }

  /** Finalize a submitted message once all its segments have an outcome. */
  private settle(messageId: string, at: number, error?: MessageError): Final | undefined {
    const states = (this.s.segmentStates.all(messageId) as { state: SegmentState }[]).map((r) => r.state);
    const outcome = combineSegments(states);
    if (!outcome) return undefined;
    return this.finalize(messageId, outcome, at, outcome === 'delivered' ? undefined : error);
  }

  expire(now: number, limit: number): Final[] {
    const out: Final[] = [];
    for (const { id } of this.s.expireCandidates.all(now, limit) as { id: string }[]) {
      const f = this.finalize(id, 'expired', now, { code: 'TTL_EXPIRED', description: 'not submitted before expires_at' });
      if (f) out.push(f);
    }
    return out;
  }

  timeoutReceipts(now: number, limit: number): Final[] {
    const out: Final[] = [];
    for (const { id } of this.s.receiptCandidates.all(now, limit) as { id: string }[]) {
      this.s.segmentsTimedOut.run(now, id);
      const f = this.settle(id, now, { code: 'RECEIPT_TIMEOUT', description: 'no delivery receipt before the receipt deadline' });
      if (f) out.push(f);
    }
    return out;
  }

  recover(now: number): number {
    const ids = this.s.inFlight.all() as { id: string; queued_at: number | null }[];
    for (const { id, queued_at } of ids) {
      this.s.requeue.run(now, id);
      if (queued_at !== null) this.record(id, queued_at, 'queued');
      this.record(id, now, 'accepted', 'recovered after restart: unanswered segments will be sent again');
    }
    return ids.length;
  }

  cancel(tenant: string, id: string, now: number): 'canceled' | 'not_found' | 'not_cancelable' {
    const m = this.s.cancel.get(now, id, tenant) as OutboxSubject | undefined;
    if (m) {
      this.s.cancelSegments.run(now, id);
      this.writeOutbox(m, 'canceled', now);
      return 'canceled';
    }
    return this.s.exists.get(id, tenant) ? 'not_cancelable' : 'not_found';
  }

  retry(id: string, now: number, detail: string): RetryOutcome {
    const m = this.s.retrySubject.get(id) as { state: MessageState; carrier: Carrier } | undefined;
    if (!m) return { kind: 'not_found' };
    if (this.s.operatorRetry.run(now, now, id).changes === 0) return { kind: 'not_retryable', state: m.state };
    this.s.retrySegments.run(id);
    this.record(id, now, 'accepted', `${detail} (was ${m.state})`);
    return { kind: 'retried', was: m.state, carrier: m.carrier };
  }

  replay(select: CallbackReplaySelect, now: number, limit: number): number {
    const run = 'messageId' in select ? this.s.replayOne.run(now, now, select.messageId, limit) : this.s.replayRange.run(now, now, select.tenant, select.since, select.until, limit);
    return run.changes;
  }
}
