// The http adapter's config file: its schema (TypeBox, the single source of
// truth; the scenario side's HttpGatewayConfig interface must match it) and
// its loading, where a bad key is named by its JSON path.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { TEMPLATE_FIELDS, templateFields, type HttpGatewayConfig } from '../../../scenarios/lib/gateway/http.ts';
import { GatewayConfigError } from './errors.ts';

const ValueSource = Type.Union([
  Type.Object({ json: Type.String({ minLength: 1, description: 'dotted path in the JSON body, e.g. data.state' }) }, { additionalProperties: false }),
  Type.Object({ query: Type.String({ minLength: 1, description: 'query parameter (or form field) name' }) }, { additionalProperties: false }),
]);

const MappedStatus = Type.Union([
  Type.Literal('delivered'),
  Type.Literal('undeliverable'),
  Type.Literal('expired'),
  Type.Literal('rejected'),
  Type.Literal('failed'),
  Type.Literal('canceled'),
  Type.Literal('unknown'),
  Type.Literal('pending'),
]);

export const HttpGatewayConfigSchema = Type.Object(
  {
    request: Type.Object(
      {
        method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT')]),
        url: Type.String({ pattern: '^(\\{\\{\\s*baseUrl\\s*\\}\\}|https?://)' }),
        headers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]+$' }), Type.String())),
        bodyFormat: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('form'), Type.Literal('text')])),
        body: Type.Optional(Type.String()),
        accepted: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1 })),
      },
      { additionalProperties: false },
    ),
    callback: Type.Object(
      {
        ref: Type.Optional(ValueSource),
        status: ValueSource,
        statuses: Type.Record(Type.String({ minLength: 1 }), MappedStatus, { minProperties: 1 }),
        signature: Type.Optional(Type.Object({ header: Type.String({ minLength: 1 }), secret: Type.String({ minLength: 1 }), prefix: Type.Optional(Type.String()) }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

// The scenario side's interface and the schema must describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameShape: Same<Static<typeof HttpGatewayConfigSchema>, HttpGatewayConfig> = true;
void _sameShape;

/** Validates a parsed config; throws GatewayConfigError naming the first bad key by its JSON path. */
export function validateHttpGatewayConfig(value: unknown, file = 'gateway config'): HttpGatewayConfig {
  if (!Value.Check(HttpGatewayConfigSchema, value)) {
    // The deepest error names the key; a union reports its own path first.
    const errors = [...Value.Errors(HttpGatewayConfigSchema, value)];
    const worst = errors.reduce((a, b) => (b.path.length > a.path.length ? b : a), errors[0]!);
    const extra = worst.message.includes('additional') || worst.message.includes('Unexpected property');
    throw new GatewayConfigError(file, worst.path, extra ? 'unknown key' : worst.message);
  }
  const config = value as HttpGatewayConfig;
  const known = new Set<string>(TEMPLATE_FIELDS);
  const templates: Array<[string, string]> = [['/request/url', config.request.url]];
  if (config.request.body !== undefined) templates.push(['/request/body', config.request.body]);
  for (const [k, v] of Object.entries(config.request.headers ?? {})) templates.push([`/request/headers/${k}`, v]);
  for (const [path, template] of templates) {
    for (const name of templateFields(template)) {
      if (!known.has(name)) throw new GatewayConfigError(file, path, `unknown template field {{${name}}} (known: ${TEMPLATE_FIELDS.join(', ')})`);
    }
  }
  if (config.request.method === 'GET' && config.request.body !== undefined) throw new GatewayConfigError(file, '/request/body', 'a GET has no body');
  return config;
}

export function loadHttpGatewayConfig(file: string): HttpGatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new GatewayConfigError(file, '', `cannot be read: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayConfigError(file, '', `is not JSON: ${(err as Error).message}`);
  }
  return validateHttpGatewayConfig(value, file);
}
