// How stored messages look over HTTP (snake_case, nulls for absent fields).
import type { Static } from '@sinclair/typebox';
import type { MessageDetail, MessageRecord } from '../store/index.ts';
import type { MessageDetailSchema, MessageSummarySchema } from './schemas.ts';

export function summaryView(m: MessageRecord): Static<typeof MessageSummarySchema> {
  return {
    id: m.id,
    status: m.state,
    to: m.to,
    category: m.category,
    encoding: m.encoding,
    segments: m.segments,
    characters: m.characters,
    carrier: m.carrier,
    route_source: m.routeSource ?? 'prefix',
    route: m.route ?? null,
    sender: m.sender ?? null,
    client_ref: m.clientRef ?? null,
    callback_url: m.callbackUrl ?? null,
    accepted_at: m.acceptedAt,
    expires_at: m.expiresAt,
    scheduled_at: m.scheduledAt ?? null,
    submitted_at: m.submittedAt ?? null,
    final_at: m.finalAt ?? null,
    attempts: m.attempts,
    error: m.error ? { code: m.error.code, description: m.error.description } : null,
  };
}

export function detailView(m: MessageDetail): Static<typeof MessageDetailSchema> {
  return {
    ...summaryView(m),
    transitions: m.transitions.map((t) => ({ status: t.state, at: t.at, detail: t.detail ?? null })),
    reroutes: m.reroutes.map((r) => ({ at: r.at, from: r.from, to: r.to, reason: r.reason })),
    segment_states: m.segmentStates.map((s) => ({
      seq: s.seq,
      state: s.state,
      smsc_id: s.smscId ?? null,
      submitted_at: s.submittedAt ?? null,
      done_at: s.doneAt ?? null,
      error: s.error ? { code: s.error.code, description: s.error.description } : null,
    })),
  };
}
