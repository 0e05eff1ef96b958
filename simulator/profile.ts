// The fault profile: everything one carrier does, typed and validated.
// A profile is always whole once resolved: the configuration file and PATCH
// requests carry partial profiles that are deep-merged over the defaults
// (objects merge key by key; arrays and distributions are replaced whole).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Distribution, distributionProblems } from './distribution.ts';
import { resolveStatus } from './injected-status.ts';
import type { FieldProblem } from './errors.ts';
import { AGGREGATOR, type SmscName } from './carrier.ts';
import { LONG_MESSAGE_LIMITS } from '../src/domain/index.ts';

const share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const count = (description: string, maximum = 1_000_000) => Type.Integer({ minimum: 0, maximum, description });

export const FINAL_STATES = ['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED', 'UNKNOWN'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

export const InjectedError = Type.Object(
  {
    status: Type.Union([Type.String({ description: 'spec name (ESME_RTHROTTLED) or hex (0x58)' }), Type.Integer({ minimum: 1, maximum: 0xffffffff })], {
      errorMessage: 'must name a non-zero command_status (ESME_* name, number or 0x hex)',
    }),
    rate: share('share of submit_sm answered with this status'),
  },
  { additionalProperties: false },
);

export const CarrierProfile = Type.Object(
  {
    credentials: Type.Object({ systemId: Type.String({ minLength: 1, maxLength: 15 }), password: Type.String({ maxLength: 8 }) }, { additionalProperties: false }),
    maxBindsPerSystemId: count('binds one system_id may hold at once', 10_000),
    interfaceVersions: Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { minItems: 1, maxItems: 8, description: 'bind interface_version values accepted' }),
    latency: Distribution,
    errors: Type.Array(InjectedError, { maxItems: 32 }),
    throttle: Type.Object({ perBindTps: count('submit_sm per second per bind, 0 = no cap'), perCarrierTps: count('submit_sm per second for the carrier, 0 = no cap') }, { additionalProperties: false }),
    maxOutstandingPerBind: count('unanswered submit_sm per bind before ESME_RMSGQFUL, 0 = no cap'),
    handset: Type.Object(
      {
        delay: Distribution,
        unreachableShare: share('share of numbers whose handset is unreachable (deterministic per number)'),
        undeliverableShare: share('share of numbers whose handset never accepts a message'),
        unreachableFor: Distribution,
        defaultValidityMs: Type.Integer({ minimum: 1, maximum: 86_400_000 * 30, description: 'validity when submit_sm gives none' }),
      },
      { additionalProperties: false },
    ),
    finalStates: Type.Object(Object.fromEntries(FINAL_STATES.map((s) => [s, Type.Optional(share(`share of messages to deliverable handsets ending ${s}`))])), {
      additionalProperties: false,
    }),
    receipts: Type.Object(
      {
        delay: Distribution,
        dateDigits: Type.Union([Type.Literal(10), Type.Literal(12)]),
        messageIdFormat: Type.Union([Type.Literal('hex'), Type.Literal('decimal'), Type.Literal('uuid')], {
          description: 'hex: 8 lowercase hex digits; decimal: 10 digits; uuid: 8-4-4-4-12 lowercase hex (the aggregator)',
        }),
        tlvs: Type.Boolean({ description: 'send the receipted_message_id and message_state TLVs (false: the receipt text alone says which message and what state)' }),
        retryAfterMs: Type.Integer({ minimum: 1, maximum: 3_600_000 }),
        maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
        utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, description: 'time zone of the dates in the receipt text (0 = UTC, 540 = JST)' }),
      },
      { additionalProperties: false },
    ),
    mo: Type.Object(
      {
        perSecond: Type.Number({ minimum: 0, maximum: 10_000, description: 'mobile-originated messages per second from handsets that got a message (0 = none)' }),
        optOutShare: share('share of generated MOs that are an opt-out word'),
        optOutTexts: Type.Array(Type.String({ minLength: 1, maxLength: 70 }), { maxItems: 32, description: 'opt-out replies, e.g. 停止, STOP' }),
        otherTexts: Type.Array(Type.String({ minLength: 1, maxLength: 70 }), { maxItems: 32, description: 'other replies' }),
      },
      { additionalProperties: false },
    ),
    longMessages: Type.Object(
      {
        maxSegments: Type.Integer({ minimum: 1, maximum: 255 }),
        maxUcs2Chars: Type.Integer({ minimum: 1, maximum: 255 * 67 }),
        maxGsmChars: Type.Integer({ minimum: 1, maximum: 255 * 153 }),
        reassemblyTimeoutMs: Type.Integer({ minimum: 1, maximum: 86_400_000 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CarrierProfile = Static<typeof CarrierProfile>;

/** A deep-partial profile as PATCH and the configuration file carry it. */
export const CarrierProfilePatch = Type.Object(
  Object.fromEntries(
    Object.entries(CarrierProfile.properties).map(([k, s]) => {
      const schema = s as TSchema & { type?: string; properties?: Record<string, TSchema> };
      const partial = schema.type === 'object' && schema.properties && !('kind' in schema.properties) ? Type.Partial(schema as never) : schema;
      return [k, Type.Optional(partial)];
    }),
  ),
  { additionalProperties: false },
);
export type CarrierProfilePatch = Partial<{ [K in keyof CarrierProfile]: CarrierProfile[K] extends unknown[] ? CarrierProfile[K] : Partial<CarrierProfile[K]> }>;

const PASSWORDS: Record<SmscName, string> = { docomo: 'dcm-pass', au: 'au-pass', softbank: 'sb-pass', aggregator: 'agg-pass' };

/**
 * The defaults of one SMSC. The aggregator's differ where a second route
 * does: its own credentials, a slower answer (one more hop), a TPS cap of
 * its own (it is bought for continuity, not for peak load), uuid message
 * ids, receipts as text only with 12-digit JST dates, the longer of the
 * carriers' long-message limits (it passes a message on to the handset's
 * carrier) and no mobile-originated traffic.
 */
export function defaultProfile(carrier: SmscName): CarrierProfile {
  const base = carrierDefaults(carrier);
  if (carrier !== AGGREGATOR) return base;
  return {
    ...base,
    credentials: { systemId: 'denpa-agg', password: PASSWORDS.aggregator },
    latency: { kind: 'lognormal', p50: 40, p99: 250 },
    throttle: { perBindTps: 0, perCarrierTps: 300 },
    receipts: { ...base.receipts, dateDigits: 12, messageIdFormat: 'uuid', tlvs: false, utcOffsetMinutes: 540 },
    longMessages: { ...LONG_MESSAGE_LIMITS.au, reassemblyTimeoutMs: 60_000 },
  };
}

function carrierDefaults(carrier: SmscName): CarrierProfile {
  return {
    credentials: { systemId: 'denpa', password: PASSWORDS[carrier] },
    maxBindsPerSystemId: 8,
    interfaceVersions: [0x34, 0x50],
    latency: { kind: 'lognormal', p50: 5, p99: 40 },
    errors: [],
    throttle: { perBindTps: 0, perCarrierTps: 0 },
    maxOutstandingPerBind: 0,
    handset: {
      delay: { kind: 'lognormal', p50: 300, p99: 2_000 },
      unreachableShare: 0.01,
      undeliverableShare: 0.005,
      unreachableFor: { kind: 'lognormal', p50: 30_000, p99: 600_000 },
      defaultValidityMs: 3_600_000,
    },
    finalStates: { DELIVRD: 1 },
    receipts: {
      delay: { kind: 'lognormal', p50: 200, p99: 2_000 },
      dateDigits: carrier === 'au' ? 12 : 10,
      messageIdFormat: carrier === 'docomo' ? 'decimal' : 'hex',
      tlvs: true,
      retryAfterMs: 10_000,
      maxAttempts: 5,
      utcOffsetMinutes: 0,
    },
    longMessages: { ...LONG_MESSAGE_LIMITS[carrier === AGGREGATOR ? 'au' : carrier], reassemblyTimeoutMs: 60_000 },
    mo: { perSecond: 0, optOutShare: 0.2, optOutTexts: ['停止', 'STOP'], otherTexts: ['はい', 'ありがとうございます', 'OK'] },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects key by key, everything else (arrays, distributions) replaced whole. */
export function mergePatch<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch) || 'kind' in patch) return structuredClone(patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = k in base && isPlainObject(base[k]) && isPlainObject(v) && !('kind' in v) ? mergePatch(base[k], v) : structuredClone(v);
  }
  return out as T;
}

function dotted(path: string): string {
  return path.replace(/^\//, '').split('/').filter(Boolean).join('.');
}

function join(prefix: string, key: string): string {
  return prefix && key ? `${prefix}.${key}` : prefix || key;
}

/**
 * Schema problems with precise keys. A union fails as a whole in TypeBox, so
 * a distribution is re-checked against the member its `kind` selects.
 */
export function schemaProblems(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    const field = join(prefix, dotted(e.path));
    if ([...seen].some((p) => field.startsWith(p + '.'))) continue;
    const members = (e.schema as { anyOf?: TSchema[] }).anyOf;
    const value = e.value;
    if (members && isPlainObject(value) && typeof value.kind === 'string') {
      const member = members.find((m) => (m as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const === value.kind);
      if (member) {
        out.push(...schemaProblems(member, value, field));
        seen.add(field);
        continue;
      }
      out.push({ field: join(field, 'kind'), message: 'must be one of constant, uniform, normal, lognormal' });
      seen.add(field);
      continue;
    }
    if (seen.has(field)) continue;
    seen.add(field);
    // A union says "Expected union value": say what the field takes instead.
    const custom = (e.schema as { errorMessage?: unknown }).errorMessage;
    if (members && typeof custom === 'string') out.push({ field, message: custom });
    else if (members) out.push({ field, message: 'has the wrong type or value' });
    else out.push({ field, message: e.message === 'Unexpected property' ? 'unknown key' : e.message.replace(/^Expected (\w+ to be )?/, 'must be ') });
  }
  return out;
}

/** Relations the schema cannot express. */
export function relationProblems(p: CarrierProfile, prefix: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const dist = (key: string, d: CarrierProfile['latency']) => {
    for (const q of distributionProblems(d)) out.push({ field: join(prefix, `${key}.${q.key}`), message: q.message });
  };
  dist('latency', p.latency);
  dist('handset.delay', p.handset.delay);
  dist('handset.unreachableFor', p.handset.unreachableFor);
  dist('receipts.delay', p.receipts.delay);
  p.errors.forEach((e, i) => {
    if (resolveStatus(e.status) === undefined) out.push({ field: join(prefix, `errors.${i}.status`), message: 'must name a non-zero command_status (ESME_* name, number or 0x hex)' });
  });
  const errorSum = p.errors.reduce((s, e) => s + e.rate, 0);
  if (errorSum > 1 + 1e-9) out.push({ field: join(prefix, 'errors'), message: `rates must sum to <= 1 (got ${errorSum})` });
  if (p.handset.unreachableShare + p.handset.undeliverableShare > 1 + 1e-9) out.push({ field: join(prefix, 'handset.undeliverableShare'), message: 'unreachableShare + undeliverableShare must be <= 1' });
  const mix = Object.values(p.finalStates).reduce<number>((s, v) => s + (v ?? 0), 0);
  if (Math.abs(mix - 1) > 1e-6) out.push({ field: join(prefix, 'finalStates'), message: `shares must sum to 1 (got ${mix})` });
  return out;
}

/** Applies a partial profile to `base`; returns the whole profile or every problem, keyed under `prefix`. */
export function applyPatch(base: CarrierProfile, patch: unknown, prefix = ''): { ok: true; profile: CarrierProfile } | { ok: false; problems: FieldProblem[] } {
  const shape = schemaProblems(CarrierProfilePatch, patch, prefix);
  if (shape.length > 0) return { ok: false, problems: shape };
  const merged = mergePatch(base, patch);
  const problems = schemaProblems(CarrierProfile, merged, prefix);
  if (problems.length === 0) problems.push(...relationProblems(merged, prefix));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, profile: merged };
}
