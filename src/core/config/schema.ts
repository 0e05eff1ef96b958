// The whole core configuration as one TypeBox schema. Every key has a
// default, so an empty file (or no file) gives a core wired to the
// simulator's default ports and credentials. Unknown keys are errors.
import { Type, type Static } from '@sinclair/typebox';
import { WINDOW_TEXT_PATTERN } from '../dispatch/index.ts';
import { DEFAULT_EGRESS_ALLOW } from '../egress/index.ts';
import { defaultRoutingTable } from '../message/index.ts';
import { WorkingHoursSchema } from '../operator/working-hours.ts';

const Strict = { additionalProperties: false } as const;

export const RateLimitSchema = Type.Object(
  {
    max: Type.Integer({ minimum: 1, default: 20_000, description: 'requests per window' }),
    windowMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1000 }),
  },
  { ...Strict, default: {} },
);

/** A send window as 'HH:MM-HH:MM' local time (wrapping midnight when the start is later) or 'always'. */
function windowText(description: string, fallback?: string) {
  return Type.String({ pattern: WINDOW_TEXT_PATTERN, description, ...(fallback !== undefined ? { default: fallback } : {}) });
}

/** One window per category; the core's have defaults, a tenant's entries override only the categories they name. */
function sendWindows(withDefaults: boolean) {
  const key = (text: string, description: string) => (withDefaults ? windowText(description, text) : Type.Optional(windowText(description)));
  return Type.Object(
    {
      otp: key('always', 'OTP send window (never held by default: a late code is useless, its TTL is short)'),
      notice: key('always', 'notice send window'),
      dunning: key('08:00-21:00', 'dunning send window (the Money Lending Business Act art. 21 hours)'),
      promotion: key('always', 'promotion send window'),
    },
    { ...Strict, ...(withDefaults ? { default: {} } : {}) },
  );
}

export const TenantSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }),
    keys: Type.Array(Type.String({ minLength: 8, maxLength: 256, description: 'an API key, or sha256:<64 hex digits> of one so the file holds no key' }), { minItems: 1 }),
    callbackSecret: Type.String({ minLength: 8, maxLength: 256 }),
    rateLimit: RateLimitSchema,
    sendWindows: Type.Optional(sendWindows(false)),
    inboundNumbers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 100, description: 'numbers and short codes the tenant sends from and takes replies (MO) on' }),
    ),
    inboundUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'where the core POSTs (signed) each MO addressed to the tenant' })),
  },
  Strict,
);

function carrier(port: number, password: string, systemId = 'denpa', options: { default?: object; description?: string } = { default: {} }) {
  return Type.Object(
    {
      host: Type.String({ minLength: 1, default: '127.0.0.1' }),
      port: Type.Integer({ minimum: 1, maximum: 65535, default: port }),
      systemId: Type.String({ minLength: 1, maxLength: 15, default: systemId }),
      password: Type.String({ maxLength: 8, default: password }),
      systemType: Type.String({ maxLength: 12, default: '' }),
      binds: Type.Integer({ minimum: 1, maximum: 32, default: 2 }),
      window: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
      tps: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 1000, description: 'per bind' }),
      responseTimeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
      enquireLinkMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
      reconnectMinMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 500 }),
      reconnectMaxMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 30_000 }),
      sourceAddr: Type.String({ maxLength: 20, default: 'DENPA' }),
    },
    { ...Strict, ...options },
  );
}

/** What a category does while its carrier's direct links are down or failing. */
function fallbackChoice(fallback: 'fallback' | 'wait', description: string) {
  return Type.Union([Type.Literal('fallback'), Type.Literal('wait')], { default: fallback, description: `'fallback' or 'wait' (held in its lane); default '${fallback}': ${description}` });
}

export const CarrierName = Type.Union([Type.Literal('docomo'), Type.Literal('au'), Type.Literal('softbank')]);

export const CoreConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024 }),
        maxBatch: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }),
        logLevel: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
        requestLogging: Type.Boolean({ default: false, description: 'log every request and answer at info (costly at thousands of requests/s)' }),
      },
      { ...Strict, default: {} },
    ),
    tenants: Type.Array(TenantSchema, {
      minItems: 1,
      default: [{ name: 'default', keys: ['denpa-dev-key'], callbackSecret: 'denpa-dev-secret', rateLimit: {} }],
    }),
    store: Type.Object(
      {
        dataDir: Type.String({ minLength: 1, default: './data' }),
        url: Type.Optional(
          Type.String({
            pattern: '^postgres(ql)?://',
            description: 'postgres://user[:password]@host[:port]/database: messages live in PostgreSQL instead of dataDir/denpa.db (dataDir still holds the lock and the operator database)',
          }),
        ),
        commitIntervalMs: Type.Integer({ minimum: 0, maximum: 1000, default: 0, description: 'group commit window (0 = next macrotask)' }),
        commitBatchMax: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
      },
      { ...Strict, default: {} },
    ),
    node: Type.Object(
      {
        id: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 64,
            pattern: '^[A-Za-z0-9_.:-]+$',
            description: 'this core node on a shared store (several nodes on one PostgreSQL database); default: host name and process id, a new node at every start',
          }),
        ),
        leaseMs: Type.Integer({
          minimum: 1000,
          maximum: 600_000,
          default: 15_000,
          description: "how long this node's in-flight claims and its place among the live nodes last without a heartbeat (it beats every third of this)",
        }),
      },
      { ...Strict, default: {} },
    ),
    carriers: Type.Object(
      {
        docomo: carrier(2775, 'dcm-pass'),
        au: carrier(2776, 'au-pass'),
        softbank: carrier(2777, 'sb-pass'),
      },
      { ...Strict, default: {} },
    ),
    fallback: Type.Object(
      {
        aggregator: Type.Optional(
          carrier(2778, 'agg-pass', 'denpa-agg', {
            description: "the fallback route's SMSC (an aggregator reaching every carrier's subscribers): links like a carrier's. Absent: no fallback route, a carrier's traffic waits for its own links",
          }),
        ),
        categories: Type.Object(
          {
            otp: fallbackChoice('fallback', 'a late code is useless: out through the aggregator'),
            notice: fallbackChoice('fallback', 'business notices are time-bound: out through the aggregator'),
            dunning: fallbackChoice('wait', 'dunning waits for the carrier (its send window and the cost of a second route)'),
            promotion: fallbackChoice('wait', 'promotions wait: not worth the aggregator\'s price or its TPS cap, which OTPs need'),
          },
          { ...Strict, default: {} },
        ),
        failAfterMs: Type.Integer({
          minimum: 0,
          maximum: 3_600_000,
          default: 2000,
          description: "a carrier's links all down, or failing (submit errors, timeouts, lost links, no successful submit) for this long: its 'fallback' categories switch to the aggregator",
        }),
        returnAfterMs: Type.Integer({
          minimum: 0,
          maximum: 3_600_000,
          default: 5000,
          description: 'after a switch, traffic returns to the direct links once one has been bound this long',
        }),
      },
      { ...Strict, default: {} },
    ),
    routing: Type.Array(
      Type.Object({ prefix: Type.String({ pattern: '^0[0-9]{1,10}$' }), carrier: CarrierName }, Strict),
      { minItems: 1, default: defaultRoutingTable() },
    ),
    numberLookup: Type.Object(
      {
        kind: Type.Union([Type.Literal('http'), Type.Literal('none')], {
          default: 'http',
          description: "'http': ask the number-lookup service at url (the simulator's lookup API) before a message's first submit; 'none': route by the prefix table alone",
        }),
        url: Type.String({ pattern: '^https?://[^\\s/]+(/\\S*)?$', default: 'http://127.0.0.1:8775', description: 'base URL of the lookup service (POST {url}/v1/numbers/lookup)' }),
        timeoutMs: Type.Integer({ minimum: 1, maximum: 10_000, default: 200, description: 'the longest an accept waits for the lookup; then the prefix table routes it' }),
        batchMax: Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'numbers per lookup request' }),
        downForMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 5000, description: 'after a failed or timed-out lookup, route by prefix for this long before asking again' }),
        cacheTtlSeconds: Type.Integer({ minimum: 0, maximum: 7 * 86_400, default: 3600, description: 'how long a looked-up carrier is trusted' }),
        cacheMaxEntries: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000, description: 'numbers remembered (least recently used dropped first)' }),
      },
      { ...Strict, default: {} },
    ),
    messages: Type.Object(
      {
        ttlSeconds: Type.Object(
          {
            otp: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 300 }),
            notice: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 86_400 }),
            dunning: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 86_400 }),
            promotion: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 3 * 86_400 }),
          },
          { ...Strict, default: {} },
        ),
        maxTtlSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 7 * 86_400 }),
        receiptTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400, default: 3 * 86_400 }),
        defaultSender: Type.String({ minLength: 1, maxLength: 20, default: 'DENPA' }),
        sendWindows: sendWindows(true),
        sendWindowUtcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, default: 540, description: 'the local time the send windows are read in (JST = 540; Japan has no DST)' }),
      },
      { ...Strict, default: {} },
    ),
    callbacks: Type.Object(
      {
        concurrency: Type.Integer({ minimum: 1, maximum: 4096, default: 256, description: 'POSTs in flight at once, over every receiver' }),
        perOriginConcurrency: Type.Integer({
          minimum: 1,
          maximum: 1024,
          default: 64,
          description: 'POSTs in flight at once to one receiver origin (scheme://host:port), its keep-alive pool; a slow or dead receiver holds no more',
        }),
        timeoutMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 5000 }),
        initialDelayMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1000 }),
        maxDelayMs: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 300_000 }),
        maxAgeSeconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400, default: 86_400 }),
        pollIntervalMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 200 }),
        sendSubmitted: Type.Boolean({ default: false, description: 'also POST the submitted state' }),
      },
      { ...Strict, default: {} },
    ),
    inbound: Type.Object(
      {
        optOutKeywords: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
          minItems: 0,
          maxItems: 100,
          default: ['停止', 'STOP'],
          description: 'a reply that is one of these (NFKC, case-insensitive, surrounding punctuation ignored) puts its sender on the tenant opt-out list',
        }),
      },
      { ...Strict, default: {} },
    ),
    operators: Type.Object(
      {
        sessionMinutes: Type.Integer({ minimum: 1, maximum: 720, default: 15, description: 'how long an operator session token lives' }),
        maxFailedLogins: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'failed logins in a row that lock an account' }),
        lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
        requestTtlHours: Type.Integer({ minimum: 1, maximum: 720, default: 24, description: 'a four-eyes request not decided by then expires' }),
        workingHours: WorkingHoursSchema,
        alerts: Type.Object(
          {
            url: Type.Optional(Type.String({ minLength: 8, maxLength: 2048, description: 'off-hours alerts are POSTed here, signed like status callbacks' })),
            secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256, description: 'HMAC key of the alert signature' })),
          },
          { ...Strict, default: {} },
        ),
        system: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'the system name in audit records (default denpa-core@<host name>)' })),
      },
      { ...Strict, default: {} },
    ),
    egress: Type.Object(
      {
        allow: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
          maxItems: 1000,
          default: [...DEFAULT_EGRESS_ALLOW],
          description: 'host names, addresses and CIDR ranges the core may call although they are internal (loopback, private, link-local ...)',
        }),
      },
      { ...Strict, default: {} },
    ),
  },
  Strict,
);

export type CoreConfig = Static<typeof CoreConfigSchema>;
export type CarrierConfig = CoreConfig['carriers']['docomo'];
export type TenantConfig = CoreConfig['tenants'][number];
export type FallbackConfig = CoreConfig['fallback'];
