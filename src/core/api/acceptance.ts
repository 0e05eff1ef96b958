// Turning a validated request into a message the store can keep: the number
// normalised, the text encoded and segmented, the carrier routed, the
// deadlines fixed. Pure: the caller supplies the time, the id and the
// number lookup's routes (see routes/accept-routes.ts).
import type { CoreConfig } from '../config/index.ts';
import type { SendWindowPolicy } from '../dispatch/index.ts';
import { callbackUrlProblem, egressPolicyOf } from '../egress/index.ts';
import { carrierForNumber, carrierLengthProblem, normalisePhoneNumber, segmentMessage } from '../message/index.ts';
import type { Route } from '../routing/index.ts';
import type { MessagePart, NewMessage } from '../store/index.ts';
import { EsmClass } from '../../smpp/index.ts';
import type { FieldError } from './errors.ts';
import type { Accepted, MessageRequest } from './schemas.ts';
import { parseTime } from './time-input.ts';

export interface AcceptContext {
  readonly tenant: string;
  readonly now: number;
  readonly id: string;
  readonly config: Pick<CoreConfig, 'messages' | 'routing' | 'callbacks' | 'egress'>;
  /** The router's answers for this request's numbers; a number missing here goes by the prefix table. */
  readonly routes?: ReadonlyMap<string, Route>;
  /** The tenant's send windows: a message is due when its window opens (built once from the config; absent: never held). */
  readonly windows?: SendWindowPolicy;
  /** The tenant's callback URL (tenants created over the admin API), for a message that names none; checked when it was set. */
  readonly defaultCallbackUrl?: string;
}

export type Acceptance = { readonly ok: true; readonly message: NewMessage; readonly answer: Accepted } | { readonly ok: false; readonly errors: FieldError[] };

function prefixRoute(canonical: string, table: CoreConfig['routing']): Route | undefined {
  const carrier = carrierForNumber(canonical, table);
  return carrier ? { carrier, source: 'prefix' } : undefined;
}

/** The 8-bit concatenation reference of a message: stable for its id, so a resend reuses it. */
export function concatReference(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h & 0xff;
}

// A lone surrogate (U+D800-U+DFFF without its pair): storing it would repair
// it to U+FFFD while the PDU carried the raw unit, so it is refused.
const LONE_SURROGATE = /\p{Cs}/u;
const SURROGATE_MESSAGE = 'must be well-formed Unicode: it holds a lone surrogate (U+D800-U+DFFF without its pair)';

/**
 * `req` may have failed the schema in other fields (see valueErrors): every
 * check looks at its own field's type first, so a schema error in one field
 * never hides a value error in another.
 */
export function acceptMessage(req: MessageRequest, ctx: AcceptContext, prefix = ''): Acceptance {
  const errors: FieldError[] = [];
  const loose = req as { readonly [K in keyof MessageRequest]?: unknown };

  const number = typeof loose.to === 'string' ? normalisePhoneNumber(loose.to) : undefined;
  if (number && !number.ok) errors.push({ field: `${prefix}to`, message: number.message });

  let encoded: ReturnType<typeof segmentMessage> | undefined;
  if (typeof loose.text === 'string') {
    if (LONE_SURROGATE.test(loose.text)) errors.push({ field: `${prefix}text`, message: SURROGATE_MESSAGE });
    else encoded = segmentMessage(loose.text, concatReference(ctx.id));
    if (encoded && !encoded.ok) errors.push({ field: `${prefix}text`, message: encoded.message });
  }

  const route: Route | undefined = number?.ok ? (ctx.routes?.get(number.canonical) ?? prefixRoute(number.canonical, ctx.config.routing)) : undefined;
  const carrier = route?.carrier;
  if (number?.ok && !carrier) errors.push({ field: `${prefix}to`, message: 'has no route to a carrier (routing table)' });
  const tooLong = carrier && encoded?.ok ? carrierLengthProblem(carrier, encoded.encoding, encoded.characters, encoded.units) : undefined;
  if (tooLong) errors.push({ field: `${prefix}text`, message: tooLong });

  if (typeof loose.callback_url === 'string') {
    const problem = LONE_SURROGATE.test(loose.callback_url) ? SURROGATE_MESSAGE : callbackUrlProblem(loose.callback_url, egressPolicyOf(ctx.config.egress.allow));
    if (problem) errors.push({ field: `${prefix}callback_url`, message: problem });
  }
  if (typeof loose.client_ref === 'string' && LONE_SURROGATE.test(loose.client_ref)) errors.push({ field: `${prefix}client_ref`, message: SURROGATE_MESSAGE });

  const maxTtl = ctx.config.messages.maxTtlSeconds;
  if (typeof loose.ttl_seconds === 'number' && loose.ttl_seconds > maxTtl) {
    errors.push({ field: `${prefix}ttl_seconds`, message: `must be at most ${maxTtl}` });
  }

  let scheduledAt: number | undefined;
  if (typeof loose.scheduled_at === 'string' || typeof loose.scheduled_at === 'number') {
    scheduledAt = parseTime(loose.scheduled_at);
    if (scheduledAt === undefined) {
      errors.push({ field: `${prefix}scheduled_at`, message: 'must be ms since the epoch or an RFC 3339 date-time that exists in the calendar' });
    } else if (scheduledAt > ctx.now + maxTtl * 1000) {
      errors.push({ field: `${prefix}scheduled_at`, message: `must be within ${maxTtl} s from now` });
    } else if (scheduledAt <= ctx.now) {
      // In the past or now: send as soon as possible.
      scheduledAt = undefined;
    }
  }

  if (errors.length > 0 || !number?.ok || !encoded?.ok || !carrier) return { ok: false, errors };
  const ttl = req.ttl_seconds ?? ctx.config.messages.ttlSeconds[req.category];

  const parts: MessagePart[] = encoded.parts.map((p) => ({
    bytes: p.shortMessage,
    dataCoding: encoded.dataCoding,
    esmClass: p.udh ? EsmClass.UDHI : EsmClass.DEFAULT,
  }));
  const start = scheduledAt ?? ctx.now;
  // Outside its window the message waits in its lane until the window opens; its TTL
  // runs from `start` all the same, so one that cannot go out in time ends expired.
  const sendableAt = ctx.windows?.sendableAt(ctx.tenant, req.category, start) ?? start;
  const message: NewMessage = {
    id: ctx.id,
    tenant: ctx.tenant,
    to: number.canonical,
    text: req.text,
    category: req.category,
    sender: req.sender ?? ctx.config.messages.defaultSender,
    ...(req.callback_url !== undefined ? { callbackUrl: req.callback_url } : ctx.defaultCallbackUrl !== undefined ? { callbackUrl: ctx.defaultCallbackUrl } : {}),
    ...(req.client_ref !== undefined ? { clientRef: req.client_ref } : {}),
    encoding: encoded.encoding,
    segments: encoded.segments,
    characters: encoded.characters,
    carrier,
    routeSource: route!.source,
    acceptedAt: ctx.now,
    expiresAt: start + ttl * 1000,
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    ...(sendableAt > start ? { sendableAt } : {}),
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

/** The value errors of a body that failed the schema, to report with the schema's own (every field at once). */
export function valueErrors(body: unknown, ctx: AcceptContext, prefix = ''): FieldError[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const a = acceptMessage(body as MessageRequest, ctx, prefix);
  return a.ok ? [] : a.errors;
}
