// k6 duration values: strings such as `30s`, `1m30s`, `500ms`, `1h`, `2.5s`,
// `1us`; a bare number is milliseconds (as k6 reads numbers in JSON options).

import { EngineConfigError } from './errors.ts';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)/y;

/** Parse a k6 duration into milliseconds; `where` names the option in the error. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new EngineConfigError(`${where}: ${value} is not a duration`);
    return value;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EngineConfigError(`${where}: ${JSON.stringify(value)} is not a duration (e.g. "30s", "1m30s", "500ms")`);
  }
  const text = value.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text) * 1000; // k6: a unitless string is seconds
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) throw new EngineConfigError(`${where}: "${value}" is not a duration (e.g. "30s", "1m30s", "500ms")`);
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = PART.lastIndex;
  }
  return total;
}

/** Optional duration with a default. */
export function durationOr(value: unknown, fallbackMs: number, where: string): number {
  return value === undefined || value === null ? fallbackMs : parseDuration(value, where);
}
