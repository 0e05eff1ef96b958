// Turning a validated request into a message the store can keep: the number
// normalised, the text encoded and segmented, the carrier routed, the
// deadlines fixed. Pure: the caller supplies the time and the id.
import type { CoreConfig } from '../config/index.ts';
import { callbackUrlProblem, egressPolicyOf } from '../egress/index.ts';
import { carrierForNumber, normalisePhoneNumber, segmentMessage } from '../message/index.ts';
import type { MessagePart, NewMessage } from '../store/index.ts';
import { EsmClass } from '../../smpp/index.ts';
import type { FieldError } from './errors.ts';
import type { Accepted, MessageRequest } from './schemas.ts';

export interface AcceptContext {
  readonly tenant: string;
  readonly now: number;
  readonly id: string;
  readonly config: Pick<CoreConfig, 'messages' | 'routing' | 'callbacks' | 'egress'>;
}

export type Acceptance = { readonly ok: true; readonly message: NewMessage; readonly answer: Accepted } | { readonly ok: false; readonly errors: FieldError[] };

/** Parse a time given as ms since epoch or an RFC 3339 string. */
export function parseTime(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  // Query strings carry numbers as text.
  if (/^\d{1,16}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The 8-bit concatenation reference of a message: stable for its id, so a resend reuses it. */
export function concatReference(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h & 0xff;
}

export function acceptMessage(req: MessageRequest, ctx: AcceptContext, prefix = ''): Acceptance {
  const errors: FieldError[] = [];

  const number = normalisePhoneNumber(req.to);
  if (!number.ok) errors.push({ field: `${prefix}to`, message: number.message });

  const encoded = segmentMessage(req.text, concatReference(ctx.id));
  if (!encoded.ok) errors.push({ field: `${prefix}text`, message: encoded.message });

  const carrier = number.ok ? carrierForNumber(number.canonical, ctx.config.routing) : undefined;
  if (number.ok && !carrier) errors.push({ field: `${prefix}to`, message: 'has no route to a carrier (routing table)' });

  if (req.callback_url !== undefined) {
    const problem = callbackUrlProblem(req.callback_url, egressPolicyOf(ctx.config.egress.allow));
    if (problem) errors.push({ field: `${prefix}callback_url`, message: problem });
  }

  const maxTtl = ctx.config.messages.maxTtlSeconds;
  const ttl = req.ttl_seconds ?? ctx.config.messages.ttlSeconds[req.category];
  if (req.ttl_seconds !== undefined && req.ttl_seconds > maxTtl) {
    errors.push({ field: `${prefix}ttl_seconds`, message: `must be at most ${maxTtl}` });
  }

  let scheduledAt: number | undefined;
  if (req.scheduled_at !== undefined) {
    scheduledAt = parseTime(req.scheduled_at);
    if (scheduledAt === undefined) {
      errors.push({ field: `${prefix}scheduled_at`, message: 'must be ms since the epoch or an RFC 3339 date-time' });
    } else if (scheduledAt > ctx.now + maxTtl * 1000) {
      errors.push({ field: `${prefix}scheduled_at`, message: `must be within ${maxTtl} s from now` });
    } else if (scheduledAt <= ctx.now) {
      // In the past or now: send as soon as possible.
      scheduledAt = undefined;
    }
  }

  if (errors.length > 0 || !number.ok || !encoded.ok || !carrier) return { ok: false, errors };

  const parts: MessagePart[] = encoded.parts.map((p) => ({
    bytes: p.shortMessage,
    dataCoding: encoded.dataCoding,
    esmClass: p.udh ? EsmClass.UDHI : EsmClass.DEFAULT,
  }));
  const start = scheduledAt ?? ctx.now;
  const message: NewMessage = {
    id: ctx.id,
    tenant: ctx.tenant,
    to: number.canonical,
    text: req.text,
    category: req.category,
    sender: req.sender ?? ctx.config.messages.defaultSender,
    ...(req.callback_url !== undefined ? { callbackUrl: req.callback_url } : {}),
    ...(req.client_ref !== undefined ? { clientRef: req.client_ref } : {}),
    encoding: encoded.encoding,
    segments: encoded.segments,
    characters: encoded.characters,
    carrier,
    acceptedAt: ctx.now,
    expiresAt: start + ttl * 1000,
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    notifySubmitted: req.notify_submitted ?? ctx.config.callbacks.sendSubmitted,
    parts,
  };
  const answer: Accepted = {
    id: ctx.id,
    status: 'accepted',
    to: number.canonical,
    category: req.category,
    encoding: encoded.encoding,
    segments: encoded.segments,
    characters: encoded.characters,
    ...(req.client_ref !== undefined ? { client_ref: req.client_ref } : {}),
  };
  return { ok: true, message, answer };
}
