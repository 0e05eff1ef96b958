// Reading and validating the config file, once, at the edge. Every problem
// is reported as `<file>: <key>: <message>` so an operator can fix it
// without reading code; nothing starts on a bad file.
import { readFileSync } from 'node:fs';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { allowEntryProblem, callbackUrlProblem, egressPolicyOf } from '../egress/index.ts';
import { addressKey } from '../inbound/index.ts';
import { isTimeZone } from '../operator/working-hours.ts';
import { CoreConfigSchema, type CoreConfig } from './schema.ts';

export class ConfigError extends Error {
  readonly code = 'CONFIG_ERR_INVALID' as const;
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** JSON-pointer `/carriers/docomo/port` -> `carriers.docomo.port`. */
function keyOf(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describe(err: { path: string; message: string; schema: unknown; value: unknown }): { key: string; message: string } {
  return { key: keyOf(err.path), message: err.message };
}

/**
 * Validate a parsed config object (apply defaults first). `source` names
 * where it came from for error messages. Returns a fresh, fully defaulted config.
 */
export function resolveConfig(input: unknown, source = '<config>'): CoreConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([`${source}: (root): must be a JSON object`]);
  }
  const withDefaults = Value.Default(CoreConfigSchema, Value.Clone(input));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const err of Value.Errors(CoreConfigSchema, withDefaults)) {
    const entries =
      err.type === ValueErrorType.ObjectAdditionalProperties
        ? [{ key: keyOf(err.path), message: `unknown key (allowed: ${Object.keys((err.schema as { properties?: object }).properties ?? {}).join(', ')})` }]
        : [describe(err)];
    for (const e of entries) {
      const line = `${source}: ${e.key}: ${e.message}`;
      if (!seen.has(line)) {
        seen.add(line);
        problems.push(line);
      }
    }
    if (problems.length >= 20) break;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = withDefaults as CoreConfig;
  problems.push(...crossChecks(config, source));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Rules a schema cannot say: unique tenant names and keys, sane back-off order. */
function crossChecks(config: CoreConfig, source: string): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const keys = new Map<string, string>();
  config.tenants.forEach((t, i) => {
    if (names.has(t.name)) problems.push(`${source}: tenants.${i}.name: duplicate tenant name "${t.name}"`);
    names.add(t.name);
    t.keys.forEach((k, j) => {
      const owner = keys.get(k);
      if (owner !== undefined) problems.push(`${source}: tenants.${i}.keys.${j}: key already belongs to tenant "${owner}"`);
      keys.set(k, t.name);
    });
  });
  for (const [name, c] of Object.entries(config.carriers)) {
    if (c.reconnectMinMs > c.reconnectMaxMs) {
      problems.push(`${source}: carriers.${name}.reconnectMinMs: must not exceed reconnectMaxMs (${c.reconnectMaxMs})`);
    }
  }
  const alerts = config.operators.alerts;
  if ((alerts.url === undefined) !== (alerts.secret === undefined)) {
    problems.push(`${source}: operators.alerts: url and secret go together (the alert POST is signed with the secret)`);
  }
  if (!isTimeZone(config.operators.workingHours.timeZone)) {
    problems.push(`${source}: operators.workingHours.timeZone: "${config.operators.workingHours.timeZone}" is not a known IANA time zone`);
  }
  if (config.callbacks.initialDelayMs > config.callbacks.maxDelayMs) {
    problems.push(`${source}: callbacks.initialDelayMs: must not exceed callbacks.maxDelayMs (${config.callbacks.maxDelayMs})`);
  }
  config.egress.allow.forEach((entry, i) => {
    const problem = allowEntryProblem(entry);
    if (problem) problems.push(`${source}: egress.allow.${i}: ${problem}`);
  });
  for (const [cat, ttl] of Object.entries(config.messages.ttlSeconds)) {
    if (ttl > config.messages.maxTtlSeconds) {
      problems.push(`${source}: messages.ttlSeconds.${cat}: must not exceed messages.maxTtlSeconds (${config.messages.maxTtlSeconds})`);
    }
  }
  // An MO address names one tenant; an inbound URL passes the same egress checks as a callback_url.
  const addressOwner = new Map<string, string>();
  // (egress.allow entries are checked above; a policy is built only from good ones.)
  const egress = config.egress.allow.some((e) => allowEntryProblem(e)) ? undefined : egressPolicyOf(config.egress.allow);
  config.tenants.forEach((t, i) => {
    t.inboundNumbers?.forEach((n, j) => {
      const owner = addressOwner.get(addressKey(n));
      if (owner !== undefined) problems.push(`${source}: tenants.${i}.inboundNumbers.${j}: "${n}" already belongs to tenant "${owner}"`);
      addressOwner.set(addressKey(n), t.name);
    });
    const urlProblem = t.inboundUrl !== undefined && egress ? callbackUrlProblem(t.inboundUrl, egress) : undefined;
    if (urlProblem) problems.push(`${source}: tenants.${i}.inboundUrl: ${urlProblem}`);
  });
  return problems;
}

/** Read and validate a JSON config file; undefined path = the embedded default. */
export function loadConfigFile(path: string | undefined): CoreConfig {
  if (path === undefined) return resolveConfig({}, '<default>');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${path}: cannot read: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${path}: not valid JSON: ${(err as Error).message}`]);
  }
  return resolveConfig(parsed, path);
}

/** The embedded default configuration (simulator ports and credentials). */
export function defaultConfig(): CoreConfig {
  return resolveConfig({}, '<default>');
}
