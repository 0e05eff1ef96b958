// How each gateway's status callback looks, read into one event the ledger
// records. Pure: the server hands over the path parameters, the query and
// the raw body. The run id and seq come from the callback URL's path for
// every adapter that sets a per-message URL (see scenarios/lib/gateway/),
// so a gateway's own message ids are never needed to correlate.
import { timingSafeEqual, createHmac } from 'node:crypto';
import type { HttpGatewayConfig, ValueSource } from '../../../scenarios/lib/gateway/http.ts';
import { KANNEL_DLR } from '../../../scenarios/lib/gateway/kannel.ts';
import { parseClientRef } from './callback-status.ts';

export type ShapeResult =
  | { kind: 'event'; runId: string; seq: number; status: string; at?: number }
  | { kind: 'malformed'; detail: string; field: string }
  | { kind: 'unmatched' }
  | { kind: 'badSignature' };

const RUN_ID = /^[0-9A-Z]{4}$/;
const SEQ = /^\d{1,9}$/;

/** The run id and seq of a callback URL's path, or undefined. */
export function pathRef(runId: string | undefined, seq: string | undefined): { runId: string; seq: number } | undefined {
  if (runId === undefined || seq === undefined || !RUN_ID.test(runId) || !SEQ.test(seq)) return undefined;
  return { runId, seq: Number(seq) };
}

/**
 * SMPP receipt `stat` words (SMPP 3.4 appendix B) -> denpa's final states;
 * ACCEPTD and ENROUTE are not final.
 */
const RECEIPT_STATES: Record<string, string> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  UNDELIV: 'undeliverable',
  REJECTD: 'rejected',
  DELETED: 'canceled',
  UNKNOWN: 'unknown',
  ACCEPTD: 'accepted',
  ENROUTE: 'enroute',
};

/** The `stat:` word of a receipt text ("id:… stat:EXPIRED err:…"), upper-cased. */
export function receiptStat(text: string | undefined): string | undefined {
  const m = /\bstat:([A-Za-z]+)/.exec(text ?? '');
  return m ? (m[1] as string).toUpperCase() : undefined;
}

/**
 * Kannel's DLR GET: `type` is the %d report type; a "not delivered to
 * phone" (2) is refined by the receipt text's stat (%A) into expired,
 * rejected, … and is undeliverable when the SMSC said nothing more.
 */
export function readKannelDlr(ref: { runId: string; seq: number } | undefined, query: Record<string, string | undefined>): ShapeResult {
  if (!ref) return { kind: 'unmatched' };
  const type = Number(query.type);
  let status: string;
  if (type === KANNEL_DLR.delivered) status = 'delivered';
  else if (type === KANNEL_DLR.notDelivered) {
    const word = RECEIPT_STATES[receiptStat(query.reply) ?? ''];
    status = word === undefined || word === 'delivered' || word === 'accepted' || word === 'enroute' ? 'undeliverable' : word;
  } else if (type === KANNEL_DLR.rejectedBySmsc) status = 'rejected';
  else if (type === KANNEL_DLR.acceptedBySmsc) status = 'submitted';
  else if (type === KANNEL_DLR.queuedOnSmsc) status = 'queued';
  else return { kind: 'malformed', detail: `type must be a Kannel DLR type (1, 2, 4, 8, 16), got ${JSON.stringify(query.type ?? null)}`, field: 'type' };
  return { kind: 'event', ...ref, status };
}

/**
 * Jasmin's DLR POST (form fields id, message_status, level, …). A level 1
 * report carries the SMSC's submit answer: ESME_ROK is not final, any other
 * ESME_* is a rejection. A terminal report carries the receipt's stat word.
 */
export function readJasminDlr(ref: { runId: string; seq: number } | undefined, form: URLSearchParams): ShapeResult {
  const id = form.get('id');
  const status = form.get('message_status');
  if (!id) return { kind: 'malformed', detail: 'a Jasmin DLR carries id', field: 'id' };
  if (!status) return { kind: 'malformed', detail: 'a Jasmin DLR carries message_status', field: 'message_status' };
  if (!ref) return { kind: 'unmatched' };
  const word = status.toUpperCase();
  if (word.startsWith('ESME_')) return { kind: 'event', ...ref, status: word === 'ESME_ROK' ? 'submitted' : 'rejected' };
  const mapped = RECEIPT_STATES[word];
  return { kind: 'event', ...ref, status: mapped ?? `unmapped:${word}` };
}

/** A value at a dotted JSON path ("data.items.0.state"; a leading "$." is allowed). */
export function jsonPathValue(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function sourced(source: ValueSource, query: Record<string, string | undefined>, form: URLSearchParams | undefined, json: unknown): string | undefined {
  if ('json' in source) {
    const v = jsonPathValue(json, source.json);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  return query[source.query] ?? form?.get(source.query) ?? undefined;
}

function describe(source: ValueSource): string {
  return 'json' in source ? `JSON path ${source.json}` : `query parameter ${source.query}`;
}

/** Constant-time HMAC-SHA256 (hex) check of a header against the raw body. */
export function hmacMatches(secret: string, raw: Buffer, header: string | undefined, prefix = ''): boolean {
  if (typeof header !== 'string' || !header.startsWith(prefix)) return false;
  const given = Buffer.from(header.slice(prefix.length), 'hex');
  const expected = createHmac('sha256', secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface HttpCallbackInput {
  ref: { runId: string; seq: number } | undefined;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  contentType: string | undefined;
}

/** An in-house gateway's callback, read as its config says. */
export function readHttpCallback(config: HttpGatewayConfig['callback'], input: HttpCallbackInput): ShapeResult {
  if (config.signature) {
    const h = input.headers[config.signature.header.toLowerCase()];
    if (!hmacMatches(config.signature.secret, input.raw, Array.isArray(h) ? h[0] : h, config.signature.prefix ?? '')) return { kind: 'badSignature' };
  }
  const text = input.raw.toString('utf8');
  let json: unknown;
  let form: URLSearchParams | undefined;
  if ((input.contentType ?? '').includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'malformed', detail: 'body is not JSON', field: 'body' };
    }
  } else if (text.length > 0) {
    form = new URLSearchParams(text);
  }
  const word = sourced(config.status, input.query, form, json);
  if (word === undefined) return { kind: 'malformed', detail: `no status at ${describe(config.status)}`, field: describe(config.status) };
  const ref = config.ref ? parseClientRef(sourced(config.ref, input.query, form, json)) : input.ref;
  if (!ref) return { kind: 'unmatched' };
  const mapped = config.statuses[word];
  return { kind: 'event', ...ref, status: mapped === undefined ? `unmapped:${word}` : mapped };
}
