// Row shapes as both backends return them (the same column names and types), and their mapping to store records.
import type { RouteSource } from '../message/index.ts';
import { AGGREGATOR, type CallbackJob, type Carrier, type Category, type ClaimedMessage, type ClaimedPart, type Encoding, type MessageRecord, type MessageState, type Reroute, type MessageRoute, type SegmentRecord, type SegmentState, type Transition, type CallbackStatus } from './types.ts';

export interface MessageRow {
  id: string;
  tenant: string;
  to_number: string;
  body: string;
  category: string;
  priority: number;
  sender: string | null;
  callback_url: string | null;
  client_ref: string | null;
  encoding: string;
  segments: number;
  characters: number;
  carrier: string;
  state: string;
  accepted_at: number;
  expires_at: number;
  scheduled_at: number | null;
  notify_submitted: number;
  due_at: number;
  attempts: number;
  queued_at: number | null;
  submitted_at: number | null;
  final_at: number | null;
  error_code: string | null;
  error_description: string | null;
  route_source: string | null;
  reroute_count: number;
  route: string | null;
}

export interface RerouteRow {
  at: number;
  from_carrier: string;
  to_carrier: string;
  reason: string;
}

export interface SegmentRow {
  message_id: string;
  seq: number;
  state: string;
  smsc_id: string | null;
  submitted_at: number | null;
  done_at: number | null;
  error_code: string | null;
  error_description: string | null;
}

export interface TransitionRow {
  at: number;
  state: string;
  detail: string | null;
}

export interface CallbackRow {
  id: string;
  message_id: string;
  tenant: string;
  url: string;
  origin: string;
  status: string;
  body: string;
  attempts: number;
  created_at: number;
  due_at: number;
  last_error: string | null;
}

function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

export function toMessageRecord(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    to: r.to_number,
    text: r.body,
    category: r.category as Category,
    sender: opt(r.sender),
    callbackUrl: opt(r.callback_url),
    clientRef: opt(r.client_ref),
    encoding: r.encoding as Encoding,
    segments: r.segments,
    characters: r.characters,
    carrier: r.carrier as Carrier,
    routeSource: (r.route_source ?? 'prefix') as RouteSource,
    ...(r.route !== null ? { route: r.route as MessageRoute } : {}),
    state: r.state as MessageState,
    acceptedAt: r.accepted_at,
    expiresAt: r.expires_at,
    scheduledAt: opt(r.scheduled_at),
    notifySubmitted: r.notify_submitted === 1,
    submittedAt: opt(r.submitted_at),
    finalAt: opt(r.final_at),
    attempts: r.attempts,
    error: r.error_code === null ? undefined : { code: r.error_code, description: r.error_description ?? '' },
  };
}

export function toReroute(r: RerouteRow): Reroute {
  return { at: r.at, from: r.from_carrier as Carrier, to: r.to_carrier as Carrier, reason: r.reason };
}

export function toSegmentRecord(r: SegmentRow): SegmentRecord {
  return {
    seq: r.seq,
    state: r.state as SegmentState,
    smscId: opt(r.smsc_id),
    submittedAt: opt(r.submitted_at),
    doneAt: opt(r.done_at),
    error: r.error_code === null ? undefined : { code: r.error_code, description: r.error_description ?? '' },
  };
}

export function toTransition(r: TransitionRow): Transition {
  return { state: r.state as MessageState, at: r.at, detail: opt(r.detail) };
}

/**
 * Every transition of a message, oldest first: accepted, then the rounds
 * recorded in the transitions table (retries, recoveries), then the latest
 * queued, submitted and final read from the message's own columns.
 */
export function transitionsOf(r: MessageRow, extra: readonly TransitionRow[]): Transition[] {
  const out: Transition[] = [{ state: 'accepted', at: r.accepted_at, detail: undefined }];
  out.push(...extra.map(toTransition));
  const recorded = (state: string, at: number) => extra.some((e) => e.state === state && e.at === at);
  if (r.queued_at !== null && !recorded('queued', r.queued_at)) out.push({ state: 'queued', at: r.queued_at, detail: undefined });
  if (r.submitted_at !== null) out.push({ state: 'submitted', at: r.submitted_at, detail: undefined });
  if (r.final_at !== null) {
    out.push({ state: r.state as MessageState, at: r.final_at, detail: r.error_code === null ? undefined : `${r.error_code}: ${r.error_description ?? ''}` });
  }
  return out;
}

export function toCallbackJob(r: CallbackRow): CallbackJob {
  return {
    id: r.id,
    messageId: r.message_id,
    tenant: r.tenant,
    url: r.url,
    origin: r.origin,
    status: r.status as CallbackStatus,
    body: r.body,
    attempts: r.attempts,
    createdAt: r.created_at,
    dueAt: r.due_at,
    lastError: opt(r.last_error),
  };
}

/** A message row as a claim reads it (both backends select these columns). */
export interface ClaimRow {
  id: string;
  tenant: string;
  to_number: string;
  sender: string | null;
  category: string;
  carrier: string;
  expires_at: number;
  attempts: number;
  reroute_count: number;
  segments: number;
}

/**
 * A claimed message from its row, its pending parts and, when some of its
 * segments went out before, the carrier column of one of those ('aggregator'
 * when they went through the fallback route).
 */
export function toClaimedMessage(m: ClaimRow, parts: readonly ClaimedPart[], earlierCarrier: string | undefined): ClaimedMessage {
  return {
    id: m.id,
    tenant: m.tenant,
    to: m.to_number,
    sender: m.sender ?? undefined,
    category: m.category as Category,
    carrier: m.carrier as Carrier,
    expiresAt: m.expires_at,
    attempts: m.attempts,
    reroutes: m.reroute_count,
    segments: m.segments,
    parts,
    ...(earlierCarrier !== undefined ? { route: earlierCarrier === AGGREGATOR ? 'aggregator' : 'direct' } : {}),
  };
}
