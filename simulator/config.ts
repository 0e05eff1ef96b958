// The optional configuration file (`denpa sim --config sim.json`): a seed, the
// ported share and partial profiles per carrier, validated once with errors
// that name the file and the key, e.g.
//   sim.json: carriers.au.latency.p99: must be >= p50
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { SMSCS, type SmscName } from './carrier.ts';
import { ConfigError } from './errors.ts';
import { applyPatch, CarrierProfilePatch, defaultProfile, schemaProblems, type CarrierProfile } from './profile.ts';

export const SimulatorConfigFile = Type.Object(
  {
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    portedShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    carriers: Type.Optional(Type.Object(Object.fromEntries(SMSCS.map((c) => [c, Type.Optional(CarrierProfilePatch)])), { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type SimulatorConfigFile = Static<typeof SimulatorConfigFile>;

export interface SimulatorConfig {
  seed: number | undefined;
  portedShare: number | undefined;
  profiles: Record<SmscName, CarrierProfile>;
}

export const DEFAULT_PORTED_SHARE = 0.2;

/** Validates a parsed configuration object; `source` names it in errors. */
export function resolveConfig(raw: unknown, source: string): SimulatorConfig {
  const shape = schemaProblems(SimulatorConfigFile, raw, '');
  if (shape.length > 0) throw new ConfigError(shape.map((p) => `${source}: ${p.field || '(root)'}: ${p.message}`).join('\n'), shape);
  const file = raw as SimulatorConfigFile;
  const profiles = {} as Record<SmscName, CarrierProfile>;
  for (const c of SMSCS) {
    const r = applyPatch(defaultProfile(c), file.carriers?.[c] ?? {}, `carriers.${c}`);
    if (!r.ok) throw new ConfigError(r.problems.map((p) => `${source}: ${p.field}: ${p.message}`).join('\n'), r.problems);
    profiles[c] = r.profile;
  }
  return { seed: file.seed, portedShare: file.portedShare, profiles };
}

export function loadConfigFile(path: string): SimulatorConfig {
  const name = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${name}: not valid JSON: ${(err as Error).message}`);
  }
  return resolveConfig(raw, name);
}
