import { describe, expect, it } from 'vitest';
import { DELIVERY_METRIC_TYPES } from '../../../../src/harness/judge/index.ts';
import {
  DELIVERY_METRICS,
  optionsForK6,
  percentilesNamed,
  summaryForK6,
  withScenarioThresholds,
  ENV_SUMMARY_FILE,
} from '../../../../src/harness/k6-binary/envelope.ts';

const scenarioOptions = {
  scenarios: { otp: { executor: 'constant-arrival-rate', rate: 10, duration: '30s' } },
  thresholds: {
    'http_req_duration{category:otp}': ['p(95)<300', { threshold: 'p(99.9)<1000', abortOnFail: true }],
    checks: 'rate>0.99',
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:otp}': ['p(99)<5000'],
    messages_lost: ['count==0'],
  },
};

describe('envelope options', () => {
  it('defers exactly the metrics the judge computes after the run', () => {
    expect([...DELIVERY_METRICS].sort()).toEqual(Object.keys(DELIVERY_METRIC_TYPES).sort());
  });

  it('collects percentiles named in thresholds, normalised, once each', () => {
    expect(percentilesNamed(['p(95)<300', 'p( 99.90 )<1', 'avg<3', 'p(95)<400'])).toEqual(['p(95)', 'p(99.9)']);
  });

  it('sets delivery thresholds aside and keeps the rest', () => {
    const { options, deferred } = optionsForK6(scenarioOptions);
    expect(Object.keys(options.thresholds ?? {})).toEqual(['http_req_duration{category:otp}', 'checks']);
    expect(Object.keys(deferred)).toEqual(['otp_on_time', 'delivery_latency{category:otp}', 'messages_lost']);
    expect(options.scenarios).toEqual(scenarioOptions.scenarios);
  });

  it('adds p(99) and every threshold percentile to summaryTrendStats', () => {
    const { options } = optionsForK6(scenarioOptions);
    expect(options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)']);
  });

  it('keeps a scenario\'s own summaryTrendStats first', () => {
    const { options } = optionsForK6({ summaryTrendStats: ['count', 'p(50)'] });
    expect(options.summaryTrendStats).toEqual(['count', 'p(50)', 'avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
  });

  it('does not change the scenario\'s options object', () => {
    const before = JSON.stringify(scenarioOptions);
    optionsForK6(scenarioOptions);
    expect(JSON.stringify(scenarioOptions)).toBe(before);
  });

  it('accepts a scenario without options', () => {
    expect(optionsForK6(undefined).options).toEqual({ summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] });
  });
});

describe('envelope handleSummary', () => {
  const data = {
    options: { summaryTrendStats: ['avg'] },
    metrics: {
      checks: { type: 'rate', contains: 'default', values: { rate: 1 }, thresholds: { 'rate>0.99': { ok: true } } },
      http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1 }, thresholds: { 'p(95)<1': { ok: false } } },
    },
  };

  it('leaves k6 alone when the harness did not ask for the data', () => {
    expect(summaryForK6(data, undefined, {})).toBeUndefined();
    expect(summaryForK6(data, () => ({ 'mine.txt': 'x' }), {})).toEqual({ 'mine.txt': 'x' });
  });

  it('writes the raw data, with every declared threshold, to the file the harness named', () => {
    const out = summaryForK6(data, undefined, { [ENV_SUMMARY_FILE]: '/tmp/s.json' }, scenarioOptions);
    const written = JSON.parse(String(out?.['/tmp/s.json'])) as { metrics: unknown; options: { thresholds: Record<string, unknown[]>; summaryTrendStats: string[] } };
    expect(written.metrics).toEqual(data.metrics);
    expect(written.options.summaryTrendStats).toEqual(['avg']);
    expect(written.options.thresholds.checks).toEqual(['rate>0.99']);
    expect(written.options.thresholds.otp_on_time).toEqual(['rate>=0.99']);
    expect(out?.stdout).toContain('FAIL http_req_duration: p(95)<1');
    expect(out?.stdout).toContain('ok   checks: rate>0.99');
  });

  it('keeps the scenario\'s own outputs beside the harness file and prints nothing of its own', () => {
    const out = summaryForK6(data, () => ({ stdout: 'custom', 'x.html': '<p>' }), { [ENV_SUMMARY_FILE]: '/tmp/s.json' });
    expect(Object.keys(out ?? {}).sort()).toEqual(['/tmp/s.json', 'stdout', 'x.html']);
    expect(out?.stdout).toBe('custom');
  });

  it('passes non-object data through withScenarioThresholds unchanged', () => {
    expect(withScenarioThresholds(null, scenarioOptions)).toBeNull();
    expect(withScenarioThresholds(data, {})).toBe(data);
  });
});
