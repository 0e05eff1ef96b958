// Resolve a script's `options` into typed scenarios with k6's defaults, once,
// at the edge. Everything after this reads resolved numbers (milliseconds).
//
// k6's shortcuts without `scenarios` map to one scenario named "default":
// `iterations` -> shared-iterations, `duration` -> constant-vus,
// `stages` -> ramping-vus, nothing -> per-vu-iterations (1 VU, 1 iteration).

import { durationOr, parseDuration } from './duration.ts';
import { EngineConfigError } from './errors.ts';

export interface Stage {
  readonly target: number;
  readonly durationMs: number;
}

interface ScenarioCommon {
  readonly name: string;
  readonly startTimeMs: number;
  readonly gracefulStopMs: number;
  readonly exec: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
}

export type Scenario =
  | (ScenarioCommon & { readonly executor: 'constant-arrival-rate'; readonly rate: number; readonly timeUnitMs: number; readonly durationMs: number; readonly preAllocatedVUs: number; readonly maxVUs: number })
  | (ScenarioCommon & { readonly executor: 'ramping-arrival-rate'; readonly startRate: number; readonly timeUnitMs: number; readonly stages: readonly Stage[]; readonly preAllocatedVUs: number; readonly maxVUs: number })
  | (ScenarioCommon & { readonly executor: 'constant-vus'; readonly vus: number; readonly durationMs: number })
  | (ScenarioCommon & { readonly executor: 'ramping-vus'; readonly startVUs: number; readonly stages: readonly Stage[]; readonly gracefulRampDownMs: number })
  | (ScenarioCommon & { readonly executor: 'per-vu-iterations'; readonly vus: number; readonly iterations: number; readonly maxDurationMs: number })
  | (ScenarioCommon & { readonly executor: 'shared-iterations'; readonly vus: number; readonly iterations: number; readonly maxDurationMs: number });

export type ExecutorName = Scenario['executor'];
export const EXECUTORS: readonly ExecutorName[] = ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations'];

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

export interface ResolvedOptions {
  readonly scenarios: readonly Scenario[];
  readonly summaryTrendStats: readonly string[];
  /** Tags added to every metric sample (`options.tags`). */
  readonly tags: Readonly<Record<string, string>>;
  readonly setupTimeoutMs: number;
  readonly teardownTimeoutMs: number;
}

const DEFAULT_GRACEFUL_STOP_MS = 30_000;
const DEFAULT_MAX_DURATION_MS = 600_000;

type Bag = Record<string, unknown>;

function int(bag: Bag, key: string, where: string, fallback?: number, min = 0): number {
  const v = bag[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new EngineConfigError(`${where}.${key} is required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new EngineConfigError(`${where}.${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function num(bag: Bag, key: string, where: string, fallback?: number): number {
  const v = bag[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new EngineConfigError(`${where}.${key} is required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new EngineConfigError(`${where}.${key} must be a number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

function stringMap(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new EngineConfigError(`${where} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Bag)) out[k] = String(val);
  return out;
}

function stages(v: unknown, where: string, scale: number): Stage[] {
  if (!Array.isArray(v) || v.length === 0) throw new EngineConfigError(`${where}.stages must be a non-empty list of {duration, target}`);
  return v.map((s, i) => {
    const bag = (s ?? {}) as Bag;
    return { durationMs: parseDuration(bag.duration, `${where}.stages[${i}].duration`) * scale, target: num(bag, 'target', `${where}.stages[${i}]`) };
  });
}

function resolveScenario(name: string, raw: unknown, scale: number): Scenario {
  const where = `options.scenarios.${name}`;
  if (!raw || typeof raw !== 'object') throw new EngineConfigError(`${where} must be an object`);
  const bag = raw as Bag;
  if (bag.exec !== undefined && typeof bag.exec !== 'string') throw new EngineConfigError(`${where}.exec must be the name of an exported function`);
  const common: ScenarioCommon = {
    name,
    startTimeMs: durationOr(bag.startTime, 0, `${where}.startTime`) * scale,
    gracefulStopMs: durationOr(bag.gracefulStop, DEFAULT_GRACEFUL_STOP_MS, `${where}.gracefulStop`),
    exec: (bag.exec as string | undefined) ?? 'default',
    tags: stringMap(bag.tags, `${where}.tags`),
    env: stringMap(bag.env, `${where}.env`),
  };
  switch (bag.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const preAllocatedVUs = int(bag, 'preAllocatedVUs', where, undefined, 0);
      const maxVUs = int(bag, 'maxVUs', where, preAllocatedVUs, 0);
      if (maxVUs < preAllocatedVUs) throw new EngineConfigError(`${where}.maxVUs (${maxVUs}) is less than preAllocatedVUs (${preAllocatedVUs})`);
      if (maxVUs === 0) throw new EngineConfigError(`${where}: preAllocatedVUs or maxVUs must be at least 1`);
      const timeUnitMs = durationOr(bag.timeUnit, 1000, `${where}.timeUnit`);
      if (timeUnitMs <= 0) throw new EngineConfigError(`${where}.timeUnit must be positive`);
      if (bag.executor === 'constant-arrival-rate') {
        const rate = num(bag, 'rate', where);
        if (rate <= 0) throw new EngineConfigError(`${where}.rate must be positive`);
        return { ...common, executor: 'constant-arrival-rate', rate, timeUnitMs, durationMs: parseDuration(bag.duration, `${where}.duration`) * scale, preAllocatedVUs, maxVUs };
      }
      return { ...common, executor: 'ramping-arrival-rate', startRate: num(bag, 'startRate', where, 0), timeUnitMs, stages: stages(bag.stages, where, scale), preAllocatedVUs, maxVUs };
    }
    case 'constant-vus':
      return { ...common, executor: 'constant-vus', vus: int(bag, 'vus', where, 1, 1), durationMs: parseDuration(bag.duration, `${where}.duration`) * scale };
    case 'ramping-vus':
      return {
        ...common,
        executor: 'ramping-vus',
        startVUs: int(bag, 'startVUs', where, 1, 0),
        stages: stages(bag.stages, where, scale),
        gracefulRampDownMs: durationOr(bag.gracefulRampDown, DEFAULT_GRACEFUL_STOP_MS, `${where}.gracefulRampDown`),
      };
    case 'per-vu-iterations':
    case 'shared-iterations': {
      const vus = int(bag, 'vus', where, 1, 1);
      const iterations = int(bag, 'iterations', where, 1, 1);
      if (bag.executor === 'shared-iterations' && iterations < vus) {
        throw new EngineConfigError(`${where}: iterations (${iterations}) must be at least vus (${vus})`);
      }
      const maxDurationMs = durationOr(bag.maxDuration, DEFAULT_MAX_DURATION_MS, `${where}.maxDuration`) * scale;
      return { ...common, executor: bag.executor, vus, iterations, maxDurationMs };
    }
    default:
      throw new EngineConfigError(`${where}.executor ${JSON.stringify(bag.executor)} is not one of ${EXECUTORS.join(', ')}`);
  }
}

/** k6's shortcut options (no `scenarios`) as one scenario named "default". */
function shortcutScenario(options: Bag): Bag {
  if (options.stages !== undefined) return { executor: 'ramping-vus', startVUs: options.vus ?? 1, stages: options.stages };
  if (options.iterations !== undefined) return { executor: 'shared-iterations', vus: options.vus ?? 1, iterations: options.iterations, maxDuration: options.duration };
  if (options.duration !== undefined) return { executor: 'constant-vus', vus: options.vus ?? 1, duration: options.duration };
  return { executor: 'per-vu-iterations', vus: options.vus ?? 1, iterations: 1 };
}

/**
 * Resolve `options` (as exported by the script) with k6's defaults.
 * `durationScale` multiplies every duration, startTime, stage duration and
 * maxDuration (not gracefulStop, timeUnit or rates), for longer staging runs.
 */
export function resolveOptions(options: unknown, durationScale = 1): ResolvedOptions {
  if (!(durationScale > 0) || !Number.isFinite(durationScale)) throw new EngineConfigError(`durationScale must be a positive number, got ${durationScale}`);
  const bag = (options ?? {}) as Bag;
  if (typeof bag !== 'object' || Array.isArray(bag)) throw new EngineConfigError('options must be an object');
  const rawScenarios = bag.scenarios as Bag | undefined;
  const entries: [string, unknown][] =
    rawScenarios && typeof rawScenarios === 'object' && Object.keys(rawScenarios).length > 0 ? Object.entries(rawScenarios) : [['default', shortcutScenario(bag)]];
  for (const [name] of entries) {
    if (!/^[0-9A-Za-z_-]+$/.test(name)) throw new EngineConfigError(`scenario name "${name}" may only contain letters, digits, _ and -`);
  }
  const scenarios = entries.map(([name, raw]) => resolveScenario(name, raw, durationScale));
  const trendStats = bag.summaryTrendStats;
  if (trendStats !== undefined && (!Array.isArray(trendStats) || trendStats.some((s) => typeof s !== 'string' || !/^(avg|min|med|max|count|p\([0-9.]+\))$/.test(s)))) {
    throw new EngineConfigError('options.summaryTrendStats must list avg, min, med, max, count or p(N)');
  }
  return {
    scenarios,
    summaryTrendStats: (trendStats as string[] | undefined) ?? [...DEFAULT_TREND_STATS],
    tags: stringMap(bag.tags, 'options.tags'),
    setupTimeoutMs: durationOr(bag.setupTimeout, 60_000, 'options.setupTimeout'),
    teardownTimeoutMs: durationOr(bag.teardownTimeout, 60_000, 'options.teardownTimeout'),
  };
}

/** VUs a scenario initialises before the test starts (k6 initialises all planned VUs up front). */
export function initialVUs(s: Scenario): number {
  switch (s.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.preAllocatedVUs;
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations':
      return s.vus;
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => Math.ceil(st.target)));
  }
}

/** Longest a scenario can last from its own start, graceful stop included. */
export function maxScenarioSpanMs(s: Scenario): number {
  switch (s.executor) {
    case 'constant-arrival-rate':
    case 'constant-vus':
      return s.durationMs + s.gracefulStopMs;
    case 'ramping-arrival-rate':
    case 'ramping-vus':
      return s.stages.reduce((a, st) => a + st.durationMs, 0) + s.gracefulStopMs;
    case 'per-vu-iterations':
    case 'shared-iterations':
      return s.maxDurationMs + s.gracefulStopMs;
  }
}

/** Planned length of a scenario without graceful stop (for progress "elapsed of total"). */
export function plannedScenarioMs(s: Scenario): number {
  return maxScenarioSpanMs(s) - s.gracefulStopMs;
}
