import { describe, expect, it } from 'vitest';
import { MetricRegistry } from '../../../../src/harness/engine/metric-registry.ts';
import { Sink, mergeSinks, sinkValues } from '../../../../src/harness/engine/metric-sink.ts';
import { decodeHistogram } from '../../../../src/harness/run-result/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';

/** k6's Trend percentile: sort, i = p/100 * (n-1), linear interpolation. */
function k6Percentile(sorted: number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

const STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

describe('trend sink', () => {
  it('avg, min, max are exact; percentiles within HDR precision (0.1% + 1 µs) of k6 interpolation', () => {
    const rnd = new SeededRandom(7);
    const values: number[] = [];
    const sink = new Sink('trend');
    for (let i = 0; i < 20_000; i++) {
      // Log-normal-ish latencies between ~0.2 ms and a few seconds.
      const v = Math.exp(rnd.normal() * 1.2 + 2);
      values.push(v);
      sink.add(v, 0);
    }
    const sorted = [...values].sort((a, b) => a - b);
    const got = sinkValues(sink.snapshot(), 1000, STATS);
    expect(got.count).toBe(20_000);
    expect(got.min).toBe(sorted[0]);
    expect(got.max).toBe(sorted[sorted.length - 1]);
    expect(got.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    for (const [stat, p] of [
      ['med', 50],
      ['p(90)', 90],
      ['p(95)', 95],
      ['p(99)', 99],
      ['p(99.9)', 99.9],
    ] as const) {
      const exact = k6Percentile(sorted, p);
      const bound = exact * 0.001 + 0.001 + Math.abs(k6Percentile(sorted, Math.min(100, p + 100 / sorted.length)) - exact);
      expect(Math.abs((got[stat] as number) - exact), `${stat}: ${got[stat]} vs ${exact}`).toBeLessThanOrEqual(bound);
    }
  });

  it('a single sample gives that value for every stat (clamped to min/max)', () => {
    const s = new Sink('trend');
    s.add(12.3456, 0);
    const v = sinkValues(s.snapshot(), 1000, STATS);
    for (const k of ['avg', 'min', 'med', 'max', 'p(90)', 'p(99.9)']) expect(v[k]).toBe(12.3456);
  });

  it('the histogram is in microseconds (base64, decodable)', () => {
    const s = new Sink('trend');
    s.add(1.5, 0);
    s.add(250, 0);
    const snap = s.snapshot();
    if (snap.type !== 'trend') throw new Error('expected a trend');
    const h = decodeHistogram(snap.hdr);
    expect(h.totalCount).toBe(2);
    expect(h.maxValue).toBeGreaterThanOrEqual(249_750);
    expect(h.maxValue).toBeLessThanOrEqual(250_250);
  });
});

describe('counter, rate and gauge sinks', () => {
  it('report k6 values', () => {
    const c = new Sink('counter');
    c.add(3, 0);
    c.add(2, 0);
    expect(sinkValues(c.snapshot(), 2000, [])).toEqual({ count: 5, rate: 2.5 });
    const r = new Sink('rate');
    for (const v of [1, 0, 1, 1, 2]) r.add(v, 0);
    expect(sinkValues(r.snapshot(), 1000, [])).toEqual({ rate: 0.8, passes: 4, fails: 1 });
    const g = new Sink('gauge');
    g.add(5, 1);
    g.add(2, 2);
    g.add(9, 3);
    g.add(4, 4);
    expect(sinkValues(g.snapshot(), 1000, [])).toEqual({ value: 4, min: 2, max: 9 });
  });

  it('empty sinks give zeros (k6 end-of-test semantics)', () => {
    expect(sinkValues(new Sink('rate').snapshot(), 1000, [])).toEqual({ rate: 0, passes: 0, fails: 0 });
    expect(sinkValues(new Sink('trend').snapshot(), 1000, ['avg', 'p(95)'])).toEqual({ avg: 0, 'p(95)': 0 });
  });
});

describe('mergeSinks', () => {
  it('merging two halves equals recording everything in one sink', () => {
    const a = new Sink('trend');
    const b = new Sink('trend');
    const whole = new Sink('trend');
    const rnd = new SeededRandom(3);
    for (let i = 0; i < 5000; i++) {
      const v = rnd.next() * 100;
      (i % 2 ? a : b).add(v, 0);
      whole.add(v, 0);
    }
    const merged = sinkValues(mergeSinks(a.snapshot(), b.snapshot()), 1000, STATS);
    const direct = sinkValues(whole.snapshot(), 1000, STATS);
    for (const k of STATS) expect(merged[k]).toBeCloseTo(direct[k] as number, 6);
  });

  it('counters and rates add; gauges keep the latest value', () => {
    expect(mergeSinks({ type: 'counter', count: 2 }, { type: 'counter', count: 5 })).toEqual({ type: 'counter', count: 7, samples: 0 });
    expect(mergeSinks({ type: 'rate', passes: 1, fails: 2 }, { type: 'rate', passes: 3, fails: 0 })).toEqual({ type: 'rate', passes: 4, fails: 2 });
    expect(mergeSinks({ type: 'gauge', value: 1, min: 0, max: 9, samples: 3, lastAtMs: 50 }, { type: 'gauge', value: 7, min: 2, max: 7, samples: 1, lastAtMs: 40 })).toMatchObject({ value: 1, min: 0, max: 9, samples: 4 });
    expect(() => mergeSinks({ type: 'counter', count: 1 }, { type: 'rate', passes: 1, fails: 0 })).toThrow('cannot merge');
  });
});

describe('MetricRegistry', () => {
  it('routes samples to sub-metrics by tag, folds intervals into totals, keeps per-interval records', () => {
    const reg = new MetricRegistry(0);
    const m = reg.define('lat', 'trend', 'time');
    reg.addSubmetric({ key: 'lat{category:otp}', name: 'lat', tags: { category: 'otp' } });
    reg.addSubmetric({ key: 'later{a:b}', name: 'later', tags: { a: 'b' } });
    reg.add(m, 10, { category: 'otp', carrier: 'au' }, 10);
    reg.add(m, 20, { category: 'notice' }, 20);
    const i1 = reg.closeInterval(1000);
    reg.add(m, 30, { category: 'otp' }, 1500);
    const i2 = reg.closeInterval(2000);
    expect(i1).toMatchObject({ offsetMs: 0, durationMs: 1000 });
    expect(i1.metrics.lat?.sink).toMatchObject({ count: 2, min: 10, max: 20 });
    expect(i1.metrics['lat{category:otp}']?.sink).toMatchObject({ count: 1 });
    expect(i1.metrics.lat?.stats?.p50).toBeCloseTo(10, 1);
    expect(i2.offsetMs).toBe(1000);
    expect(reg.totalSink('lat')?.count).toBe(3);
    expect(reg.totalSink('lat{category:otp}')?.count).toBe(2);
    // A metric defined after its sub-metric was asked for still gets it.
    const later = reg.define('later', 'counter');
    reg.add(later, 4, { a: 'b' }, 2100);
    reg.add(later, 1, { a: 'c' }, 2200);
    reg.closeInterval(3000);
    expect(reg.snapshot()['later{a:b}']?.sink).toEqual({ type: 'counter', count: 4, samples: 1 });
    expect(reg.snapshot().later?.sink).toEqual({ type: 'counter', count: 5, samples: 2 });
  });

  it('refuses to redefine a metric with another type, and bad names', () => {
    const reg = new MetricRegistry(0);
    reg.define('x', 'counter');
    expect(reg.define('x', 'counter').type).toBe('counter');
    expect(() => reg.define('x', 'trend')).toThrow('already a counter');
    expect(() => reg.define('', 'trend')).toThrow('not valid');
  });
});
