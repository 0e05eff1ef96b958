// A tenant's inbound (mobile-originated) messages: replies from handsets to
// the tenant's numbers, oldest first, by cursor.
//   GET /v1/inbound-messages
// Each one also went to the tenant's inbound URL when one is configured
// (signed, from the callback outbox); this listing is the reconciliation.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { inboundFields, type InboundRecord, type Store } from '../../store/index.ts';
import { problemResponses } from '../schemas.ts';

export interface InboundRoutesOptions {
  readonly store: Store;
}

const InboundSchema = Type.Object({
  id: Type.String(),
  from: Type.String({ description: 'the handset, canonical (81…)' }),
  to: Type.String({ description: 'the number or short code it wrote to' }),
  text: Type.String(),
  carrier: Type.String(),
  received_at: Type.Integer({ description: 'ms since the epoch' }),
  opt_out: Type.Boolean({ description: 'the text was an opt-out keyword: the sender is now on the opt-out list (source mo-keyword)' }),
  opt_out_keyword: Type.Union([Type.String(), Type.Null()]),
  forwarded: Type.Boolean({ description: 'a forward to the inbound URL was queued' }),
});
const InboundListSchema = Type.Object({ inbound_messages: Type.Array(InboundSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) });
const InboundListQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const view = (m: InboundRecord) => ({ ...inboundFields(m), forwarded: m.forwarded });

export async function inboundRoutes(plain: FastifyInstance, opts: InboundRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/inbound-messages',
    {
      schema: {
        summary: 'The tenant\'s inbound (mobile-originated) messages, oldest first',
        querystring: InboundListQuerySchema,
        response: { 200: InboundListSchema, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const page = await opts.store.listInbound(request.tenant!.name, request.query.cursor, request.query.limit ?? 100);
      return { inbound_messages: page.messages.map(view), next_cursor: page.nextCursor };
    },
  );
}
