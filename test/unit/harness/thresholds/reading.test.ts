import { describe, expect, it } from 'vitest';
import { metricNameOfKey, percentileRead, thresholdSources } from '../../../../src/harness/thresholds/reading.ts';

describe('reading thresholds without judging them', () => {
  it('names the metric of a threshold key', () => {
    expect(metricNameOfKey('http_req_duration{category:otp}')).toBe('http_req_duration');
    expect(metricNameOfKey('checks')).toBe('checks');
    expect(metricNameOfKey(' vus ')).toBe('vus');
  });

  it('reads short and long threshold forms', () => {
    expect(thresholdSources('rate>0.9')).toEqual(['rate>0.9']);
    expect(thresholdSources(['p(95)<1', { threshold: 'max<2', abortOnFail: true }, 42])).toEqual(['p(95)<1', 'max<2']);
  });

  it('reads the percentile of a p(N) expression, spaces and trailing zeros allowed, and nothing else', () => {
    expect(percentileRead('p(95)<300')).toBe(95);
    expect(percentileRead('p( 99.90 )<1')).toBe(99.9);
    expect(percentileRead('avg<3')).toBeUndefined();
    expect(percentileRead('rate>0.99')).toBeUndefined();
  });
});
