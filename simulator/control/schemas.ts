// Every schema of the control API, in one place (TypeBox; also the OpenAPI).
import { Type } from '@sinclair/typebox';
import { CarrierProfile, CarrierProfilePatch, FINAL_STATES } from '../profile.ts';
import { FAULT_KINDS } from '../fault-schedule.ts';
import { PROBE_CATEGORIES } from '../../src/probe/index.ts';

export const CarrierName = Type.Union([Type.Literal('docomo'), Type.Literal('au'), Type.Literal('softbank')]);
/** An SMSC: a carrier's own, or the aggregator (the second route, reaching every carrier's subscribers). */
export const SmscName = Type.Union([Type.Literal('docomo'), Type.Literal('au'), Type.Literal('softbank'), Type.Literal('aggregator')]);
export const RouteName = Type.Union([Type.Literal('direct'), Type.Literal('aggregator')]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'stable SIM_ERR_* code' }),
    errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);
const problemRef = Type.Ref('Problem');
export const problems = { 400: problemRef, 404: problemRef };

export const CarrierParams = Type.Object({ carrier: Type.String({ description: 'docomo, au, softbank or aggregator (MO: a carrier only)' }) });

export const CarrierList = Type.Object({ carriers: Type.Array(Type.Object({ name: SmscName, smppPort: Type.Integer(), profile: CarrierProfile })) });

export { CarrierProfile, CarrierProfilePatch };

export const FaultKind = Type.Union([
  Type.Literal('refuse_binds'),
  Type.Literal('drop_sessions'),
  Type.Literal('black_hole'),
  Type.Literal('slow_answers'),
  Type.Literal('receipt_backlog'),
  Type.Literal('outage'),
]) satisfies { anyOf: { const: (typeof FAULT_KINDS)[number] }[] };
export const FaultParams = Type.Object({ delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'slow_answers: added to every submit_sm_resp (default 1000)' })) }, { additionalProperties: false });

export const FaultRequest = Type.Object(
  {
    carrier: SmscName,
    kind: FaultKind,
    startInMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000, default: 0 })),
    durationMs: Type.Integer({ minimum: 1, maximum: 86_400_000 }),
    params: Type.Optional(FaultParams),
  },
  { additionalProperties: false },
);

export const Fault = Type.Object({ id: Type.String(), carrier: SmscName, kind: FaultKind, startsAt: Type.Number(), endsAt: Type.Number(), params: FaultParams });
export const FaultList = Type.Object({ faults: Type.Array(Fault) });
export const FaultIdParams = Type.Object({ id: Type.String({ maxLength: 32 }) });

const Count = Type.Integer({ minimum: 0 });
export const CarrierCounters = Type.Object({
  submits: Count,
  responsesByStatus: Type.Record(Type.String(), Count, { description: 'keyed by command_status as 0x%08x' }),
  unanswered: Count,
  messages: Count,
  handsetDeliveries: Count,
  receiptsSent: Count,
  receiptsRetried: Count,
  receiptsAcked: Count,
  receiptsFailed: Count,
  receiptsQueued: Count,
  moSent: Count,
  moAcked: Count,
  moFailed: Count,
  binds: Type.Integer({ minimum: 0, description: 'successful binds since the last reset' }),
  bindsRefused: Count,
  sessions: Type.Integer({ minimum: 0, description: 'sessions bound now' }),
  connections: Type.Integer({ minimum: 0, description: 'TCP connections open now' }),
});
export const Counters = Type.Object({ carriers: Type.Object({ docomo: CarrierCounters, au: CarrierCounters, softbank: CarrierCounters, aggregator: CarrierCounters }) });

export const MoRequest = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 20, description: 'the handset: 090…, +8190… or 8190…' }),
    to: Type.String({ minLength: 1, maxLength: 20, description: 'the number or short code it writes to (destination_addr)' }),
    text: Type.String({ minLength: 1, maxLength: 70, description: 'one segment: GSM-7 when it fits, else UCS-2' }),
  },
  { additionalProperties: false },
);
export const MoSent = Type.Object({ from: Type.String({ description: 'canonical' }), to: Type.String(), text: Type.String() });

export const NumberParams = Type.Object({ number: Type.String({ maxLength: 32 }) });
export const NumberRecord = Type.Object({
  number: Type.String({ description: 'canonical E.164 without +, e.g. 819012345678' }),
  homeCarrier: CarrierName,
  carrier: CarrierName,
  ported: Type.Boolean(),
  fate: Type.Union([Type.Literal('deliverable'), Type.Literal('unreachable'), Type.Literal('undeliverable')]),
});
export const LookupRequest = Type.Object({ numbers: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 1000 }) }, { additionalProperties: false });
export const LookupResponse = Type.Object({ results: Type.Array(NumberRecord) });

export const RunParams = Type.Object({ runId: Type.String({ pattern: '^[0-9A-Z]{4}$', description: 'four characters [0-9A-Z]' }) });
const Latency = Type.Object({ count: Count, min: Type.Number(), p50: Type.Number(), p90: Type.Number(), p95: Type.Number(), p99: Type.Number(), max: Type.Number(), mean: Type.Number() });
const Group = Type.Object({
  messages: Count,
  duplicates: Count,
  corrupted: Count,
  latencyMs: Latency,
  hdr: Type.String({ description: 'HdrHistogram (compressed, base64) of sent->handset latency in microseconds' }),
});
export const RunSummary = Type.Object({
  runId: Type.String(),
  messages: Type.Integer({ description: 'distinct probes seen (after reassembly)' }),
  deliveries: Type.Integer({ description: 'handset deliveries, duplicates included' }),
  duplicates: Type.Integer({ description: 'probes delivered more than once' }),
  corrupted: Type.Integer({ description: 'probes whose checksum fails' }),
  byCategory: Type.Object(Object.fromEntries(PROBE_CATEGORIES.map((c) => [c, Group]))),
  byCarrier: Type.Object({ docomo: Group, au: Group, softbank: Group }, { description: 'by the handset\'s serving carrier, whichever route it came by' }),
  byRoute: Type.Object({ direct: Group, aggregator: Group }, { description: 'direct: the serving carrier\'s own SMSC; aggregator: through the aggregator' }),
});
export const ProbesQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: -1, default: -1, description: 'list probes with seq > after' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
});
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
export const ProbeList = Type.Object({
  probes: Type.Array(
    Type.Object({
      seq: Count,
      category: Type.Union(PROBE_CATEGORIES.map((c) => Type.Literal(c))),
      carrier: CarrierName,
      route: RouteName,
      to: Type.String(),
      sentAt: Type.Number(),
      arrivedAt: Type.Number(),
      handsetAt: Nullable(Type.Number()),
      finalState: Type.Union([...FINAL_STATES.map((s) => Type.Literal(s)), Type.Null()]),
      receiptAt: Nullable(Type.Number()),
      deliveries: Count,
      intact: Type.Boolean(),
    }),
  ),
  next: Type.Union([Type.Integer(), Type.Null()]),
});

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });
export const ResetResponse = Type.Object({ reset: Type.Literal(true) });
export const NoContent = Type.Null({ description: 'no content' });
