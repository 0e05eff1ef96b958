import { SummaryInvalidError } from './errors.ts';
import { RUN_RESULT_SCHEMA, type RunResult } from './types.ts';

// summary.json: the RunResult itself, everything `denpa report` needs.

export function renderSummaryJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Parse a saved summary.json; throws SummaryInvalidError naming the first bad key. */
export function parseSummaryJson(text: string, source = 'summary.json'): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SummaryInvalidError(source, `not JSON (${(err as Error).message})`);
  }
  const r = data as Partial<RunResult>;
  if (typeof r !== 'object' || r === null) throw new SummaryInvalidError(source, `must be a JSON object`);
  if (r.schema !== RUN_RESULT_SCHEMA) throw new SummaryInvalidError(source, `schema must be "${RUN_RESULT_SCHEMA}"`);
  const required: Array<[keyof RunResult, string]> = [
    ['runId', 'string'],
    ['scenario', 'string'],
    ['engine', 'string'],
    ['startedAt', 'number'],
    ['endedAt', 'number'],
    ['durationScale', 'number'],
    ['summary', 'object'],
    ['verdict', 'object'],
    ['faults', 'object'],
    ['target', 'object'],
    ['environment', 'object'],
    ['exitCode', 'number'],
  ];
  for (const [key, type] of required) {
    if (typeof r[key] !== type || r[key] === null) throw new SummaryInvalidError(source, `${key} must be a ${type}`);
  }
  if (typeof r.summary?.metrics !== 'object' || r.summary.metrics === null) throw new SummaryInvalidError(source, `summary.metrics must be an object`);
  if (!Array.isArray(r.verdict?.thresholds)) throw new SummaryInvalidError(source, `verdict.thresholds must be an array`);
  if (!Array.isArray(r.faults)) throw new SummaryInvalidError(source, `faults must be an array`);
  return r as RunResult;
}
