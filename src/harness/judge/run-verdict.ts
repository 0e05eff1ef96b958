import { findMetric, type DeliveryResult, type K6Summary, type SummaryMetric, type ThresholdSpec, type ThresholdVerdict, type Verdict } from '../run-result/index.ts';
import { compare, metricNameOfKey, parseThresholds, type MetricType } from '../thresholds/index.ts';

// A run's SLA verdict: every threshold of the scenario, over the engine's
// metrics and the delivery metrics computed after the run, with the figure
// measured and the limit. Pure.

/** The delivery metrics the harness adds after the run, by type (docs/design.md). */
export const DELIVERY_METRIC_TYPES: Readonly<Record<string, MetricType>> = {
  otp_on_time: 'rate',
  messages_lost: 'counter',
  messages_duplicated: 'counter',
  messages_corrupted: 'counter',
  messages_delivered: 'counter',
  messages_via_aggregator: 'counter',
  delivered_share: 'rate',
  delivery_latency: 'trend',
  callbacks_received: 'counter',
  callbacks_duplicated: 'counter',
  callbacks_out_of_order: 'counter',
  callbacks_bad_signature: 'counter',
  callback_latency: 'trend',
};

/**
 * k6 built-ins a run may legitimately not report (no sample was ever
 * added): k6 evaluates their thresholds over zeros at the end.
 */
const BUILTIN_TYPES: Readonly<Record<string, MetricType>> = {
  dropped_iterations: 'counter',
  iterations: 'counter',
  http_reqs: 'counter',
  data_received: 'counter',
  data_sent: 'counter',
  http_req_failed: 'rate',
  checks: 'rate',
};

function zeros(type: MetricType): Record<string, number> {
  switch (type) {
    case 'counter':
      return { count: 0, rate: 0 };
    case 'rate':
      return { rate: 0, passes: 0, fails: 0 };
    case 'gauge':
      return { value: 0, min: 0, max: 0 };
    case 'trend':
      return {};
  }
}

/** Split options.thresholds into those the engine can judge and the delivery ones judged after the run. */
export function splitThresholds(thresholds: Record<string, ThresholdSpec[]> | undefined): {
  engine: Record<string, ThresholdSpec[]>;
  delivery: Record<string, ThresholdSpec[]>;
} {
  const engine: Record<string, ThresholdSpec[]> = {};
  const delivery: Record<string, ThresholdSpec[]> = {};
  for (const [key, list] of Object.entries(thresholds ?? {})) {
    (metricNameOfKey(key) in DELIVERY_METRIC_TYPES ? delivery : engine)[key] = list;
  }
  return { engine, delivery };
}

function typeOfName(metrics: Record<string, SummaryMetric>, name: string): MetricType | undefined {
  for (const [k, m] of Object.entries(metrics)) if (k === name || k.startsWith(`${name}{`)) return m.type;
  return DELIVERY_METRIC_TYPES[name] ?? BUILTIN_TYPES[name];
}

export interface JudgeInput {
  summary: K6Summary;
  delivery?: DeliveryResult;
  /** Defaults to summary.options.thresholds. */
  thresholds?: Record<string, ThresholdSpec[]>;
}

/**
 * Judge every threshold. Syntax errors throw (ThresholdSyntaxError): a
 * scenario with a malformed SLA is a configuration error, not a verdict.
 */
/**
 * The thresholds a summary was run with. k6's handleSummary data has no
 * options.thresholds, but every metric a threshold names carries a
 * `thresholds` map keyed by expression: rebuild the set from those.
 */
export function declaredThresholds(summary: K6Summary): Record<string, ThresholdSpec[]> {
  const declared = summary.options?.thresholds;
  if (declared && Object.keys(declared).length > 0) return declared;
  const out: Record<string, ThresholdSpec[]> = {};
  for (const [key, metric] of Object.entries(summary.metrics)) if (metric.thresholds) out[key] = Object.keys(metric.thresholds);
  return out;
}

export function judgeRun(input: JudgeInput): Verdict {
  const specs = input.thresholds ?? declaredThresholds(input.summary);
  const engineMetrics = input.summary.metrics;
  const deliveryMetrics = input.delivery?.metrics ?? {};
  const verdicts: ThresholdVerdict[] = [];
  for (const def of parseThresholds(specs)) {
    // Delivery metrics come only from the delivery computation: the engine
    // reports them too (scenarios declare them so k6 accepts the thresholds)
    // but never adds a sample, so its figures for them mean nothing.
    const isDelivery = def.metric.name in DELIVERY_METRIC_TYPES;
    const metrics = isDelivery ? deliveryMetrics : engineMetrics;
    const metric = findMetric(metrics, def.metric.key);
    for (const t of def.thresholds) {
      const identity = { metric: def.metric.key, expression: t.expression.source, abortOnFail: t.abortOnFail };
      const shape = { aggregation: t.expression.aggregation, operator: t.expression.operator, limit: t.expression.limit };
      if (isDelivery && !input.delivery) {
        verdicts.push({ ...identity, state: 'unmeasured', reason: 'delivery metrics were not collected (simulator ledger unavailable)' });
        continue;
      }
      const type = metric?.type ?? typeOfName(metrics, def.metric.name);
      const values = metric?.values ?? (type ? zeros(type) : undefined);
      const figure = values?.[t.expression.aggregation];
      if (figure !== undefined && !Number.isNaN(figure)) {
        const ok = compare(figure, t.expression.operator, t.expression.limit);
        verdicts.push({ ...identity, ...shape, state: ok ? 'passed' : 'failed', figure });
        continue;
      }
      const engineOk = isDelivery ? undefined : metric?.thresholds?.[t.expression.source]?.ok;
      if (engineOk !== undefined) {
        verdicts.push({ ...identity, ...shape, state: engineOk ? 'passed' : 'failed', figure: null });
        continue;
      }
      const reason =
        !metric && !type
          ? `metric ${def.metric.key} was not reported by the run`
          : !metric
            ? `metric ${def.metric.key} has no samples`
            : `metric ${def.metric.key} has no ${t.expression.aggregation} value`;
      verdicts.push({ ...identity, state: 'unmeasured', reason });
    }
  }
  const failed = verdicts.filter((v) => v.state !== 'passed').length;
  return { outcome: failed === 0 ? 'pass' : 'fail', thresholds: verdicts, failed };
}

/** k6's exit code for a verdict: 0 pass, 99 a threshold failed. */
export function exitCodeFor(verdict: Verdict): 0 | 99 {
  return verdict.outcome === 'pass' ? 0 : 99;
}
