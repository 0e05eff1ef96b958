// Reading thresholds without judging them, for code that passes a scenario's
// options on to whoever validates them later (the real k6, or the judge after
// the run): a malformed entry is skipped here, not an error. Plain ECMAScript
// with no imports, so the k6 envelope can be bundled with it and run inside k6.
// The grammar itself, strict, is grammar.ts.

/** The metric name of a threshold key: `http_req_duration{category:otp}` -> `http_req_duration`. */
export function metricNameOfKey(key: string): string {
  const brace = key.indexOf('{');
  return (brace < 0 ? key : key.slice(0, brace)).trim();
}

/** The expressions of one threshold entry in k6's short or long form (`{threshold, ...}`); anything else is skipped. */
export function thresholdSources(entry: unknown): string[] {
  const list = Array.isArray(entry) ? entry : [entry];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(item);
    else if (item !== null && typeof item === 'object' && typeof (item as { threshold?: unknown }).threshold === 'string') {
      out.push((item as { threshold: string }).threshold);
    }
  }
  return out;
}

/** The percentile a `p(N)` expression reads (`p( 99.90 )<1` -> 99.9); undefined for any other aggregation. */
export function percentileRead(source: string): number | undefined {
  const m = /^\s*p\(\s*(\d+(?:\.\d+)?)\s*\)/.exec(source);
  return m && m[1] !== undefined ? Number(m[1]) : undefined;
}
