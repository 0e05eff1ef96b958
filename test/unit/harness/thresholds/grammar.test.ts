import { describe, expect, it } from 'vitest';
import {
  aggregationAllowed,
  checkAgainstTypes,
  evaluateThreshold,
  parseMetricKey,
  parseThresholdExpression,
  parseThresholds,
  percentilesNeeded,
  tagsMatch,
  ThresholdSyntaxError,
  type MetricType,
} from '../../../../src/harness/thresholds/grammar.ts';

describe('parseThresholdExpression', () => {
  it.each([
    ['p(95)<500', 'p(95)', '<', 500],
    ['p(99.9) <= 1000', 'p(99.9)', '<=', 1000],
    ['  avg>   0.5 ', 'avg', '>', 0.5],
    ['rate>=0.99', 'rate', '>=', 0.99],
    ['count==0', 'count', '==', 0],
    ['count===0', 'count', '===', 0],
    ['value!=3', 'value', '!=', 3],
    ['med<1e3', 'med', '<', 1000],
    ['min>-5', 'min', '>', -5],
    ['max<.5', 'max', '<', 0.5],
    ['p(0)>=0', 'p(0)', '>=', 0],
    ['p(100)<10', 'p(100)', '<', 10],
  ])('%s', (src, agg, op, limit) => {
    const e = parseThresholdExpression(src);
    expect(e).toEqual({ source: src, aggregation: agg, operator: op, limit });
  });

  it.each(['p95<500', 'p(101)<5', 'avg', 'avg<', 'avg << 3', 'mean<3', 'p(95)<abc', '<5', 'count = 0', ''])('rejects %j', (src) => {
    expect(() => parseThresholdExpression(src)).toThrow(ThresholdSyntaxError);
  });

  it('normalises spaces inside p( N ) and keeps the source as the key', () => {
    const e = parseThresholdExpression('p( 90 ) < 3');
    expect(e.aggregation).toBe('p(90)');
    expect(e.source).toBe('p( 90 ) < 3');
  });
});

describe('aggregationAllowed (k6: Counter count/rate, Gauge value, Rate rate, Trend avg/min/max/med/p(N))', () => {
  const table: [MetricType, string, boolean][] = [
    ['counter', 'count', true],
    ['counter', 'rate', true],
    ['counter', 'avg', false],
    ['gauge', 'value', true],
    ['gauge', 'max', false],
    ['rate', 'rate', true],
    ['rate', 'count', false],
    ['trend', 'avg', true],
    ['trend', 'med', true],
    ['trend', 'p(99.9)', true],
    ['trend', 'count', false],
    ['trend', 'rate', false],
  ];
  it.each(table)('%s %s -> %s', (type, agg, ok) => expect(aggregationAllowed(type, agg)).toBe(ok));
});

describe('parseMetricKey', () => {
  it.each([
    ['http_req_duration', 'http_req_duration', {}],
    ['http_req_duration{category:otp}', 'http_req_duration', { category: 'otp' }],
    ['http_req_duration{ category : otp , carrier:docomo }', 'http_req_duration', { category: 'otp', carrier: 'docomo' }],
    ['http_req_duration{expected_response:true}', 'http_req_duration', { expected_response: 'true' }],
    ["http_req_duration{name:'https://x.test/a?b=1'}", 'http_req_duration', { name: 'https://x.test/a?b=1' }],
    ['http_req_duration{url:http://h/x}', 'http_req_duration', { url: 'http://h/x' }],
  ])('%s', (raw, name, tags) => {
    const k = parseMetricKey(raw);
    expect(k.name).toBe(name);
    expect(k.tags).toEqual(tags);
  });

  it.each(['bad name', 'x{}', 'x{a}', 'x{a:b', '{a:b}', 'x{1a:b}'])('rejects %j', (raw) => {
    expect(() => parseMetricKey(raw)).toThrow(ThresholdSyntaxError);
  });
});

describe('tagsMatch', () => {
  it('needs every filter tag equal, ignores extra sample tags', () => {
    expect(tagsMatch({ a: '1' }, { a: '1', b: '2' })).toBe(true);
    expect(tagsMatch({ a: '1', b: '3' }, { a: '1', b: '2' })).toBe(false);
    expect(tagsMatch({ a: '1' }, {})).toBe(false);
    expect(tagsMatch({}, { a: '1' })).toBe(true);
  });
});

describe('evaluateThreshold', () => {
  const values = { avg: 120, min: 1, med: 100, max: 900, 'p(90)': 300, 'p(95)': 450, 'p(99.9)': 880 };
  it.each([
    ['p(95)<500', true],
    ['p(95)<450', false],
    ['p(95)<=450', true],
    ['avg>100', true],
    ['max<900', false],
    ['max==900', true],
    ['max!=900', false],
    ['p(99.9)<1000', true],
    ['med>=100', true],
  ])('%s -> %s', (src, ok) => expect(evaluateThreshold(parseThresholdExpression(src), values)).toBe(ok));

  it('passes when the value is absent (empty sink during the run)', () => {
    expect(evaluateThreshold(parseThresholdExpression('p(95)<1'), undefined)).toBe(true);
    expect(evaluateThreshold(parseThresholdExpression('p(99)<1'), values)).toBe(true);
  });

  it('counts and rates', () => {
    expect(evaluateThreshold(parseThresholdExpression('count==0'), { count: 0, rate: 0 })).toBe(true);
    expect(evaluateThreshold(parseThresholdExpression('count==0'), { count: 3, rate: 1 })).toBe(false);
    expect(evaluateThreshold(parseThresholdExpression('rate>0.99'), { rate: 0.99, passes: 99, fails: 1 })).toBe(false);
  });
});

describe('parseThresholds', () => {
  it('reads short and long forms', () => {
    const defs = parseThresholds({
      http_req_duration: ['p(95)<500', { threshold: 'p(99)<900', abortOnFail: true, delayAbortEval: '10s' }],
      'http_req_duration{category:otp}': 'p(99)<250',
    });
    expect(defs).toHaveLength(2);
    expect(defs[0]?.thresholds.map((t) => [t.expression.source, t.abortOnFail, t.delayAbortEval])).toEqual([
      ['p(95)<500', false, undefined],
      ['p(99)<900', true, '10s'],
    ]);
    expect(defs[1]?.metric.tags).toEqual({ category: 'otp' });
    expect(percentilesNeeded(defs, 'http_req_duration')).toEqual(['p(95)', 'p(99)']);
  });

  it.each([
    [[], 'must be an object'],
    [{ x: [{ abortOnFail: true }] }, 'threshold must be a string'],
    [{ x: [{ threshold: 'avg<1', abortOnFail: 'yes' }] }, 'abortOnFail must be a boolean'],
    [{ x: [42] }, 'must be a string or'],
    [{ x: ['avg<<1'] }, 'not "<aggregation>'],
  ])('rejects %j naming the problem', (cfg, msg) => {
    expect(() => parseThresholds(cfg)).toThrow(msg);
  });

  it('accepts no thresholds', () => {
    expect(parseThresholds(undefined)).toEqual([]);
  });
});

describe('checkAgainstTypes', () => {
  const types: Record<string, MetricType> = { http_req_duration: 'trend', messages_lost: 'counter', checks: 'rate' };
  it('reports unknown metrics and wrong aggregations', () => {
    const defs = parseThresholds({ nope: ['count==0'], messages_lost: ['avg<1', 'count==0'], 'http_req_duration{a:b}': ['p(95)<1'], checks: ['rate>0.9'] });
    const problems = checkAgainstTypes(defs, (n) => types[n]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('unknown metric "nope"');
    expect(problems[1]).toContain('avg is not an aggregation of a counter');
  });
});
