// The store contract: everything the API, dispatch and callback rooms need
// from durable storage. SQLite implements it now (store/sqlite/); a
// PostgreSQL backend will implement the same interface later, so every
// method is asynchronous even where better-sqlite3 is not.
//
// Durability: every method that writes resolves only after its transaction
// has committed (group commit: concurrent callers share one transaction).

import type { Carrier, Category, RouteSource } from '../message/index.ts';

// The words come from the message room (which takes them from the shared
// vocabulary); the store's door passes them on to its callers. CATEGORIES
// is in priority order: index 0 is served first (lane priority = index).
export { CARRIERS, CATEGORIES, type Carrier, type Category } from '../message/index.ts';

export type Encoding = 'GSM-7' | 'UCS-2';

/** How a message goes out: its carrier's own links, or the fallback route bought for continuity (the aggregator). */
export const ROUTES = ['direct', 'aggregator'] as const;
export type MessageRoute = (typeof ROUTES)[number];
/** The fallback route's SMSC, reaching every carrier's subscribers. */
export const AGGREGATOR = 'aggregator';
/** An SMSC the core holds links to: a carrier's own, or the aggregator. */
export type Smsc = Carrier | typeof AGGREGATOR;

export const FINAL_STATES = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled', 'unknown'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

/**
 * accepted  - stored, waiting in its lane (not yet due, held, or backing off before a retry)
 * queued    - claimed by a carrier link; its segments are being submitted. After a crash
 *             these are the rows that may already be on the wire: recovery puts them back
 *             to accepted and sends the segments without an SMSC id again.
 * submitted - every segment has a submit_sm_resp with an SMSC message id; awaiting receipts
 * then exactly one final state.
 */
export type MessageState = 'accepted' | 'queued' | 'submitted' | FinalState;

export function isFinalState(state: string): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/** One already-encoded short_message (UDH included) as it goes on the wire. */
export interface MessagePart {
  readonly bytes: Uint8Array;
  /** data_coding for the submit_sm (0x00 GSM default, 0x08 UCS2). */
  readonly dataCoding: number;
  /** esm_class for the submit_sm (0x40 UDHI when the part carries a UDH). */
  readonly esmClass: number;
}

export interface NewMessage {
  /** Sortable id from `createMessageId` (time-ordered). */
  readonly id: string;
  readonly tenant: string;
  /** Canonical E.164 without '+', e.g. 819012345678. */
  readonly to: string;
  readonly text: string;
  readonly category: Category;
  readonly sender?: string;
  readonly callbackUrl?: string;
  readonly clientRef?: string;
  readonly encoding: Encoding;
  readonly segments: number;
  readonly characters: number;
  /** Route chosen at accept time (the routing room's CarrierRouter); a reroute changes it. */
  readonly carrier: Carrier;
  /** Where the carrier came from: the number lookup (just now, or its cache) or the prefix table. Absent: prefix. */
  readonly routeSource?: RouteSource;
  /** ms since epoch. */
  readonly acceptedAt: number;
  /** ms since epoch: not submitted by then means expired, never sent late. */
  readonly expiresAt: number;
  /** ms since epoch; absent = send as soon as possible. */
  readonly scheduledAt?: number;
  /** ms since epoch: the earliest claim when later than acceptedAt and scheduledAt (the tenant's send window opens then). */
  readonly sendableAt?: number;
  /** Write a `submitted` callback too, not only the final one. */
  readonly notifySubmitted: boolean;
  /** One entry per segment, in order; parts.length === segments. */
  readonly parts: readonly MessagePart[];
}

/** The first answer to an idempotent request, replayed on a retry with the same key. */
export interface IdempotencyEntry {
  readonly tenant: string;
  readonly key: string;
  /** Hash of the request body: a retry with the same key but another body is a conflict. */
  readonly requestHash: string;
  /** HTTP status of the first answer. */
  readonly status: number;
  /** Response body of the first answer (JSON text). */
  readonly body: string;
  readonly createdAt?: number;
}

export type InsertOutcome =
  | { readonly kind: 'inserted' }
  /** Another request with this key committed first: answer with its response. */
  | { readonly kind: 'replayed'; readonly idempotency: IdempotencyEntry };

export interface MessageError {
  /** Stable code, e.g. 'ESME_RINVDSTADR' or 'RECEIPT_UNDELIV' or 'TTL_EXPIRED'. */
  readonly code: string;
  readonly description: string;
}

export interface Transition {
  readonly state: MessageState;
  readonly at: number;
  readonly detail?: string;
}

export type SegmentState = 'pending' | 'submitted' | 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed' | 'unknown' | 'canceled';

export interface SegmentRecord {
  /** 1-based. */
  readonly seq: number;
  readonly state: SegmentState;
  /** Normalised SMSC message id from submit_sm_resp. */
  readonly smscId?: string;
  readonly submittedAt?: number;
  readonly doneAt?: number;
  readonly error?: MessageError;
}

/** A stored message: what was accepted (without its encoded parts) and where it stands. */
export interface MessageRecord extends Omit<NewMessage, 'parts'> {
  readonly state: MessageState;
  /** The route its segments went out on: the carrier's own links or the fallback route (the aggregator); absent until submitted. */
  readonly route?: MessageRoute;
  readonly submittedAt?: number;
  readonly finalAt?: number;
  /** Submission attempts so far (retries after temporary SMPP errors count). */
  readonly attempts: number;
  readonly error?: MessageError;
}

/** A carrier refused the number as not its subscriber's and the message went to the carrier the lookup named next. */
export interface Reroute {
  readonly at: number;
  readonly from: Carrier;
  readonly to: Carrier;
  /** What the carrier left said, e.g. 'ESME_RINVDSTADR'. */
  readonly reason: string;
}

export interface MessageDetail extends MessageRecord {
  /** Every reroute, oldest first (at most one today). */
  readonly reroutes: readonly Reroute[];
  /** Every state change, oldest first. */
  readonly transitions: readonly Transition[];
  readonly segmentStates: readonly SegmentRecord[];
}

export interface ListFilter {
  readonly state?: MessageState;
  readonly category?: Category;
  readonly to?: string;
  readonly clientRef?: string;
  /** acceptedAt >= since (ms). */
  readonly since?: number;
  /** acceptedAt < until (ms). */
  readonly until?: number;
}

export interface MessagePage {
  /** Oldest first (id order). */
  readonly messages: readonly MessageRecord[];
  /** Opaque keyset cursor for the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

export type CancelOutcome = 'canceled' | 'not_found' | 'not_cancelable';

/** An operator retry: a failed or expired message back in its lane for a new attempt. */
export type RetryOutcome =
  | { readonly kind: 'retried'; readonly was: MessageState; readonly carrier: Carrier }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_retryable'; readonly state: MessageState };

/** Whose final status callbacks to send again: one message's, or a tenant's messages that ended in [since, until). */
/** The most callbacks one replay puts back (a bulk replay is a bounded piece of work). */
export const REPLAY_MAX = 10_000;
export const replayLimit = (limit: number): number => Math.max(1, Math.min(REPLAY_MAX, Math.floor(limit)));

export type CallbackReplaySelect = { readonly messageId: string } | { readonly tenant: string; readonly since: number; readonly until: number };

// ---------------------------------------------------------------- callbacks

/** What an outbox entry reports: a message's status, or an inbound (mobile-originated) message forwarded to the tenant. */
export type CallbackStatus = 'submitted' | FinalState | 'inbound';

/**
 * One signed POST owed to a receiver (a status callback: written in the same
 * transaction as the state change it reports, so none is lost across a crash).
 */
export interface CallbackJob {
  /** Stable event id (`X-Denpa-Event-Id`): `<messageId>.<status>`, `.<n>` after an operator retry (callbackEventId). */
  readonly id: string;
  readonly messageId: string;
  readonly tenant: string;
  readonly url: string;
  /** scheme://host:port of url (`callbackOrigin`): the unit the sender bounds its work by. */
  readonly origin: string;
  readonly status: CallbackStatus;
  /**
   * The exact JSON body to POST (and sign), fixed at write time:
   * {id, status, client_ref, to, category, at, error?, segments}.
   */
  readonly body: string;
  readonly attempts: number;
  readonly createdAt: number;
  readonly dueAt: number;
  readonly lastError?: string;
}

/**
 * What became of claimed callbacks, written together (one transaction for
 * many POSTs' bookkeeping):
 * - delivered: a 2xx came back;
 * - retry: an attempt failed, due again at dueAt (attempts counts it);
 * - deferred: not attempted (its origin is backing off), due again at dueAt, attempts unchanged;
 * - abandoned: given up (too old, tenant gone), kept for audit;
 * - origin_deferred: every pending row of the origin due before dueAt moves to dueAt
 *   (the origin backs off: its rows leave the due range at once, not one claim at a time).
 */
export type CallbackSettlement =
  | { readonly kind: 'delivered'; readonly id: string; readonly at: number }
  | { readonly kind: 'retry'; readonly id: string; readonly dueAt: number; readonly attempts: number; readonly lastError: string }
  | { readonly kind: 'deferred'; readonly id: string; readonly dueAt: number }
  | { readonly kind: 'abandoned'; readonly id: string; readonly at: number; readonly reason: string }
  | { readonly kind: 'origin_deferred'; readonly origin: string; readonly dueAt: number };

// ---------------------------------------------------------------- dispatch

/** A message claimed for submission: only the segments still to send. */
export interface ClaimedMessage {
  readonly id: string;
  readonly tenant: string;
  readonly to: string;
  readonly sender?: string;
  readonly category: Category;
  readonly carrier: Carrier;
  readonly expiresAt: number;
  readonly attempts: number;
  /** Times it was re-routed to another carrier already (a message is re-routed at most once). */
  readonly reroutes: number;
  readonly segments: number;
  readonly parts: readonly ClaimedPart[];
  /**
   * The route its earlier segments went out on, when some were submitted
   * before (a long message cut by a lost link): the rest must follow them,
   * since a handset's network joins segments that came by one SMSC. Absent
   * when none was submitted: the route switch chooses.
   */
  readonly route?: MessageRoute;
}

export interface ClaimedPart extends MessagePart {
  /** 1-based segment number. */
  readonly seq: number;
}

/** What a receipt said about one segment (SMPP stat mapped to our terms). */
export type ReceiptOutcome = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed' | 'unknown';

export type DispatchEvent =
  /** submit_sm_resp OK for one segment. */
  | {
      readonly kind: 'segment_submitted';
      readonly messageId: string;
      readonly seq: number;
      /** Normalised SMSC id (the id as written, read in the most likely radix). */
      readonly smscId: string;
      /** Another reading of the same id when its radix is unknown (digits only: decimal or hex). */
      readonly smscAltId?: string;
      readonly at: number;
      /** When no receipt has come by then, the message ends `unknown`. */
      readonly receiptDueAt: number;
      /** The route it went out on (absent: direct). Through the aggregator, its receipt comes from the aggregator and is matched there. */
      readonly route?: MessageRoute;
    }
  /** A temporary failure: the message goes back to its lane, due again at `dueAt`. */
  | {
      readonly kind: 'retry';
      readonly messageId: string;
      readonly dueAt: number;
      readonly at: number;
      /** Whether this retry counts against the bounded attempts (ESME_RSYSERR yes; throttling, link loss no). */
      readonly countsAttempt: boolean;
      readonly error: MessageError;
    }
  /**
   * The carrier refused the number as not its own (ESME_RINVDSTADR) and the
   * lookup names another: the message goes back to accepted in `to`'s lane,
   * due now, its unsent segments to be sent there.
   */
  | { readonly kind: 'reroute'; readonly messageId: string; readonly from: Carrier; readonly to: Carrier; readonly at: number; readonly error: MessageError }
  /** A final outcome decided by dispatch (rejected, failed, expired, ...). */
  | { readonly kind: 'final'; readonly messageId: string; readonly state: FinalState; readonly at: number; readonly error?: MessageError }
  /** A delivery receipt for one segment, correlated by the normalised SMSC id. */
  | {
      readonly kind: 'receipt';
      /** The SMSC that sent it: a carrier, or 'aggregator' for the fallback route's receipts. */
      readonly carrier: Smsc;
      /** Every key the receipt's id may mean, most likely first; the first that matches a segment wins. */
      readonly smscIds: readonly string[];
      readonly outcome: ReceiptOutcome;
      readonly at: number;
      readonly error?: MessageError;
    };

export type ReceiptEvent = Extract<DispatchEvent, { kind: 'receipt' }>;

export interface DispatchOutcome {
  /** Receipts whose SMSC id matched no segment (yet): the caller may hold and retry them. */
  readonly unmatched: readonly ReceiptEvent[];
  /** Messages that reached a final state in this batch. */
  readonly finals: readonly {
    readonly id: string;
    readonly state: FinalState;
    readonly category: Category;
    readonly carrier: Carrier;
    readonly acceptedAt: number;
    /** A status callback for this final state was written to the outbox (the message has a callback_url). */
    readonly callback: boolean;
  }[];
}

export interface LaneDepth {
  readonly carrier: Carrier;
  readonly category: Category;
  /** Messages in state accepted (waiting or held) in this lane. */
  readonly depth: number;
}

// ---------------------------------------------------------------- operator alerts

/**
 * The outbox's tenant for operator alerts (off-hours logins and actions):
 * the colon keeps it out of the configured tenant names' alphabet, and the
 * callback sender signs with the alert secret configured under it.
 */
export const OPS_ALERT_TENANT = 'denpa:ops-alerts';

export interface OperatorAlertJob {
  readonly id: string;
  readonly url: string;
  /** JSON, POSTed as it is. */
  readonly body: string;
  readonly at: number;
}

// ---------------------------------------------------------------- opt-outs

/** How a number came onto a tenant's opt-out list: the API, or a reply (MO) with an opt-out keyword. */
export type OptOutSource = 'api' | 'mo-keyword';

/** A number (canonical, 81…) that asked a tenant to send it no more promotions. */
export interface OptOut {
  readonly number: string;
  readonly at: number;
  readonly source: OptOutSource;
}

export interface OptOutPage {
  readonly optOuts: OptOut[];
  /** The last number of this page when there may be more; pass it back as the cursor. */
  readonly nextCursor: string | null;
}

// ---------------------------------------------------------------- inbound (MO)

/** A mobile-originated message as the core received it (deliver_sm with a non-receipt esm_class). */
export interface InboundMessage {
  /** Sortable id from `createMessageId` (time-ordered). */
  readonly id: string;
  /** The tenant it was addressed to; null when none could be found (recorded, not forwarded). */
  readonly tenant: string | null;
  /** The SMSC it came from (a carrier's, or 'aggregator'). */
  readonly carrier: Smsc;
  /** The handset, canonical (81…) when it reads as a Japanese mobile number, else as received. */
  readonly from: string;
  /** destination_addr as received: the number or short code the handset wrote to. */
  readonly to: string;
  readonly text: string;
  readonly receivedAt: number;
  /** The opt-out keyword the text matched (normalised), when it did. */
  readonly optOutKeyword?: string;
}

export interface InboundRecord extends InboundMessage {
  /** Whether a forward to the tenant's inbound URL was put in the outbox. */
  readonly forwarded: boolean;
}

export interface InboundPage {
  /** Oldest first (id order). */
  readonly messages: readonly InboundRecord[];
  readonly nextCursor: string | null;
}

// ---------------------------------------------------------------- nodes

/**
 * Who this core is on a shared store (several nodes on one PostgreSQL
 * database): its id, and how long its claims and its place among the live
 * nodes last without a heartbeat.
 */
export interface NodeIdentity {
  readonly id: string;
  readonly leaseMs: number;
}

/** A node in the heartbeat table. */
export interface NodeLease {
  readonly id: string;
  /** When this incarnation of the node first beat. */
  readonly startedAt: number;
  readonly leaseUntil: number;
}

export interface Heartbeat {
  /** The live nodes (lease not expired), this one included, in id order (bytewise). */
  readonly live: readonly NodeLease[];
  /** Messages in flight on nodes whose lease expired, put back in their lanes by this heartbeat. */
  readonly takenOver: number;
  /** This node's own lease had expired before this renewal (it stalled): other nodes may have taken its work. */
  readonly lapsed: boolean;
}

// ---------------------------------------------------------------- the store

export interface Store {
  // -- API
  /**
   * Store messages (all or nothing) and, when given, the idempotency entry in
   * the same transaction. Resolves after the commit is durable. When an entry
   * with the same (tenant, key) already exists nothing is stored and the
   * existing entry is returned.
   */
  insertMessages(messages: readonly NewMessage[], idempotency?: IdempotencyEntry): Promise<InsertOutcome>;
  findIdempotency(tenant: string, key: string): Promise<IdempotencyEntry | undefined>;
  getMessage(id: string): Promise<MessageDetail | undefined>;
  listMessages(tenant: string, filter: ListFilter, cursor: string | undefined, limit: number): Promise<MessagePage>;
  /** Cancel a message still waiting in its lane (state accepted). Writes the canceled callback. */
  cancelMessage(tenant: string, id: string, now: number): Promise<CancelOutcome>;
  /**
   * An operator's retry of a message that ended failed or expired: back to
   * accepted and due now, its TTL counted again from now, its undelivered
   * segments pending again, the transition recorded with `detail`; its
   * callbacks start a new generation (their event ids carry the retry count).
   * Any other state is refused and nothing changes.
   */
  retryMessage(id: string, now: number, detail: string): Promise<RetryOutcome>;
  /**
   * Send final status callbacks again (see CallbackReplaySelect), at most
   * `limit`, oldest final first: each goes back to the outbox as pending, with
   * its event id and body unchanged. Resolves with how many were put back
   * (callbacks still pending are not counted: they are on their way).
   */
  replayCallbacks(select: CallbackReplaySelect, now: number, limit: number): Promise<number>;

  // -- opt-outs (promotions only; OTP, notices and dunning are not affected)
  /** Put numbers on a tenant's list; a number already there keeps its first entry. Resolves with how many were new. */
  addOptOuts(tenant: string, numbers: readonly string[], at: number, source: OptOutSource): Promise<number>;
  /** Take numbers off a tenant's list; resolves with how many were on it. */
  removeOptOuts(tenant: string, numbers: readonly string[]): Promise<number>;
  /** Which of `numbers` are on the tenant's list (a read, for the accept path). */
  optedOut(tenant: string, numbers: readonly string[]): Promise<string[]>;
  /** The tenant's list in number order, `limit` (1..1000) per page after `cursor`. */
  listOptOuts(tenant: string, cursor: string | undefined, limit: number): Promise<OptOutPage>;

  // -- inbound (mobile-originated) messages
  /**
   * Record an MO and, in the same transaction, put its sender on the tenant's
   * opt-out list (when it matched a keyword; source 'mo-keyword') and queue a
   * forward to `forwardUrl` in the callback outbox (status 'inbound'), so a
   * crash after the commit loses neither.
   */
  recordInbound(message: InboundMessage, forwardUrl?: string): Promise<void>;
  /** Which of `tenants` last sent a message to `handset` from `sender` (the reply's tenant), if any. */
  tenantOfReply(handset: string, sender: string, tenants: readonly string[]): Promise<string | undefined>;
  /** A tenant's inbound messages in id order, `limit` (1..1000) per page after `cursor`. */
  listInbound(tenant: string, cursor: string | undefined, limit: number): Promise<InboundPage>;

  // -- callback outbox
  /**
   * Due callbacks, oldest first, none of whose origin is in `skipOrigins`
   * (at most 100; the sender's origins at their bound or backing off). Each
   * claimed job is leased: its dueAt moves to now + leaseMs so that no other
   * claim returns it while it is being sent.
   */
  /** Put an operator alert into the callbacks outbox, for the callback sender to POST (signed, retried). */
  queueOperatorAlert(alert: OperatorAlertJob): Promise<void>;
  claimDueCallbacks(now: number, limit: number, leaseMs?: number, skipOrigins?: readonly string[]): Promise<CallbackJob[]>;
  /** Record what became of claimed callbacks, all in one transaction. */
  settleCallbacks(settlements: readonly CallbackSettlement[]): Promise<void>;
  /** Callbacks still owed (not delivered, not abandoned). */
  pendingCallbackCount(): Promise<number>;

  // -- dispatch
  /**
   * Claim up to `limit` due messages of one carrier, lanes in priority order
   * (`lanes` defaults to all four: otp, notice, dunning, promotion), oldest due
   * first within a lane. Claimed messages move to `queued`. Messages already
   * past expiresAt are not claimed (the expiry sweep ends them).
   */
  claimDue(carrier: Carrier, now: number, limit: number, lanes?: readonly Category[]): Promise<ClaimedMessage[]>;
  /** Apply submit results, retries, finals and receipts in one transaction. */
  applyDispatch(events: readonly DispatchEvent[]): Promise<DispatchOutcome>;
  /** End up to `limit` waiting (accepted) messages whose expiresAt has passed as `expired`. */
  expireDue(now: number, limit: number): Promise<DispatchOutcome['finals']>;
  /** End up to `limit` submitted messages whose receipt deadline has passed as `unknown`. */
  timeoutReceipts(now: number, limit: number): Promise<DispatchOutcome['finals']>;
  /**
   * Crash recovery, called once at start before dispatch: every `queued` message
   * claimed by the previous process (possibly on the wire) goes back to
   * accepted and due now; its segments without an SMSC id will be sent again.
   * On a shared store "the previous process" is this node's id (its previous
   * incarnation), plus any node whose lease has expired; another live node's
   * in-flight messages are left alone. Returns how many were put back.
   */
  recoverInFlight(now: number): Promise<number>;
  /**
   * Renew this node's lease (in the heartbeat table and on every message it
   * has in flight), put back in their lanes the in-flight messages of nodes
   * whose lease expired, and read the live nodes. On SQLite (one core per
   * data directory) the node is alone and nothing is taken over.
   */
  heartbeat(now: number): Promise<Heartbeat>;
  /** Waiting messages per lane (for metrics; costs an index scan). */
  laneDepths(): Promise<LaneDepth[]>;
  /** The earliest dueAt among waiting messages of a carrier, if any (to sleep until then). */
  nextDueAt(carrier: Carrier): Promise<number | undefined>;

  /** Flush pending writes and close. */
  close(): Promise<void>;
}
