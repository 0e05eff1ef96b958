import { describe, expect, it } from 'vitest';
import { findUnsupportedMembers } from '../../../../src/harness/engine/bundle.ts';
import { MetricRegistry } from '../../../../src/harness/engine/metric-registry.ts';
import { buildSummary, emptyRootGroup, mergeResults, type EngineResult } from '../../../../src/harness/engine/result.ts';
import { parseThresholds } from '../../../../src/harness/thresholds/index.ts';

/** A result built through the registry, as a run would. */
function result(latencies: number[], failed: number, startedAtMs = 0): EngineResult {
  const reg = new MetricRegistry(startedAtMs);
  const d = reg.define('http_req_duration', 'trend', 'time');
  const f = reg.define('http_req_failed', 'rate');
  const n = reg.define('http_reqs', 'counter');
  reg.define('messages_lost', 'counter');
  reg.addSubmetric({ key: 'http_req_duration{category:otp}', name: 'http_req_duration', tags: { category: 'otp' } });
  latencies.forEach((v, i) => {
    const tags = { category: i % 2 ? 'otp' : 'notice' };
    reg.add(d, v, tags, startedAtMs + i);
    reg.add(f, i < failed ? 1 : 0, tags, startedAtMs + i);
    reg.add(n, 1, tags, startedAtMs + i);
  });
  reg.closeInterval(startedAtMs + 1000);
  return {
    startedAtMs,
    durationMs: 1000,
    metrics: reg.snapshot(),
    intervals: reg.intervalRecords(),
    rootGroup: { ...emptyRootGroup(), checks: [{ name: 'ok', path: '::ok', id: 'x', passes: latencies.length - failed, fails: failed }] },
    scenarios: { s: { executor: 'constant-arrival-rate', planned: latencies.length, started: latencies.length, completed: latencies.length, dropped: 0, interrupted: 0 } },
    end: { state: 'completed' },
    errors: failed ? [{ message: 'boom', count: failed }] : [],
  };
}

describe('buildSummary', () => {
  it('produces k6 summary data: trend stats, threshold percentiles, sub-metrics, thresholds ok', () => {
    const thresholds = parseThresholds({
      http_req_duration: ['p(99.9)<100', 'avg<10'],
      'http_req_duration{category:otp}': ['max<=40'],
      http_req_failed: ['rate<0.1'],
      messages_lost: ['count==0'],
    });
    const s = buildSummary(result([10, 20, 30, 40], 1), { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], thresholds });
    expect(s.metrics.http_req_duration).toMatchObject({ type: 'trend', contains: 'time', values: { avg: 25, min: 10, max: 40 } });
    expect(Object.keys(s.metrics.http_req_duration?.values ?? {})).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99.9)']);
    expect(s.metrics.http_req_duration?.thresholds).toEqual({ 'p(99.9)<100': { ok: true }, 'avg<10': { ok: false } });
    expect(s.metrics['http_req_duration{category:otp}']?.values).toMatchObject({ min: 20, max: 40 });
    expect(s.metrics.http_req_failed?.values).toEqual({ rate: 0.25, passes: 1, fails: 3 });
    expect(s.metrics.http_req_failed?.thresholds).toEqual({ 'rate<0.1': { ok: false } });
    expect(s.metrics.http_reqs?.values).toEqual({ count: 4, rate: 4 });
    // An empty metric named by a threshold is reported as zeros and judged.
    expect(s.metrics.messages_lost).toEqual({ type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count==0': { ok: true } } });
    expect(s.denpa.failedThresholds).toEqual(['http_req_duration: avg<10', 'http_req_failed: rate<0.1']);
    expect(s.state.testRunDurationMs).toBe(1000);
    expect(Object.keys(s.denpa.histograms).sort()).toEqual(['http_req_duration', 'http_req_duration{category:otp}']);
    expect(s.root_group.checks[0]).toMatchObject({ passes: 3, fails: 1 });
  });

  it('round-trips through JSON (serialisable)', () => {
    const r = result([1, 2, 3], 0);
    const back = JSON.parse(JSON.stringify(r)) as EngineResult;
    const opts = { summaryTrendStats: ['avg', 'p(95)'], thresholds: [] };
    expect(buildSummary(back, opts).metrics).toEqual(buildSummary(r, opts).metrics);
  });
});

describe('mergeResults', () => {
  it('adds counts, merges histograms, checks, scenarios, intervals and errors', () => {
    const a = result([10, 20], 1, 0);
    const b = result([30, 40, 50], 0, 200);
    const m = mergeResults(a, b);
    const s = buildSummary(m, { summaryTrendStats: ['avg', 'min', 'max', 'count'], thresholds: [] });
    expect(s.metrics.http_reqs?.values.count).toBe(5);
    expect(s.metrics.http_req_duration?.values).toMatchObject({ avg: 30, min: 10, max: 50, count: 5 });
    expect(s.metrics.http_req_failed?.values).toEqual({ rate: 0.2, passes: 1, fails: 4 });
    expect(m.rootGroup.checks).toEqual([{ name: 'ok', path: '::ok', id: 'x', passes: 4, fails: 1 }]);
    expect(m.scenarios.s).toMatchObject({ planned: 5, started: 5 });
    expect(m.intervals).toHaveLength(1);
    expect(m.intervals[0]?.metrics.http_reqs?.sink).toEqual({ type: 'counter', count: 5, samples: 5 });
    expect(m.intervals[0]?.metrics.http_req_duration?.stats?.p50).toBeCloseTo(30, 1);
    expect(m.errors).toEqual([{ message: 'boom', count: 1 }]);
    expect(m.startedAtMs).toBe(0);
    expect(m.durationMs).toBe(1200);
  });

  it('is pure: inputs are unchanged', () => {
    const a = result([1], 0);
    const b = result([2], 0);
    const before = JSON.stringify([a, b]);
    mergeResults(a, b);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

describe('findUnsupportedMembers', () => {
  it.each([
    [`import http from 'k6/http';\nhttp.batch([]);`, ['http.batch']],
    [`import http from 'k6/http';\nawait http.asyncRequest('GET', u);\nhttp.get(u);`, ['http.get']],
    [`import * as k6 from 'k6';\nk6.check(1, {});\nk6.randomSeed(3);`, ['k6.randomSeed']],
    [`import exec from 'k6/execution';\nexec.scenario.name; exec.vu.idInTest;`, []],
    [`import { check } from 'k6';\nimport http, { expectedStatuses } from 'k6/http';\nhttp.setResponseCallback(expectedStatuses(200));`, []],
    [`import data from 'k6/data';\nnew data.SharedArray('x', () => []);`, []],
    [`const http = 'not k6';\nhttp.batch;`, []],
  ])('%#', (source, apis) => {
    const found = findUnsupportedMembers(source, 'x.ts');
    expect(found.map((p) => p.split(': ')[1]?.split(' ')[0])).toEqual(apis);
    for (const p of found) expect(p).toMatch(/^x\.ts:\d+: /);
  });
});
