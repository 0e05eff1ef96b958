import { describe, expect, it } from 'vitest';
import { exitCodeFor, judgeRun, splitThresholds } from '../../../../src/harness/judge/index.ts';
import { ThresholdSyntaxError } from '../../../../src/harness/thresholds/index.ts';
import type { DeliveryResult, K6Summary, SummaryMetric, ThresholdSpec } from '../../../../src/harness/run-result/index.ts';

const trend = (values: Record<string, number>): SummaryMetric => ({ type: 'trend', contains: 'time', values });
const counter = (count: number): SummaryMetric => ({ type: 'counter', contains: 'default', values: { count, rate: count / 10 } });
const rate = (r: number): SummaryMetric => ({ type: 'rate', contains: 'default', values: { rate: r, passes: 0, fails: 0 } });

function summary(metrics: Record<string, SummaryMetric>, thresholds: Record<string, ThresholdSpec[]> = {}): K6Summary {
  return { root_group: {}, options: { thresholds }, state: { testRunDurationMs: 10_000 }, metrics };
}

const METRICS = {
  http_req_duration: trend({ avg: 40, min: 5, med: 35, max: 900, 'p(90)': 80, 'p(95)': 120, 'p(99)': 400 }),
  'http_req_duration{category:otp,scenario:otp}': trend({ avg: 20, min: 5, med: 18, max: 90, 'p(90)': 30, 'p(95)': 45 }),
  http_reqs: counter(1000),
  http_req_failed: rate(0.002),
};

describe('judgeRun', () => {
  it.each([
    { metric: 'http_req_duration', expr: 'p(95)<200', state: 'passed', figure: 120 },
    { metric: 'http_req_duration', expr: 'p(95)<120', state: 'failed', figure: 120 },
    { metric: 'http_req_duration', expr: 'p(95)<=120', state: 'passed', figure: 120 },
    { metric: 'http_req_duration', expr: 'p(99) < 300', state: 'failed', figure: 400 },
    { metric: 'http_req_duration', expr: 'max<1000', state: 'passed', figure: 900 },
    { metric: 'http_req_duration', expr: 'avg>50', state: 'failed', figure: 40 },
    { metric: 'http_reqs', expr: 'count>=1000', state: 'passed', figure: 1000 },
    { metric: 'http_reqs', expr: 'rate>200', state: 'failed', figure: 100 },
    { metric: 'http_req_failed', expr: 'rate<0.01', state: 'passed', figure: 0.002 },
    { metric: 'http_req_failed', expr: 'rate==0', state: 'failed', figure: 0.002 },
    // tag order and spacing in the key do not matter
    { metric: 'http_req_duration{scenario:otp, category:otp}', expr: 'p(95)<50', state: 'passed', figure: 45 },
    // built-ins k6 omits when empty are judged over zeros, as k6 does at the end
    { metric: 'dropped_iterations', expr: 'count==0', state: 'passed', figure: 0 },
    { metric: 'checks', expr: 'rate>0.99', state: 'failed', figure: 0 },
  ])('$metric $expr -> $state ($figure)', ({ metric, expr, state, figure }) => {
    const v = judgeRun({ summary: summary(METRICS, { [metric]: [expr] }) });
    expect(v.thresholds).toHaveLength(1);
    expect(v.thresholds[0]).toMatchObject({ metric, expression: expr, state, figure });
    expect(v.outcome).toBe(state === 'passed' ? 'pass' : 'fail');
    expect(exitCodeFor(v)).toBe(state === 'passed' ? 0 : 99);
  });

  it('reports an unknown metric as unmeasured, which fails the run', () => {
    const v = judgeRun({ summary: summary(METRICS, { otp_latency_typo: ['p(95)<1'] }) });
    expect(v.thresholds[0]).toMatchObject({ state: 'unmeasured', metric: 'otp_latency_typo' });
    expect(v).toMatchObject({ outcome: 'fail', failed: 1 });
  });

  it('reports a missing percentile as unmeasured unless the engine judged it', () => {
    const noP999 = judgeRun({ summary: summary(METRICS, { http_req_duration: ['p(99.9)<1000'] }) });
    expect(noP999.thresholds[0]).toMatchObject({ state: 'unmeasured' });
    const judgedByEngine = summary(
      { ...METRICS, http_req_duration: { ...(METRICS.http_req_duration as SummaryMetric), thresholds: { 'p(99.9)<1000': { ok: true } } } },
      { http_req_duration: ['p(99.9)<1000'] },
    );
    expect(judgeRun({ summary: judgedByEngine }).thresholds[0]).toMatchObject({ state: 'passed', figure: null });
  });

  it('judges the delivery metrics with the same grammar, long form included', () => {
    const delivery = { metrics: { otp_on_time: rate(0.93), messages_lost: counter(2) }, details: {} } as unknown as DeliveryResult;
    const v = judgeRun({
      summary: summary(METRICS, { otp_on_time: [{ threshold: 'rate>=0.99', abortOnFail: true }], messages_lost: ['count==0'], http_req_failed: ['rate<0.01'] }),
      delivery,
    });
    expect(v.thresholds.map((t) => [t.metric, t.state, t.abortOnFail])).toEqual([
      ['otp_on_time', 'failed', true],
      ['messages_lost', 'failed', false],
      ['http_req_failed', 'passed', false],
    ]);
    expect(v.failed).toBe(2);
  });

  it('rebuilds the thresholds from the metrics when options carry none (k6 handleSummary data)', () => {
    const metrics = {
      ...METRICS,
      http_req_duration: { ...(METRICS.http_req_duration as SummaryMetric), thresholds: { 'p(95)<100': { ok: false }, 'max<1000': { ok: true } } },
      http_req_failed: { ...(METRICS.http_req_failed as SummaryMetric), thresholds: { 'rate<0.01': { ok: true } } },
    };
    const v = judgeRun({ summary: { root_group: {}, options: { summaryTrendStats: ['avg'] }, state: { testRunDurationMs: 1 }, metrics } });
    expect(v.thresholds.map((t) => [t.metric, t.expression, t.state])).toEqual([
      ['http_req_duration', 'p(95)<100', 'failed'],
      ['http_req_duration', 'max<1000', 'passed'],
      ['http_req_failed', 'rate<0.01', 'passed'],
    ]);
  });

  it("ignores the engine's empty delivery metrics: judged from the delivery result, or unmeasured without one", () => {
    // Scenarios declare otp_on_time so k6 accepts the threshold; the engine reports it empty and failing.
    const engineView = { ...METRICS, otp_on_time: { ...rate(0), thresholds: { 'rate>=0.99': { ok: false } } } };
    const thresholds = { otp_on_time: ['rate>=0.99'], 'delivery_latency{carrier:au}': ['p(95)<5000'] };
    const without = judgeRun({ summary: summary(engineView, thresholds) });
    expect(without.thresholds.map((t) => t.state)).toEqual(['unmeasured', 'unmeasured']);
    expect(without.thresholds[0]).toMatchObject({ reason: expect.stringContaining('delivery metrics were not collected') });
    const delivery = { metrics: { otp_on_time: rate(0.995) }, details: {} } as unknown as DeliveryResult;
    const judged = judgeRun({ summary: summary(engineView, thresholds), delivery });
    expect(judged.thresholds[0]).toMatchObject({ state: 'passed', figure: 0.995 });
    // no delivery to au: the trend sub-metric has no samples
    expect(judged.thresholds[1]).toMatchObject({ state: 'unmeasured', reason: 'metric delivery_latency{carrier:au} has no samples' });
  });

  it('takes the thresholds argument over the summary options', () => {
    const v = judgeRun({ summary: summary(METRICS, { http_req_failed: ['rate==0'] }), thresholds: { http_reqs: ['count>0'] } });
    expect(v.thresholds.map((t) => t.metric)).toEqual(['http_reqs']);
  });

  it('passes with no thresholds', () => {
    expect(judgeRun({ summary: summary(METRICS) })).toEqual({ outcome: 'pass', thresholds: [], failed: 0 });
  });

  it('throws on a malformed threshold (a configuration error, not a verdict)', () => {
    expect(() => judgeRun({ summary: summary(METRICS, { http_req_duration: ['p95 < 3'] }) })).toThrow(ThresholdSyntaxError);
  });
});

describe('splitThresholds', () => {
  it('separates delivery metrics (judged after the run) from engine metrics', () => {
    const { engine, delivery } = splitThresholds({
      http_req_duration: ['p(95)<500'],
      'delivery_latency{category:otp}': ['p(95)<5000'],
      otp_on_time: ['rate>0.99'],
      'messages_accepted{category:otp}': ['count>=0'],
    });
    expect(Object.keys(engine)).toEqual(['http_req_duration', 'messages_accepted{category:otp}']);
    expect(Object.keys(delivery)).toEqual(['delivery_latency{category:otp}', 'otp_on_time']);
  });
});
