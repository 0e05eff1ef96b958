// /v1/messages: accept (one or a batch), look up, list, cancel.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../../runtime/index.ts';
import type { CoreConfig } from '../../config/index.ts';
import { normalisePhoneNumber } from '../../message/index.ts';
import type { CoreMetrics } from '../../metrics/index.ts';
import { isMessageId, type IdempotencyEntry, type ListFilter, type NewMessage, type Store } from '../../store/index.ts';
import { acceptMessage, parseTime } from '../acceptance.ts';
import { ApiError, type FieldError } from '../errors.ts';
import { assertSameRequest, idempotencyKey, requestHash } from '../idempotency.ts';
import { detailView, summaryView } from '../message-view.ts';
import {
  AcceptedSchema,
  BatchAcceptedSchema,
  BatchRequestSchema,
  CanceledSchema,
  IdParamsSchema,
  ListQuerySchema,
  MessageDetailSchema,
  MessageListSchema,
  MessageRequestSchema,
  problemResponses,
  type Accepted,
} from '../schemas.ts';

export interface MessageRoutesOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly metrics: CoreMetrics;
  readonly newId: (nowMs: number) => string;
  readonly onAccepted?: (messages: readonly NewMessage[]) => void;
}

function validationError(errors: FieldError[]): ApiError {
  return new ApiError('API_ERR_VALIDATION', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
}

/** The first answer again: same status, and the same body (same object through the same serializer). */
function replay<T>(reply: FastifyReply, entry: IdempotencyEntry): T {
  reply.code(entry.status).header('idempotent-replayed', 'true');
  return JSON.parse(entry.body) as T;
}

export async function messageRoutes(plain: FastifyInstance, opts: MessageRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock, config, metrics, newId } = opts;

  // Callback style: no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      app.authenticate(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  // Per tenant: the key is the tenant name (auth ran in onRequest), the
  // limits are the tenant's own. Checked before the body is read.
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    keyGenerator: (request: FastifyRequest) => request.tenant?.name ?? `ip:${request.ip}`,
    max: (request: FastifyRequest) => request.tenant?.rateLimit.max ?? 1,
    timeWindow: (request: FastifyRequest) => request.tenant?.rateLimit.windowMs ?? 1000,
    errorResponseBuilder: (_request, ctx) =>
      new ApiError('API_ERR_RATE_LIMITED', `rate limit of ${ctx.max} requests exceeded; retry after ${ctx.after}`, undefined, {
        'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))),
      }),
  });

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
    const now = clock.now();
    const errors: FieldError[] = [];
    const messages: NewMessage[] = [];
    const answers: Accepted[] = [];
    for (const item of items) {
      const a = acceptMessage(item.body, { tenant: tenant.name, now, id: newId(now), config }, item.prefix);
      if (a.ok) {
        messages.push(a.message);
        answers.push(a.answer);
      } else {
        errors.push(...a.errors);
      }
      if (errors.length >= 50) break;
    }
    if (errors.length > 0) throw validationError(errors);
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
      schema: {
        summary: 'Accept one message',
        description: 'Answers 202 only after the message is durably stored. Send Idempotency-Key to make retries safe.',
        body: MessageRequestSchema,
        response: { 202: AcceptedSchema, ...problemResponses(400, 401, 413, 415, 422, 429) },
      },
    },
    (request, reply) => accept(request, reply, 'POST /v1/messages', [{ body: request.body, prefix: '' }], (a) => a[0]!),
  );

  app.post(
    '/v1/messages/batch',
    {
      schema: {
        summary: 'Accept up to 1000 messages, all or nothing',
        body: BatchRequestSchema,
        response: { 202: BatchAcceptedSchema, ...problemResponses(400, 401, 413, 415, 422, 429) },
      },
    },
    (request, reply) => {
      if (request.body.messages.length > config.http.maxBatch) {
        throw validationError([{ field: 'messages', message: `must hold at most ${config.http.maxBatch} messages` }]);
      }
      const items = request.body.messages.map((body, i) => ({ body, prefix: `messages[${i}].` }));
      return accept(request, reply, 'POST /v1/messages/batch', items, (answers) => ({ messages: answers }));
    },
  );

  async function owned(request: FastifyRequest, id: string) {
    const message = isMessageId(id) ? await store.getMessage(id) : undefined;
    if (!message) throw new ApiError('API_ERR_NOT_FOUND', `no message ${id}`, [{ field: 'params.id', message: 'is not a known message' }]);
    if (message.tenant !== request.tenant!.name) {
      throw new ApiError('API_ERR_FORBIDDEN', `message ${id} belongs to another tenant`, [{ field: 'params.id', message: 'belongs to another tenant' }]);
    }
    return message;
  }

  app.get(
    '/v1/messages/:id',
    {
      schema: {
        summary: 'A message, its status and every transition',
        params: IdParamsSchema,
        response: { 200: MessageDetailSchema, ...problemResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const message = await owned(request, request.params.id);
      return detailView(message);
    },
  );

  app.get(
    '/v1/messages',
    {
      schema: {
        summary: 'List messages (oldest first) for reconciliation',
        querystring: ListQuerySchema,
        response: { 200: MessageListSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const q = request.query;
      const errors: FieldError[] = [];
      const filter: { -readonly [K in keyof ListFilter]: ListFilter[K] } = {};
      if (q.state) filter.state = q.state;
      if (q.category) filter.category = q.category;
      if (q.client_ref) filter.clientRef = q.client_ref;
      if (q.to !== undefined) {
        const n = normalisePhoneNumber(q.to);
        if (n.ok) filter.to = n.canonical;
        else errors.push({ field: 'query.to', message: n.message });
      }
      for (const name of ['since', 'until'] as const) {
        const raw = q[name];
        if (raw === undefined) continue;
        const t = parseTime(raw);
        if (t === undefined) errors.push({ field: `query.${name}`, message: 'must be ms since the epoch or an RFC 3339 date-time' });
        else filter[name] = t;
      }
      if (errors.length > 0) throw validationError(errors);
      const page = await store.listMessages(request.tenant!.name, filter, q.cursor, q.limit ?? 100);
      return { messages: page.messages.map(summaryView), next_cursor: page.nextCursor };
    },
  );

  app.delete(
    '/v1/messages/:id',
    {
      schema: {
        summary: 'Cancel a message not yet submitted',
        params: IdParamsSchema,
        response: { 200: CanceledSchema, ...problemResponses(401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const message = await owned(request, request.params.id);
      const outcome = await store.cancelMessage(request.tenant!.name, message.id, clock.now());
      if (outcome === 'not_found') throw new ApiError('API_ERR_NOT_FOUND', `no message ${message.id}`, [{ field: 'params.id', message: 'is not a known message' }]);
      if (outcome === 'not_cancelable') {
        const now = await store.getMessage(message.id);
        throw new ApiError('API_ERR_NOT_CANCELABLE', `message ${message.id} is ${now?.state ?? message.state} and can no longer be canceled`, [
          { field: 'params.id', message: `is ${now?.state ?? message.state}; only accepted messages can be canceled` },
        ]);
      }
      metrics.countMessage(message.carrier, message.category, 'canceled');
      return { id: message.id, status: 'canceled' as const };
    },
  );
}
