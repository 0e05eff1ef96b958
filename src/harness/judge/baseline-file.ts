import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../run-result/index.ts';
import { BaselineInvalidError, BaselineNameError } from './errors.ts';
import { BASELINE_SCHEMA, baselineFromRun, type Baseline } from './baseline.ts';

// Baselines on disk: `reports/baselines/<scenario>.json`, committed to git.

export const DEFAULT_BASELINE_DIR = 'reports/baselines';

const SCENARIO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function pathFor(dir: string, scenario: string): string {
  if (!SCENARIO_NAME.test(scenario)) throw new BaselineNameError(scenario);
  return join(dir, `${scenario}.json`);
}

/** Write (or replace) a scenario's baseline from a run; returns the file path. */
export async function writeBaseline(dir: string, result: RunResult): Promise<string> {
  const path = pathFor(dir, result.scenario);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(baselineFromRun(result), null, 2)}\n`);
  await rename(tmp, path);
  return path;
}

function invalid(path: string, key: string, why: string): BaselineInvalidError {
  return new BaselineInvalidError(path, `${key} ${why}`);
}

/** Read a scenario's baseline; undefined when there is none. A malformed file is an error naming file and key. */
export async function readBaseline(dir: string, scenario: string): Promise<Baseline | undefined> {
  const path = pathFor(dir, scenario);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BaselineInvalidError(path, (err as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineInvalidError(path, `not JSON (${(err as Error).message})`);
  }
  const b = data as Partial<Baseline>;
  if (typeof b !== 'object' || b === null) throw invalid(path, '(root)', 'must be an object');
  if (b.schema !== BASELINE_SCHEMA) throw invalid(path, 'schema', `must be "${BASELINE_SCHEMA}"`);
  if (b.scenario !== scenario) throw invalid(path, 'scenario', `must be "${scenario}"`);
  if (!Array.isArray(b.figures)) throw invalid(path, 'figures', 'must be an array');
  b.figures.forEach((f, i) => {
    if (typeof f?.metric !== 'string') throw invalid(path, `figures[${i}].metric`, 'must be a string');
    if (typeof f.aggregation !== 'string') throw invalid(path, `figures[${i}].aggregation`, 'must be a string');
    if (typeof f.value !== 'number' || !Number.isFinite(f.value)) throw invalid(path, `figures[${i}].value`, 'must be a finite number');
    if (f.better !== 'lower' && f.better !== 'higher') throw invalid(path, `figures[${i}].better`, 'must be "lower" or "higher"');
    if (!['latency', 'throughput', 'ratio', 'count', 'other'].includes(f.kind)) throw invalid(path, `figures[${i}].kind`, 'is not a known kind');
  });
  return b as Baseline;
}

/** Read the baselines of several scenarios at once. */
export async function readBaselines(dir: string, scenarios: readonly string[]): Promise<Record<string, Baseline | undefined>> {
  const out: Record<string, Baseline | undefined> = {};
  for (const s of scenarios) out[s] = await readBaseline(dir, s);
  return out;
}
