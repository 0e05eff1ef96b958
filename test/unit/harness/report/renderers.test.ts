import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { fmt } from '../../../../src/harness/format/index.ts';
import { baselineFromRun, judgeGate } from '../../../../src/harness/judge/index.ts';
import {
  chartData,
  CURVE_PERCENTILES,
  hlogFileName,
  renderGateHtml,
  renderGateMarkdown,
  renderHlogs,
  renderJunit,
  renderSummaryMarkdown,
  renderHtmlReport,
} from '../../../../src/harness/report/index.ts';
import { buildRunResult, FIXTURE_START } from './run-fixture.ts';

const healthy = buildRunResult();
const broken = buildRunResult({ blackHole: 'docomo' });

describe('junit.xml', () => {
  it('has one testcase per threshold and a failure with figure vs limit for the broken one', () => {
    const xml = renderJunit(broken);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(broken.verdict.thresholds.length);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain('<failure type="threshold" message="otp_on_time rate&gt;=0.95: rate = 0.6660, limit &gt;= 0.9500">');
    expect(xml).toContain('tests="9" failures="1" errors="0"');
    expect(xml).toContain('<testcase classname="denpa.otp-black-hole" name="http_req_duration{category:otp}: p(99)&lt;800" time="0">');
    // balanced elements (no XML parser installed: count opening and closing tags)
    for (const tag of ['testsuites', 'testsuite', 'testcase', 'properties', 'failure']) {
      expect(xml.match(new RegExp(`<${tag}[ >]`, 'g'))?.length ?? 0, tag).toBe(xml.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0);
    }
  });

  it('escapes markup and marks unmeasured thresholds', () => {
    const run = { ...healthy, scenario: 'a<b>&"c"', verdict: { outcome: 'fail' as const, failed: 1, thresholds: [{ state: 'unmeasured' as const, metric: 'x{t:"<"}', expression: 'p(95)<1', abortOnFail: false, reason: 'metric x was not reported' }] } };
    const xml = renderJunit(run);
    expect(xml).toContain('name="a&lt;b&gt;&amp;&quot;c&quot;"');
    expect(xml).toContain('<failure type="unmeasured" message="x{t:&quot;&lt;&quot;} p(95)&lt;1: unmeasured: metric x was not reported">');
    expect(xml).not.toMatch(/name="[^"]*<[^"]*"/);
  });
});

describe('summary.md', () => {
  it('leads with the verdict and lists broken SLAs with figure and limit', () => {
    const md = renderSummaryMarkdown(broken);
    expect(md.split('\n')[0]).toBe('## denpa otp-black-hole: ❌ FAIL');
    expect(md).toContain('### Broken SLAs\n\n- **otp_on_time** `rate>=0.95`: rate = 0.6660, limit >= 0.9500\n');
    expect(md).toContain('| ❌ | otp_on_time | rate>=0.95 | rate = 0.6660 | >= 0.9500 |');
    expect(md).toContain('| docomo | 334 | 0 | 0 | 0 | 0 | – | – | – | – |');
    expect(md).toContain('| docomo | black_hole | 8.0 | 12.0 |');
  });

  it('has no broken-SLA section when everything passed', () => {
    const md = renderSummaryMarkdown(healthy);
    expect(md.split('\n')[0]).toBe('## denpa otp-steady: ✅ PASS');
    expect(md).not.toContain('Broken SLAs');
    expect(md).toContain('9/9 thresholds passed');
  });

  it('takes a percentile the summary lacks from the engine histogram', () => {
    const values = { ...(healthy.summary.metrics.http_req_duration?.values ?? {}) };
    const p99 = values['p(99)'] as number;
    delete values['p(99)'];
    const metrics = { ...healthy.summary.metrics, http_req_duration: { type: 'trend' as const, contains: 'time' as const, values } };
    const md = renderSummaryMarkdown({ ...healthy, summary: { ...healthy.summary, metrics } });
    expect(md).toContain(`| http_req_duration p95 / p99 | ${values['p(95)']?.toFixed(1)} ms / ${p99.toFixed(1)} ms |`);
    expect(md).toContain('| Test run / wall clock | 20 s / 21.50 s |');
  });

  it('escapes table-breaking characters', () => {
    const run = { ...healthy, verdict: { outcome: 'fail' as const, failed: 1, thresholds: [{ state: 'unmeasured' as const, metric: 'm|x', expression: 'count==0', abortOnFail: false, reason: 'r' }] } };
    expect(renderSummaryMarkdown(run)).toContain('| ❌ | m\\|x | count==0 | – | – |');
  });
});

describe('hlog', () => {
  it('writes one interval log per metric, readable back with the same counts', () => {
    const logs = renderHlogs(healthy);
    expect(Object.keys(logs)).toEqual(['http_req_duration.hlog', 'http_req_duration_intended.hlog']);
    const text = logs['http_req_duration.hlog'] as string;
    expect(text).toContain('#[Histogram log format version 1.3]');
    expect(text).toContain(`#[StartTime: ${(FIXTURE_START / 1000).toFixed(3)}`);
    const reader = new hdr.HistogramLogReader(text);
    const counts: number[] = [];
    for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) counts.push(h.totalCount);
    expect(counts).toEqual(healthy.summary.denpa?.intervals.map(() => 50));
  });

  it.each([
    ['http_req_duration', 'http_req_duration.hlog'],
    ['http_req_duration{category:otp}', 'http_req_duration.category-otp.hlog'],
    ['x{a:b,c:d e}', 'x.a-b-c-d_e.hlog'],
    ['../../etc', '.._.._etc.hlog'],
  ])('%s -> %s', (metric, file) => {
    expect(hlogFileName(metric)).toBe(file);
  });

  it('is empty when the engine kept no intervals (the real k6 ran)', () => {
    const { denpa: _omitted, ...summary } = healthy.summary;
    expect(renderHlogs({ ...healthy, summary })).toEqual({});
  });
});

describe('chart data', () => {
  it('derives throughput, percentiles over time, HDR curves and fault bands', () => {
    const c = chartData(healthy);
    expect(c.throughput.map((s) => s.name)).toEqual(['iterations/s', 'requests/s', 'accepted/s', 'failed requests/s', 'dropped iterations/s']);
    expect(c.throughput[0]?.points[0]).toEqual([1, 50]);
    expect(c.latencyMetric).toBe('http_req_duration');
    expect(c.latencyOverTime.map((s) => s.name)).toEqual(['p50', 'p90', 'p99', 'max', 'p99 from intended start']);
    expect(c.latencyOverTime[0]?.points).toHaveLength(20);
    // the slow patch (seconds 8-12) shows in the median
    const p50 = new Map(c.latencyOverTime[0]?.points);
    expect(p50.get(10) as number).toBeGreaterThan(2 * (p50.get(2) as number));
    // sub-metric histograms are not drawn as curves
    expect(c.curves.map((s) => s.name)).toEqual(['http_req_duration', 'http_req_duration_intended', 'delivery_latency (sent → handset)']);
    for (const curve of c.curves) {
      expect(curve.valuesMs).toHaveLength(CURVE_PERCENTILES.length);
      expect(curve.valuesMs.every((v, i) => i === 0 || v >= (curve.valuesMs[i - 1] as number))).toBe(true);
    }
    expect(c.faults).toEqual([{ label: 'docomo slow_answers', from: 8, to: 12 }]);
  });
});

describe('report.html (structure; drawing is checked in a browser by the integration test)', () => {
  const assets = { echarts: '/* echarts stand-in */ window.echarts = {}; var s = "</script>";' };

  it('is self-contained: library and data inline, no external references', () => {
    const html = renderHtmlReport(broken, assets);
    expect(html).toContain('/* echarts stand-in */');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    // the inlined library cannot close its own script element early
    expect(html).toContain('var s = "<\\/script>"');
    expect(html).toContain('<span class="badge fail" id="verdict">FAIL</span>');
    expect(html).toContain('id="chart-throughput"');
  });

  it('keeps hostile text inert', () => {
    const run = { ...healthy, scenario: '<img src=x onerror=alert(1)>', faults: [{ carrier: 'au' as const, kind: '</script><script>alert(1)</script>', startsAt: FIXTURE_START, endsAt: FIXTURE_START + 1 }] };
    const html = renderHtmlReport(run, assets);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('explains missing charts instead of drawing empty ones', () => {
    const { denpa: _omitted, ...summary } = healthy.summary;
    const html = renderHtmlReport({ ...healthy, summary, delivery: undefined }, assets);
    expect(html).not.toContain('id="chart-throughput"');
    expect(html).toContain('No per-interval data: the real k6 ran');
    expect(html).toContain('No delivery metrics');
  });
});

describe('gate.md', () => {
  it('says GO or NO-GO, why, every SLA and the baseline comparison', () => {
    const base = baselineFromRun(healthy);
    const sheet = judgeGate({ runs: [healthy, broken], notRun: [{ scenario: 'outage', reason: 'simulator did not start' }], baselines: { 'otp-steady': base }, generatedAt: FIXTURE_START });
    const md = renderGateMarkdown(sheet);
    expect(md.split('\n')[0]).toBe('# Release judgement: ❌ NO-GO');
    expect(md).toContain('- otp-black-hole: SLA otp_on_time: rate>=0.95 failed (figure 0.6660, limit >= 0.9500)');
    expect(md).toContain('- outage: not run (simulator did not start)');
    expect(md).toContain('| otp-steady | OK01 | 9/9 | 0 | PASS |');
    expect(md).toContain('| otp-black-hole | BH01 | 8/9 | no baseline | FAIL |');
    expect(md).toContain('| ok | http_req_duration p(95) | 171.9 ms | 171.9 ms | 0 ms (lower is better) | 85.95 ms |');
    expect(md).toContain('| latency | 50 % | 50 |');
    expect(renderGateMarkdown(judgeGate({ runs: [healthy], baselines: {}, generatedAt: 0 })).split('\n')[0]).toBe('# Release judgement: ✅ GO');
  });

  it('names the deployment the runs were judged on, and says nothing when there was none (--target)', () => {
    const deployment = { nodes: 2, store: 'postgres' as const, externalStore: false };
    const sheet = judgeGate({ runs: [healthy], baselines: {}, generatedAt: 0, deployment });
    expect(sheet.deployment).toEqual(deployment);
    expect(renderGateMarkdown(sheet).split('\n')[2]).toBe('1970-01-01T00:00:00Z · 1 scenario(s) · 2 core nodes on PostgreSQL (local cluster), round-robin proxy in front');
    expect(renderGateHtml(sheet, { echarts: '' })).toContain('<span id="deployment">2 core nodes on PostgreSQL (local cluster), round-robin proxy in front</span>');
    expect(renderGateMarkdown(judgeGate({ runs: [healthy], baselines: {}, generatedAt: 0 }))).not.toContain('core node');
    expect(renderSummaryMarkdown({ ...healthy, deployment })).toContain(' · 2 core nodes on PostgreSQL (local cluster), round-robin proxy in front · ');
  });

  it("shows each scenario's callback latency (request -> final callback) per category under its SLAs", () => {
    const otp = healthy.delivery?.details.byCategory.otp?.callbackLatencyMs;
    expect(otp?.count).toBeGreaterThan(0);
    const md = renderGateMarkdown(judgeGate({ runs: [healthy, { ...broken, delivery: undefined }], baselines: {}, generatedAt: 0 }));
    const section = md.slice(md.indexOf('## otp-steady'), md.indexOf('## otp-black-hole'));
    expect(section).toContain('Callback latency by category (request → final callback):\n\n|  | callbacks | p50 ms | p95 ms | p99 ms | max ms |');
    expect(section).toContain(`| otp | ${otp?.count} | ${fmt(otp?.med ?? NaN)} | ${fmt(otp?.['p(95)'] ?? NaN)} | ${fmt(otp?.['p(99)'] ?? NaN)} | ${fmt(otp?.max ?? NaN)} |`);
    // a run without delivery metrics has no table rather than an empty one
    expect(md.slice(md.indexOf('## otp-black-hole'))).not.toContain('Callback latency');
  });
});
