// The release suite: the list of scenarios `denpa gate` runs, kept in
// scenarios/suite.json so adding a scenario to the gate is a one-line change.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { RunFailure } from '../../runtime/index.ts';

export const DEFAULT_SUITE = 'scenarios/suite.json';

export interface Suite {
  name: string;
  /** Absolute scenario paths, in run order. */
  scenarios: string[];
}

/** Pure: validate a parsed suite file; scenario paths resolve against the file's folder. */
export function parseSuite(data: unknown, path: string): Suite {
  const s = data as { name?: unknown; scenarios?: unknown };
  if (typeof s !== 'object' || s === null) throw new RunFailure(`suite ${path}: must be a JSON object`);
  if (!Array.isArray(s.scenarios) || s.scenarios.length === 0) throw new RunFailure(`suite ${path}: scenarios must be a non-empty array`);
  const scenarios = s.scenarios.map((entry, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') throw new RunFailure(`suite ${path}: scenarios[${i}] must be a file name`);
    return resolve(dirname(path), entry);
  });
  return { name: typeof s.name === 'string' ? s.name : 'suite', scenarios };
}

export async function readSuite(path: string): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new RunFailure(`suite ${path}: ${(err as Error).message}`);
  }
  try {
    return parseSuite(JSON.parse(text), path);
  } catch (err) {
    if (err instanceof RunFailure) throw err;
    throw new RunFailure(`suite ${path}: not JSON (${(err as Error).message})`);
  }
}
