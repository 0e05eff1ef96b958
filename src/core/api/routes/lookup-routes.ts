// Looking messages up: GET /v1/messages/:id, GET /v1/messages (list for
// reconciliation) and DELETE /v1/messages/:id (cancel before submission).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../../runtime/index.ts';
import { normalisePhoneNumber } from '../../message/index.ts';
import type { CoreMetrics } from '../../metrics/index.ts';
import { isMessageId, type ListFilter, type Store } from '../../store/index.ts';
import { ApiError, validationError, type FieldError } from '../errors.ts';
import { detailView, summaryView } from '../message-view.ts';
import { CanceledSchema, IdParamsSchema, ListQuerySchema, MessageDetailSchema, MessageListSchema, problemResponses } from '../schemas.ts';
import { parseTime } from '../time-input.ts';

export interface LookupRoutesOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly metrics: CoreMetrics;
}

export async function lookupRoutes(plain: FastifyInstance, opts: LookupRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock, metrics } = opts;

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
        response: { 200: MessageDetailSchema, ...problemResponses(400, 401, 403, 404, 429, 503) },
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
        response: { 200: MessageListSchema, ...problemResponses(400, 401, 429, 503) },
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
        response: { 200: CanceledSchema, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
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
