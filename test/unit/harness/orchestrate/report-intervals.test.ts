import { describe, expect, it } from 'vitest';
import { toReportInterval, withDeclaredThresholds, withReportIntervals } from '../../../../src/harness/orchestrate/report-intervals.ts';
import type { K6Summary } from '../../../../src/harness/run-result/index.ts';

const base: K6Summary = { root_group: {}, options: {}, state: { testRunDurationMs: 1000 }, metrics: {} };

describe('engine intervals in the report shape', () => {
  it('takes counters\' counts, rates\' non-zero samples and trends\' histograms', () => {
    const r = toReportInterval({
      offsetMs: 2000,
      durationMs: 1000,
      metrics: {
        http_reqs: { sink: { type: 'counter', count: 20 } },
        http_req_failed: { sink: { type: 'rate', passes: 2 } },
        'http_req_duration{category:otp}': { sink: { type: 'trend', hdr: 'HISTFAKE' } },
        vus: { sink: { type: 'gauge' } },
      },
    });
    expect(r).toEqual({ t: 2000, durationMs: 1000, counts: { http_reqs: 20, http_req_failed: 2 }, histograms: { 'http_req_duration{category:otp}': 'HISTFAKE' } });
  });

  it('leaves a summary already in the report shape (or without intervals) alone', () => {
    expect(withReportIntervals(base)).toBe(base);
    const ready = { ...base, denpa: { engine: 'builtin' as const, intervals: [{ t: 0, durationMs: 1000, counts: {}, histograms: {} }], histograms: {} } };
    expect(withReportIntervals(ready)).toBe(ready);
  });
});

describe('declared thresholds', () => {
  it('are rebuilt from the metrics when options.thresholds is missing', () => {
    const s: K6Summary = {
      ...base,
      metrics: {
        otp_on_time: { type: 'rate', contains: 'default', values: { rate: 0 }, thresholds: { 'rate>=0.99': { ok: false } } },
        'http_req_duration{category:otp}': { type: 'trend', contains: 'time', values: {}, thresholds: { 'p(95)<300': { ok: true }, 'p(99)<1000': { ok: true } } },
        http_reqs: { type: 'counter', contains: 'default', values: { count: 3 } },
      },
    };
    expect(withDeclaredThresholds(s).options.thresholds).toEqual({ otp_on_time: ['rate>=0.99'], 'http_req_duration{category:otp}': ['p(95)<300', 'p(99)<1000'] });
  });

  it('keep options.thresholds when the engine gave them', () => {
    const s: K6Summary = { ...base, options: { thresholds: { checks: ['rate>0.99'] } } };
    expect(withDeclaredThresholds(s)).toBe(s);
  });
});
