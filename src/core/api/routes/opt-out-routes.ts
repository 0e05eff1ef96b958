// A tenant's opt-out list for promotions: numbers that asked for no more
// advertising SMS (Japan's anti-spam law requires honouring a refusal).
// A promotion to a listed number is refused at accept (422 opted-out, see
// accept-routes.ts); OTPs, notices and dunning are not affected.
//   POST   /v1/opt-outs          {numbers: [...]}: add up to 1000
//   GET    /v1/opt-outs          the list, in number order, by cursor
//   GET    /v1/opt-outs/:number  is this number on it?
//   DELETE /v1/opt-outs/:number  take it off (the subscriber opted back in)
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../../../runtime/index.ts';
import { normalisePhoneNumber } from '../../message/index.ts';
import type { OptOut, Store } from '../../store/index.ts';
import { ApiError, validationError, type FieldError } from '../errors.ts';
import { problemResponses } from '../schemas.ts';

export interface OptOutRoutesOptions {
  readonly store: Store;
  readonly clock: Clock;
}

const MAX_NUMBERS = 1000;

const OptOutAddSchema = Type.Object(
  { numbers: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: MAX_NUMBERS }) },
  { additionalProperties: false },
);
const OptOutAddedSchema = Type.Object({ added: Type.Integer({ description: 'numbers that were not on the list before' }), numbers: Type.Array(Type.String()) });
const OptOutSchema = Type.Object({ number: Type.String(), opted_out_at: Type.Integer(), source: Type.Union([Type.Literal('api'), Type.Literal('mo-keyword')], { description: 'api: added by POST /v1/opt-outs; mo-keyword: the handset replied with an opt-out keyword' }) });
const OptOutListSchema = Type.Object({ opt_outs: Type.Array(OptOutSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) });
const OptOutListQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
const NumberParamsSchema = Type.Object({ number: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false });
const OptOutStatusSchema = Type.Object({ number: Type.String(), opted_out: Type.Boolean() });

const view = (o: OptOut) => ({ number: o.number, opted_out_at: o.at, source: o.source });

/** Canonical numbers, or a 400 naming every bad one. */
function canonicalNumbers(inputs: readonly string[], field: (i: number) => string): string[] {
  const errors: FieldError[] = [];
  const out: string[] = [];
  inputs.forEach((input, i) => {
    const n = normalisePhoneNumber(input);
    if (n.ok) out.push(n.canonical);
    else errors.push({ field: field(i), message: n.message });
  });
  if (errors.length > 0) throw validationError(errors);
  return out;
}

export async function optOutRoutes(plain: FastifyInstance, opts: OptOutRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { store, clock } = opts;

  app.post(
    '/v1/opt-outs',
    {
      schema: {
        summary: 'Add numbers to the tenant\'s opt-out list for promotions',
        body: OptOutAddSchema,
        response: { 200: OptOutAddedSchema, ...problemResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const numbers = canonicalNumbers(request.body.numbers, (i) => `numbers[${i}]`);
      const added = await store.addOptOuts(request.tenant!.name, numbers, clock.now(), 'api');
      return { added, numbers };
    },
  );

  app.get(
    '/v1/opt-outs',
    {
      schema: {
        summary: 'The tenant\'s opt-out list, in number order',
        querystring: OptOutListQuerySchema,
        response: { 200: OptOutListSchema, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const page = await store.listOptOuts(request.tenant!.name, request.query.cursor, request.query.limit ?? 100);
      return { opt_outs: page.optOuts.map(view), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/opt-outs/:number',
    {
      schema: {
        summary: 'Whether a number is on the tenant\'s opt-out list',
        params: NumberParamsSchema,
        response: { 200: OptOutStatusSchema, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const [number] = canonicalNumbers([request.params.number], () => 'params.number');
      const listed = await store.optedOut(request.tenant!.name, [number!]);
      return { number: number!, opted_out: listed.length > 0 };
    },
  );

  app.delete(
    '/v1/opt-outs/:number',
    {
      schema: {
        summary: 'Take a number off the tenant\'s opt-out list',
        params: NumberParamsSchema,
        response: { 200: OptOutStatusSchema, ...problemResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => {
      const [number] = canonicalNumbers([request.params.number], () => 'params.number');
      const removed = await store.removeOptOuts(request.tenant!.name, [number!]);
      if (removed === 0) throw new ApiError('API_ERR_NOT_FOUND', `${number} is not on the opt-out list`, [{ field: 'params.number', message: 'is not on the opt-out list' }]);
      return { number: number!, opted_out: false };
    },
  );
}
