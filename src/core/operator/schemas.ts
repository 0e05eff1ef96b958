// Request and response shapes of the operator API (/v1/ops/...), in one place.
import { Type, type TSchema } from '@sinclair/typebox';
import { NAME_PATTERN } from './accounts.ts';
import { WINDOW_TEXT_PATTERN } from '../dispatch/index.ts';
import { WorkingHoursSchema } from './working-hours.ts';

const Strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('approver'), Type.Literal('admin')]);
export const CarrierSchema = Type.Union([Type.Literal('docomo'), Type.Literal('au'), Type.Literal('softbank')]);
export const OperatorNameSchema = Type.String({ pattern: NAME_PATTERN, description: 'lower-case letters, digits, . _ -; 2-32 characters' });
export const TenantNameSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });

export const LoginSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, Strict);
export const SessionSchema = Type.Object({ token: Type.String(), expires_at: Type.Integer(), name: Type.String(), role: RoleSchema });
export const MeSchema = Type.Object({ name: Type.String(), role: RoleSchema, expires_at: Type.Integer(), within_working_hours: Type.Boolean() });
export const EndedSchema = Type.Object({ ended: Type.Boolean() });

export const OperatorSchema = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  working_hours: Nullable(WorkingHoursSchema),
  locked_until: Nullable(Type.Integer()),
  created_at: Type.Integer(),
  created_by: Type.String(),
});
export const OperatorListSchema = Type.Object({ operators: Type.Array(OperatorSchema) });
export const NewOperatorSchema = Type.Object(
  {
    name: OperatorNameSchema,
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator')], { description: 'approver and admin come only by a four-eyes role change' }),
    password: Type.String({ minLength: 12, maxLength: 256 }),
    working_hours: Type.Optional(WorkingHoursSchema),
  },
  Strict,
);
export const NameParams = Type.Object({ name: OperatorNameSchema }, Strict);
export const RoleChangeSchema = Type.Object({ role: RoleSchema, reason: Type.String({ minLength: 1, maxLength: 500 }) }, Strict);

export const TenantParams = Type.Object({ tenant: TenantNameSchema }, Strict);
export const KeyParams = Type.Object({ tenant: TenantNameSchema, id: Type.String({ pattern: '^key_[0-9a-f]{16}$' }) }, Strict);
export const KeyInfoSchema = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  state: Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('revoked')]),
  created_at: Type.Integer(),
  created_by: Type.String(),
  expires_at: Nullable(Type.Integer()),
  revoked_at: Nullable(Type.Integer()),
});
export const KeyListSchema = Type.Object({ keys: Type.Array(KeyInfoSchema) });
export const NewKeySchema = Type.Object({ id: Type.String(), tenant: Type.String(), key: Type.String({ description: 'shown once; only its hash is stored' }) });
export const RotateSchema = Type.Object(
  {
    overlap_seconds: Type.Integer({ minimum: 0, maximum: 30 * 86_400, description: 'how long the old key keeps working after the rotation runs' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  Strict,
);

export const ReasonSchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, Strict);
export const CarrierParams = Type.Object({ carrier: CarrierSchema }, Strict);
export const QueueCancelSchema = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    carrier: Type.Optional(CarrierSchema),
    category: Type.Optional(Type.Union([Type.Literal('otp'), Type.Literal('notice'), Type.Literal('dunning'), Type.Literal('promotion')])),
  },
  Strict,
);

const RequestStateSchema = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('rejected'), Type.Literal('expired')]);
export const ChangeRequestSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  reason: Type.String(),
  state: RequestStateSchema,
  filed_by: Type.String(),
  filed_at: Type.Integer(),
  expires_at: Type.Integer(),
  decided_by: Nullable(Type.String()),
  decided_at: Nullable(Type.Integer()),
  done_at: Nullable(Type.Integer()),
  outcome: Nullable(Type.String()),
});
export const FiledSchema = Type.Object({ request: ChangeRequestSchema, new_key: Type.Optional(Type.String({ description: 'the rotated-in key: works once the request is approved and run' })) });
export const RequestListSchema = Type.Object({ requests: Type.Array(ChangeRequestSchema) });
export const RequestParams = Type.Object({ id: Type.String({ pattern: '^req_[0-9a-f]{16}$' }) }, Strict);
export const RequestListQuery = Type.Object(
  { state: Type.Optional(RequestStateSchema), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  Strict,
);

export const StatusSchema = Type.Object({
  carriers: Type.Record(Type.String(), Type.Object({ paused: Type.Boolean(), binds: Type.Array(Type.String()) })),
  lanes: Type.Array(Type.Object({ carrier: Type.String(), category: Type.String(), depth: Type.Integer() })),
  pending_callbacks: Type.Integer(),
  open_requests: Type.Integer(),
});
export const ResumedSchema = Type.Object({ carrier: Type.String(), was_paused: Type.Boolean() });

export const MessageParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' }) }, Strict);
export const OpsMessageSchema = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  state: Type.String(),
  to: Type.String({ description: 'masked for viewer' }),
  text: Type.String({ description: 'masked for viewer; an OTP body is never shown' }),
  category: Type.String(),
  carrier: Type.String(),
  accepted_at: Type.Integer(),
  final_at: Nullable(Type.Integer()),
  error: Nullable(Type.Object({ code: Type.String(), description: Type.String() })),
});
export const MessageListQuery = Type.Object(
  {
    tenant: TenantNameSchema,
    state: Type.Optional(Type.String({ pattern: '^(accepted|queued|submitted|delivered|undeliverable|expired|rejected|failed|canceled|unknown)$' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  Strict,
);
export const OpsMessageListSchema = Type.Object({ messages: Type.Array(OpsMessageSchema), next_cursor: Nullable(Type.String()) });
export const CancelResultSchema = Type.Object({ id: Type.String(), outcome: Type.String() });

export const AuditQuery = Type.Object(
  {
    since: Type.Optional(Type.Integer({ minimum: 0 })),
    until: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  Strict,
);
export const AuditPageSchema = Type.Object({ records: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

const CategorySchema = Type.Union([Type.Literal('otp'), Type.Literal('notice'), Type.Literal('dunning'), Type.Literal('promotion')]);
const RouteModeSchema = Type.Union([Type.Literal('direct'), Type.Literal('fallback'), Type.Literal('hold')]);
export const RouteChangeSchema = Type.Object(
  {
    mode: Type.Union([RouteModeSchema, Type.Literal('clear')], { description: "direct | fallback | hold sets the override; clear removes it" }),
    category: Type.Optional(CategorySchema),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  Strict,
);
const LinkViewSchema = Type.Object({ host: Type.String(), port: Type.Integer(), system_id: Type.String(), binds: Type.Integer(), tps: Type.Number(), link_states: Type.Array(Type.String()) });
export const RoutesSchema = Type.Object({
  carriers: Type.Record(Type.String(), LinkViewSchema),
  prefixes: Type.Array(Type.Object({ prefix: Type.String(), carrier: Type.String() })),
  fallback: Type.Object({
    aggregator: Type.Union([LinkViewSchema, Type.Null()], { description: "the fallback route's SMSC; null: no fallback route is configured" }),
    categories: Type.Record(Type.String(), Type.String(), { description: "per category: 'fallback' (through the aggregator) or 'wait' while a carrier's direct links are down" }),
    fail_after_ms: Type.Integer(),
    return_after_ms: Type.Integer(),
    modes: Type.Record(Type.String(), Type.String(), { description: "each carrier's automatic switch now: 'direct' or 'fallback' (an override outranks it)" }),
  }),
  overrides: Type.Array(Type.Object({ carrier: Type.String(), category: Nullable(Type.String()), mode: RouteModeSchema, set_at: Type.Integer(), request_id: Type.String() })),
});

export const RetryResultSchema = Type.Object({ id: Type.String(), outcome: Type.Literal('retried'), was: Type.String(), carrier: Type.String() });
export const ReplayResultSchema = Type.Object({ id: Type.String(), status: Type.String({ description: 'the final status whose callback goes again' }), replayed: Type.Boolean({ description: 'false: it was still pending, on its way' }) });
/** The latest instant a JavaScript Date holds. */
const MAX_INSTANT = 8_640_000_000_000_000;
export const BulkReplaySchema = Type.Object(
  {
    since: Type.Integer({ minimum: 0, maximum: MAX_INSTANT, description: 'messages that ended at or after this instant (ms since the epoch)' }),
    until: Type.Integer({ minimum: 1, maximum: MAX_INSTANT, description: 'and before this one (exclusive)' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  Strict,
);

const WindowText = Type.String({ pattern: WINDOW_TEXT_PATTERN, description: "'HH:MM-HH:MM' local time, or 'always'" });
const SendWindowsSchema = Type.Object(
  { otp: Type.Optional(WindowText), notice: Type.Optional(WindowText), dunning: Type.Optional(WindowText), promotion: Type.Optional(WindowText) },
  { ...Strict, description: "the tenant's own window per category; a category it does not name keeps the core's" },
);
const TenantUrl = Type.String({ minLength: 8, maxLength: 2048 });
const InboundNumbers = Type.Array(Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9A-Za-z+() -]+$' }), { maxItems: 100 });
const TenantRateLimit = Type.Object({ max: Type.Integer({ minimum: 1, maximum: 1_000_000 }), window_ms: Type.Integer({ minimum: 1, maximum: 3_600_000 }) }, Strict);
export const NewTenantSchema = Type.Object(
  {
    name: TenantNameSchema,
    callback_url: Type.Optional(TenantUrl),
    callback_secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256, description: 'signs its callbacks; generated (and shown once) when absent' })),
    inbound_url: Type.Optional(TenantUrl),
    send_windows: Type.Optional(SendWindowsSchema),
    inbound_numbers: Type.Optional(InboundNumbers),
    rate_limit: Type.Optional(TenantRateLimit),
  },
  Strict,
);
export const TenantChangeSchema = Type.Object(
  {
    callback_url: Type.Optional(Nullable(TenantUrl)),
    inbound_url: Type.Optional(Nullable(TenantUrl)),
    send_windows: Type.Optional(Nullable(SendWindowsSchema)),
    inbound_numbers: Type.Optional(Nullable(InboundNumbers)),
    rate_limit: Type.Optional(TenantRateLimit),
  },
  { ...Strict, description: 'the fields given replace the current ones; null clears one', minProperties: 1 },
);
export const TenantSchema = Type.Object({
  name: Type.String(),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')]),
  state: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  callback_url: Nullable(Type.String()),
  inbound_url: Nullable(Type.String()),
  send_windows: Nullable(Type.Record(Type.String(), Type.String())),
  inbound_numbers: Type.Array(Type.String()),
  rate_limit: Type.Object({ max: Type.Integer(), window_ms: Type.Integer() }),
  created_at: Nullable(Type.Integer()),
  created_by: Nullable(Type.String()),
  updated_at: Nullable(Type.Integer()),
  disabled_at: Nullable(Type.Integer()),
});
export const TenantListSchema = Type.Object({ tenants: Type.Array(TenantSchema) });
export const CreatedTenantSchema = Type.Object({ tenant: TenantSchema, callback_secret: Type.String({ description: 'shown once' }) });
