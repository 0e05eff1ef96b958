// Every request and response shape of the HTTP API, in one place. Routes
// import these; the OpenAPI document at /openapi.json is generated from them.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const CategorySchema = Type.Union(
  [Type.Literal('otp'), Type.Literal('notice'), Type.Literal('dunning'), Type.Literal('promotion')],
  { description: 'otp is dispatched ahead of notice, then dunning, then promotion' },
);
export const StateSchema = Type.Union([
  Type.Literal('accepted'),
  Type.Literal('queued'),
  Type.Literal('submitted'),
  Type.Literal('delivered'),
  Type.Literal('undeliverable'),
  Type.Literal('expired'),
  Type.Literal('rejected'),
  Type.Literal('failed'),
  Type.Literal('canceled'),
  Type.Literal('unknown'),
]);
const EncodingSchema = Type.Union([Type.Literal('GSM-7'), Type.Literal('UCS-2')]);

/** Time in ms since the epoch, or an RFC 3339 string. */
const TimeInput = Type.Union([Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 }), Type.String({ minLength: 1, maxLength: 64 })], {
  description: 'ms since the epoch, or an RFC 3339 date-time such as 2026-06-01T09:00:00+09:00',
  errorMessage: 'must be ms since the epoch or an RFC 3339 date-time',
});

export const MessageRequestSchema = Type.Object(
  {
    to: Type.String({ minLength: 1, maxLength: 32, description: 'Japanese mobile: 09012345678, 090-1234-5678 or +819012345678' }),
    text: Type.String({ minLength: 1, maxLength: 2000, description: 'Up to 10 segments: 670 UCS-2 or 1530 GSM-7 septets' }),
    category: CategorySchema,
    sender: Type.Optional(
      Type.String({ minLength: 1, maxLength: 20, pattern: '^[\\x20-\\x7E]+$', errorMessage: 'must be 1-20 printable ASCII characters' }),
    ),
    callback_url: Type.Optional(Type.String({ minLength: 8, maxLength: 2048 })),
    client_ref: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 604_800 })),
    scheduled_at: Type.Optional(TimeInput),
    notify_submitted: Type.Optional(Type.Boolean({ description: 'also call back when submitted to the carrier' })),
  },
  { additionalProperties: false },
);
export type MessageRequest = Static<typeof MessageRequestSchema>;

export const BatchRequestSchema = Type.Object(
  { messages: Type.Array(MessageRequestSchema, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type BatchRequest = Static<typeof BatchRequestSchema>;

export const AcceptedSchema = Type.Object({
  id: Type.String(),
  status: Type.Literal('accepted'),
  to: Type.String({ description: 'canonical, E.164 without +' }),
  category: CategorySchema,
  encoding: EncodingSchema,
  segments: Type.Integer(),
  characters: Type.Integer(),
  client_ref: Type.Optional(Type.String()),
});
export type Accepted = Static<typeof AcceptedSchema>;

export const BatchAcceptedSchema = Type.Object({ messages: Type.Array(AcceptedSchema) });

const ErrorDetail = Type.Object({ code: Type.String(), description: Type.String() });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const MessageSummarySchema = Type.Object({
  id: Type.String(),
  status: StateSchema,
  to: Type.String(),
  category: CategorySchema,
  encoding: EncodingSchema,
  segments: Type.Integer(),
  characters: Type.Integer(),
  carrier: Type.String({ description: 'the carrier the message goes (or went) to; a reroute changes it' }),
  route_source: Type.Union([Type.Literal('lookup'), Type.Literal('cache'), Type.Literal('prefix')], {
    description: "where the carrier came from: the number lookup ('lookup', or its cache) or the prefix table ('prefix': no lookup configured, or it could not answer in time)",
  }),
  route: Nullable(
    Type.Union([Type.Literal('direct'), Type.Literal('aggregator')], {
      description: "the route it went out on: 'direct' (the carrier's own links) or 'aggregator' (the fallback route); null until submitted",
    }),
  ),
  sender: Nullable(Type.String()),
  client_ref: Nullable(Type.String()),
  callback_url: Nullable(Type.String()),
  accepted_at: Type.Integer({ description: 'ms since epoch' }),
  expires_at: Type.Integer(),
  scheduled_at: Nullable(Type.Integer()),
  submitted_at: Nullable(Type.Integer()),
  final_at: Nullable(Type.Integer()),
  attempts: Type.Integer(),
  error: Nullable(ErrorDetail),
});

export const MessageDetailSchema = Type.Composite([
  MessageSummarySchema,
  Type.Object({
    transitions: Type.Array(Type.Object({ status: StateSchema, at: Type.Integer(), detail: Nullable(Type.String()) })),
    reroutes: Type.Array(
      Type.Object({
        at: Type.Integer(),
        from: Type.String({ description: 'the carrier that refused the number' }),
        to: Type.String({ description: 'the carrier the lookup named then' }),
        reason: Type.String({ description: "what the refusing carrier answered, e.g. 'ESME_RINVDSTADR'" }),
      }),
      { description: 'every reroute to another carrier, oldest first (a message is re-routed at most once)' },
    ),
    segment_states: Type.Array(
      Type.Object({
        seq: Type.Integer(),
        state: Type.String(),
        smsc_id: Nullable(Type.String()),
        submitted_at: Nullable(Type.Integer()),
        done_at: Nullable(Type.Integer()),
        error: Nullable(ErrorDetail),
      }),
    ),
  }),
]);

export const MessageListSchema = Type.Object({
  messages: Type.Array(MessageSummarySchema),
  next_cursor: Nullable(Type.String()),
});

export const ListQuerySchema = Type.Object(
  {
    state: Type.Optional(StateSchema),
    category: Type.Optional(CategorySchema),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    client_ref: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    since: Type.Optional(TimeInput),
    until: Type.Optional(TimeInput),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuerySchema>;

/** Declared for the OpenAPI document; idempotency.ts checks the value (1-255 visible ASCII). */
export const IdempotencyHeadersSchema = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({ description: 'makes a retry safe: the same key and the same body get the first answer again; 1-255 visible ASCII characters' }),
    ),
  },
  { additionalProperties: true },
);

export const IdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const CanceledSchema = Type.Object({ id: Type.String(), status: Type.Literal('canceled') });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'stable API_ERR_* code' }),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'application/problem+json (RFC 9457)' },
);

export const HealthSchema = Type.Object({ status: Type.String() });
export const ReadySchema = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.String() })),
});

/** An error answer as the OpenAPI document shows it: problem+json, not application/json. */
export interface ProblemResponse {
  readonly description: string;
  readonly content: { readonly 'application/problem+json': { readonly schema: typeof ProblemSchema } };
}

/** The error answers a route documents, each as application/problem+json. */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {};
  for (const s of statuses) out[s] = { description: `application/problem+json (RFC 9457)`, content: { 'application/problem+json': { schema: ProblemSchema } } };
  return out;
}
