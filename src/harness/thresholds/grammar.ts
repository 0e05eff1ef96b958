// k6's threshold grammar, as pure functions: parse an expression such as
// `p(99.9) < 250`, parse a metric key such as `http_req_duration{category:otp}`,
// check an aggregation against a metric type, and evaluate against the metric's
// summary values. The built-in engine evaluates thresholds with these during a
// run; the judge reuses them for the delivery metrics computed after it.
//
//   expression := aggregation ws* operator ws* number
//   aggregation := count | rate | value | avg | min | max | med | p(N), 0 <= N <= 100
//   operator    := < | <= | > | >= | == | === | !=

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  /** The expression as written, e.g. `p(95)<500` (the key k6 uses in summary data). */
  readonly source: string;
  /** The summary value it reads: `count`, `rate`, `value`, `avg`, `min`, `max`, `med` or `p(N)`. */
  readonly aggregation: string;
  readonly operator: ThresholdOperator;
  readonly limit: number;
}

export interface MetricKey {
  /** `name{tag:value,...}` as written (trimmed). */
  readonly key: string;
  readonly name: string;
  /** Tag filter of a sub-metric; empty for the whole metric. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface ThresholdDefinition {
  readonly expression: ThresholdExpression;
  readonly abortOnFail: boolean;
  /** k6 duration string (e.g. `10s`) or undefined; the engine interprets it. */
  readonly delayAbortEval: string | undefined;
}

export interface MetricThresholds {
  readonly metric: MetricKey;
  readonly thresholds: readonly ThresholdDefinition[];
}

/** A threshold that cannot be understood: k6 exits 104 (invalid config) on these. */
export class ThresholdSyntaxError extends Error {
  readonly code = 'HARNESS_ERR_THRESHOLD_SYNTAX' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ThresholdSyntaxError';
  }
}

const EXPRESSION = /^\s*(count|rate|value|avg|min|max|med|p\(\s*([0-9]+(?:\.[0-9]+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*$/;

/** Parse `<aggregation> <operator> <value>`; throws ThresholdSyntaxError naming the expression. */
export function parseThresholdExpression(source: string): ThresholdExpression {
  const m = EXPRESSION.exec(source);
  if (!m) {
    throw new ThresholdSyntaxError(
      `threshold "${source}" is not "<aggregation> <operator> <value>" (aggregations: count, rate, value, avg, min, max, med, p(N); operators: < <= > >= == === !=)`,
    );
  }
  let aggregation = m[1] as string;
  if (m[2] !== undefined) {
    const n = Number(m[2]);
    if (!(n >= 0 && n <= 100)) throw new ThresholdSyntaxError(`threshold "${source}": percentile ${m[2]} is outside 0..100`);
    aggregation = `p(${m[2]})`;
  }
  return { source, aggregation, operator: m[3] as ThresholdOperator, limit: Number(m[4]) };
}

/** The aggregations k6 allows on each metric type. */
export function aggregationAllowed(type: MetricType, aggregation: string): boolean {
  switch (type) {
    case 'counter':
      return aggregation === 'count' || aggregation === 'rate';
    case 'gauge':
      return aggregation === 'value';
    case 'rate':
      return aggregation === 'rate';
    case 'trend':
      return ['avg', 'min', 'max', 'med'].includes(aggregation) || aggregation.startsWith('p(');
  }
}

const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parse `name` or `name{tag:value,tag2:value2}` (k6 sub-metric syntax; values may be quoted). */
export function parseMetricKey(raw: string): MetricKey {
  const key = raw.trim();
  const brace = key.indexOf('{');
  if (brace < 0) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ThresholdSyntaxError(`metric name "${raw}" is not valid`);
    return { key, name: key, tags: {} };
  }
  const name = key.slice(0, brace).trim();
  if (!key.endsWith('}') || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ThresholdSyntaxError(`sub-metric "${raw}" is not "name{tag:value,...}"`);
  }
  const body = key.slice(brace + 1, -1).trim();
  const tags: Record<string, string> = {};
  if (body.length === 0) throw new ThresholdSyntaxError(`sub-metric "${raw}" has an empty tag filter`);
  for (const part of body.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new ThresholdSyntaxError(`sub-metric "${raw}": "${part.trim()}" is not "tag:value"`);
    const tag = part.slice(0, colon).trim();
    let value = part.slice(colon + 1).trim();
    if (value.length >= 2 && /^(["'`]).*\1$/.test(value)) value = value.slice(1, -1);
    if (!TAG_NAME.test(tag)) throw new ThresholdSyntaxError(`sub-metric "${raw}": tag name "${tag}" is not valid`);
    tags[tag] = value;
  }
  return { key, name, tags };
}

/** Does a sample's tag set satisfy a sub-metric filter? */
export function tagsMatch(filter: Readonly<Record<string, string>>, tags: Readonly<Record<string, string>>): boolean {
  for (const k in filter) {
    if (tags[k] !== filter[k]) return false;
  }
  return true;
}

interface LongForm {
  threshold?: unknown;
  abortOnFail?: unknown;
  delayAbortEval?: unknown;
}

/**
 * Parse `options.thresholds` (`{ metricKey: string | Array<string | {threshold, abortOnFail?, delayAbortEval?}> }`).
 * Types of the metrics are not known here; `checkAgainstTypes` does that.
 */
export function parseThresholds(config: unknown): MetricThresholds[] {
  if (config === undefined || config === null) return [];
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new ThresholdSyntaxError('options.thresholds must be an object of metric name -> list of thresholds');
  }
  const out: MetricThresholds[] = [];
  for (const [rawKey, list] of Object.entries(config as Record<string, unknown>)) {
    const metric = parseMetricKey(rawKey);
    const items = Array.isArray(list) ? list : [list];
    const thresholds: ThresholdDefinition[] = items.map((item, i) => {
      if (typeof item === 'string') return { expression: parseThresholdExpression(item), abortOnFail: false, delayAbortEval: undefined };
      if (item && typeof item === 'object') {
        const lf = item as LongForm;
        if (typeof lf.threshold !== 'string') {
          throw new ThresholdSyntaxError(`thresholds["${rawKey}"][${i}].threshold must be a string`);
        }
        if (lf.abortOnFail !== undefined && typeof lf.abortOnFail !== 'boolean') {
          throw new ThresholdSyntaxError(`thresholds["${rawKey}"][${i}].abortOnFail must be a boolean`);
        }
        if (lf.delayAbortEval !== undefined && typeof lf.delayAbortEval !== 'string') {
          throw new ThresholdSyntaxError(`thresholds["${rawKey}"][${i}].delayAbortEval must be a duration string`);
        }
        return {
          expression: parseThresholdExpression(lf.threshold),
          abortOnFail: lf.abortOnFail === true,
          delayAbortEval: lf.delayAbortEval as string | undefined,
        };
      }
      throw new ThresholdSyntaxError(`thresholds["${rawKey}"][${i}] must be a string or {threshold, abortOnFail?, delayAbortEval?}`);
    });
    out.push({ metric, thresholds });
  }
  return out;
}

/**
 * Check every threshold names a known metric with an aggregation its type allows.
 * Returns one message per problem (empty when all is well): k6 refuses to start on any.
 */
export function checkAgainstTypes(defs: readonly MetricThresholds[], typeOf: (name: string) => MetricType | undefined): string[] {
  const problems: string[] = [];
  for (const d of defs) {
    const type = typeOf(d.metric.name);
    if (!type) {
      problems.push(`threshold on unknown metric "${d.metric.name}" (key "${d.metric.key}")`);
      continue;
    }
    for (const t of d.thresholds) {
      if (!aggregationAllowed(type, t.expression.aggregation)) {
        problems.push(`threshold "${t.expression.source}" on ${type} metric "${d.metric.key}": ${t.expression.aggregation} is not an aggregation of a ${type}`);
      }
    }
  }
  return problems;
}

/** Summary stat names a set of thresholds needs beyond the defaults (e.g. `p(99.9)`). */
export function percentilesNeeded(defs: readonly MetricThresholds[], metricKey: string): string[] {
  const out = new Set<string>();
  for (const d of defs) {
    if (d.metric.key !== metricKey) continue;
    for (const t of d.thresholds) if (t.expression.aggregation.startsWith('p(')) out.add(t.expression.aggregation);
  }
  return [...out];
}

/** The percentile of a `p(N)` aggregation name, or undefined for other names. */
export function percentileOf(aggregation: string): number | undefined {
  const m = /^p\(([0-9.]+)\)$/.exec(aggregation);
  return m ? Number(m[1]) : undefined;
}

export function compare(actual: number, op: ThresholdOperator, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
    case '===':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}

/**
 * Evaluate one expression against a metric's summary values (`{count, rate}`,
 * `{avg, min, med, max, p(95), ...}`...). `undefined` values (a metric with no
 * samples yet) pass: k6 skips empty sinks while the test runs. At the end k6
 * evaluates empty sinks as zeros; the caller supplies those zeros.
 */
export function evaluateThreshold(expr: ThresholdExpression, values: Readonly<Record<string, number>> | undefined): boolean {
  if (!values) return true;
  const actual = values[expr.aggregation];
  if (actual === undefined || Number.isNaN(actual)) return true;
  return compare(actual, expr.operator, expr.limit);
}

// What each aggregation can be at all: a count is never negative, a rate is
// a share in [0, 1]. (Trend and gauge values have no such bounds: a custom
// Trend may hold negative samples.)
const DOMAIN: Readonly<Record<string, readonly [number, number]>> = { count: [0, Infinity], rate: [0, 1] };

/**
 * Whether no figure can break the expression: it holds for every value its
 * aggregation can take (`count>=0`, `rate<=1`, `count!=-1`). Such a limit
 * judges nothing, so a release sheet must not carry it.
 */
export function cannotFail(expr: ThresholdExpression): boolean {
  const domain = DOMAIN[expr.aggregation];
  if (!domain) return false;
  const [low, high] = domain;
  switch (expr.operator) {
    case '>=':
      return expr.limit <= low;
    case '>':
      return expr.limit < low;
    case '<=':
      return expr.limit >= high;
    case '<':
      return expr.limit > high;
    case '!=':
      return expr.limit < low || expr.limit > high || (expr.aggregation === 'count' && !Number.isInteger(expr.limit));
    case '==':
    case '===':
      return false;
  }
}
