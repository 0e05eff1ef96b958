// The status callback body (the contract in the brief), fixed when the
// state change is written so that every retry sends and signs the same bytes.
import type { CallbackStatus, InboundMessage, MessageError } from './types.ts';

export interface CallbackSubject {
  readonly id: string;
  readonly to: string;
  readonly category: string;
  readonly clientRef?: string | null;
  readonly segments: number;
}

/**
 * The receiver's origin (scheme://host:port) of a callback URL, the unit the
 * sender bounds its work by; '' for a URL that does not parse (the accept
 * path refuses those, so only a damaged row has one).
 */
export function callbackOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * A status callback's event id (`X-Denpa-Event-Id`, the outbox row's key):
 * the message and status, and after an operator retry the message's retry
 * count, so each attempt's final status is an event of its own.
 */
export function callbackEventId(messageId: string, status: CallbackStatus, retries = 0): string {
  return retries > 0 ? `${messageId}.${status}.${retries}` : `${messageId}.${status}`;
}

/** callbackEventId of the final status of the messages row under `alias`, as SQL (SQLite and PostgreSQL alike). */
export const finalEventIdSql = (alias: string): string =>
  `${alias}id || '.' || ${alias}state || CASE WHEN ${alias}retries > 0 THEN '.' || ${alias}retries ELSE '' END`;

export function callbackBody(message: CallbackSubject, status: CallbackStatus, at: number, error?: MessageError): string {
  const body: Record<string, unknown> = {
    id: message.id,
    status,
    client_ref: message.clientRef ?? null,
    to: message.to,
    category: message.category,
    at,
    segments: message.segments,
  };
  if (error) body.error = { code: error.code, description: error.description };
  return JSON.stringify(body);
}

/** The event id of an inbound message's forward (`X-Denpa-Event-Id`). */
export function inboundEventId(inboundId: string): string {
  return callbackEventId(inboundId, 'inbound');
}

/**
 * The body POSTed (and signed) to a tenant's inbound URL, fixed when the MO
 * is recorded. `type: "inbound"` tells it from a status callback (which has
 * no `type`).
 */
export function inboundBody(m: InboundMessage): string {
  const { opt_out_keyword, ...fields } = inboundFields(m);
  return JSON.stringify({ type: 'inbound', ...fields, ...(opt_out_keyword !== null ? { opt_out_keyword } : {}) });
}

/** An MO in the API's words (the forward's body and the listing share them). */
export function inboundFields(m: InboundMessage) {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    text: m.text,
    carrier: m.carrier,
    received_at: m.receivedAt,
    opt_out: m.optOutKeyword !== undefined,
    opt_out_keyword: m.optOutKeyword ?? null,
  };
}
