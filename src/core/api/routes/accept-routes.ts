// Accepting messages: POST /v1/messages (one) and /v1/messages/batch (all
// or nothing). Schema errors and value errors (number, text, URL, time) are
// reported together, every field at once: the schema's errors are attached
// to the request instead of thrown, and the value checks run on whatever
// fields have the right type.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../../runtime/index.ts';
import type { CoreConfig } from '../../config/index.ts';
import { SendWindowPolicy } from '../../dispatch/index.ts';
import type { CoreMetrics } from '../../metrics/index.ts';
import { normalisePhoneNumber } from '../../message/index.ts';
import type { CarrierRouter, Route } from '../../routing/index.ts';
import type { IdempotencyEntry, NewMessage, Store } from '../../store/index.ts';
import { acceptMessage, valueErrors, type AcceptContext } from '../acceptance.ts';
import type { Tenant } from '../auth.ts';
import { ApiError, validationError, type FieldError } from '../errors.ts';
import { assertSameRequest, idempotencyKey, requestHash } from '../idempotency.ts';
import { AcceptedSchema, BatchAcceptedSchema, BatchRequestSchema, IdempotencyHeadersSchema, MessageRequestSchema, problemResponses, type Accepted } from '../schemas.ts';

export interface AcceptRoutesOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly metrics: CoreMetrics;
  readonly newId: (nowMs: number) => string;
  /** Finds each number's serving carrier (number lookup, cache, prefix table); bounded in time. */
  readonly router: CarrierRouter;
  readonly onAccepted?: (messages: readonly NewMessage[]) => void;
  /** The send windows (shared with whoever adds tenants to it); default: the config's. */
  readonly windows?: SendWindowPolicy;
}

const MAX_FIELD_ERRORS = 50;

/** The first answer again: same status, and the same body (same object through the same serializer). */
function replay<T>(reply: FastifyReply, entry: IdempotencyEntry): T {
  reply.code(entry.status).header('idempotent-replayed', 'true');
  return JSON.parse(entry.body) as T;
}

/** The schema's field errors, then each value error of a field the schema did not already name. */
function mergedErrors(schemaError: Error, values: readonly FieldError[]): ApiError {
  const schema = schemaError instanceof ApiError ? (schemaError.errors ?? []) : [];
  if (schema.length === 0) return schemaError instanceof ApiError ? schemaError : validationError([{ field: 'body', message: schemaError.message }]);
  const named = new Set(schema.map((e) => e.field));
  return validationError([...schema, ...values.filter((e) => !named.has(e.field))].slice(0, MAX_FIELD_ERRORS));
}

export async function acceptRoutes(plain: FastifyInstance, opts: AcceptRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock, config, metrics, newId, router } = opts;
  const windows = opts.windows ?? SendWindowPolicy.fromConfig(config);
  const contextAt = (tenant: Tenant, now: number, routes?: ReadonlyMap<string, Route>): AcceptContext => ({
    tenant: tenant.name,
    now,
    id: newId(now),
    config,
    windows,
    ...(tenant.callbackUrl !== undefined ? { defaultCallbackUrl: tenant.callbackUrl } : {}),
    ...(routes ? { routes } : {}),
  });

  /**
   * The serving carrier of every valid number of the request, in one
   * lookup (cached answers first). Waits at most numberLookup.timeoutMs;
   * what the lookup cannot answer in time goes by the prefix table, and a
   * carrier that refuses such a number gets it re-routed once (dispatch).
   */
  async function routesOf(items: readonly { body: (typeof MessageRequestSchema)['static'] }[]): Promise<ReadonlyMap<string, Route>> {
    const numbers: string[] = [];
    for (const item of items) {
      const n = typeof item.body.to === 'string' ? normalisePhoneNumber(item.body.to) : undefined;
      if (n?.ok) numbers.push(n.canonical);
    }
    return router.routes(numbers);
  }

  /**
   * A promotion to a number on the tenant's opt-out list is refused (422,
   * every such number named), so the whole request changes nothing: the
   * sender learns it at once and no message ends rejected later. Only
   * promotions pay for the lookup.
   */
  async function refuseOptedOut(tenant: string, messages: readonly NewMessage[], items: readonly { prefix: string }[]): Promise<void> {
    const promotions = messages.flatMap((m, i) => (m.category === 'promotion' ? [{ to: m.to, prefix: items[i]!.prefix }] : []));
    if (promotions.length === 0) return;
    const listed = new Set(await store.optedOut(tenant, promotions.map((p) => p.to)));
    if (listed.size === 0) return;
    const errors = promotions.filter((p) => listed.has(p.to)).map((p) => ({ field: `${p.prefix}to`, message: `${p.to} opted out of promotions from this tenant` }));
    throw new ApiError('API_ERR_OPTED_OUT', `${errors.length} recipient(s) opted out of promotions; nothing was accepted`, errors.slice(0, MAX_FIELD_ERRORS));
  }

  /** Shared by single and batch: idempotency, acceptance, one durable insert. */
  async function accept<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    route: string,
    items: readonly { body: (typeof MessageRequestSchema)['static']; prefix: string }[],
    answerOf: (answers: Accepted[]) => T,
  ): Promise<T> {
    const tenant = request.tenant!;
    const key = idempotencyKey(request);
    const hash = key !== undefined ? requestHash(route, request.rawBody) : '';
    if (key !== undefined) {
      const entry = await store.findIdempotency(tenant.name, key);
      if (entry) {
        assertSameRequest(entry, hash);
        return replay<T>(reply, entry);
      }
    }
    const routes = await routesOf(items);
    const now = clock.now();
    const errors: FieldError[] = [];
    const messages: NewMessage[] = [];
    const answers: Accepted[] = [];
    for (const item of items) {
      const a = acceptMessage(item.body, contextAt(tenant, now, routes), item.prefix);
      if (a.ok) {
        messages.push(a.message);
        answers.push(a.answer);
      } else {
        errors.push(...a.errors);
      }
      if (errors.length >= MAX_FIELD_ERRORS) break;
    }
    if (errors.length > 0) throw validationError(errors);
    await refuseOptedOut(tenant.name, messages, items);
    const answer = answerOf(answers);
    // The stored answer is serialised only when a key asks for it.
    const entry = key !== undefined ? { tenant: tenant.name, key, requestHash: hash, status: 202, body: JSON.stringify(answer), createdAt: now } : undefined;
    const outcome = await store.insertMessages(messages, entry);
    if (outcome.kind === 'replayed') {
      assertSameRequest(outcome.idempotency, hash);
      return replay<T>(reply, outcome.idempotency);
    }
    for (const m of messages) metrics.countMessage(m.carrier, m.category, 'accepted');
    opts.onAccepted?.(messages);
    if (messages.length === 1) reply.header('location', `/v1/messages/${messages[0]!.id}`);
    reply.code(202);
    return answer;
  }

  app.post(
    '/v1/messages',
    {
      attachValidation: true,
      schema: {
        summary: 'Accept one message',
        description: 'Answers 202 only after the message is durably stored. Send Idempotency-Key to make retries safe.',
        headers: IdempotencyHeadersSchema,
        body: MessageRequestSchema,
        response: { 202: AcceptedSchema, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    (request, reply) => {
      if (request.validationError) throw mergedErrors(request.validationError, valueErrors(request.body, contextAt(request.tenant!, clock.now())));
      return accept(request, reply, 'POST /v1/messages', [{ body: request.body, prefix: '' }], (a) => a[0]!);
    },
  );

  app.post(
    '/v1/messages/batch',
    {
      attachValidation: true,
      schema: {
        summary: 'Accept up to 1000 messages, all or nothing',
        headers: IdempotencyHeadersSchema,
        body: BatchRequestSchema,
        response: { 202: BatchAcceptedSchema, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    (request, reply) => {
      if (request.validationError) {
        const list = (request.body as { messages?: unknown } | null)?.messages;
        const now = clock.now();
        const values = Array.isArray(list) ? list.slice(0, config.http.maxBatch).flatMap((m, i) => valueErrors(m, contextAt(request.tenant!, now), `messages[${i}].`)) : [];
        throw mergedErrors(request.validationError, values);
      }
      if (request.body.messages.length > config.http.maxBatch) {
        throw validationError([{ field: 'messages', message: `must hold at most ${config.http.maxBatch} messages` }]);
      }
      const items = request.body.messages.map((body, i) => ({ body, prefix: `messages[${i}].` }));
      return accept(request, reply, 'POST /v1/messages/batch', items, (answers) => ({ messages: answers }));
    },
  );
}
