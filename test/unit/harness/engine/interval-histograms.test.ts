// The interval close copies histogram counts instead of encoding them (the
// encoding waits until after the run): the copy must give back exactly what
// hdr-histogram-js would have given from the histogram itself.
import { describe, expect, it } from 'vitest';
import { MetricRegistry } from '../../../../src/harness/engine/metric-registry.ts';
import { countsPercentiles, encodeCounts, histogramCounts, newHistogram, Sink, trendPercentile } from '../../../../src/harness/engine/metric-sink.ts';
import { encodeHistogram } from '../../../../src/harness/run-result/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';

const PS = [0, 1, 50, 90, 95, 99, 99.9, 99.99, 100];

function sample(seed: number, n: number, withZeros: boolean): number[] {
  const rnd = new SeededRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(withZeros && i % 7 === 0 ? 0 : Math.exp(rnd.normal() * 1.5 + 1.5));
  return out;
}

describe('histogram counts', () => {
  for (const [seed, n, zeros] of [[1, 1, false], [2, 20, false], [3, 2000, true], [4, 50_000, false]] as const) {
    it(`re-encode to the same string and give hdr's percentiles (${n} values${zeros ? ', zeros' : ''})`, () => {
      const sink = new Sink('trend');
      for (const v of sample(seed, n, zeros)) sink.add(v, 0);
      const h = sink.hist as NonNullable<Sink['hist']>;
      const counts = histogramCounts(h);
      expect(encodeCounts(counts)).toBe(encodeHistogram(h));
      const got = countsPercentiles(h, counts, sink.count, sink.min, sink.max, PS);
      expect(got).toEqual(PS.map((p) => trendPercentile(h, sink.min, sink.max, p)));
    });
  }

  it('of an empty histogram are empty and encode as an empty histogram', () => {
    const h = newHistogram();
    expect(histogramCounts(h)).toEqual([]);
    expect(encodeCounts([])).toBe(encodeHistogram(h));
    expect(countsPercentiles(h, [], 0, 0, 0, [50, 99])).toEqual([0, 0]);
  });

  it('fold an interval into the total as hdr add would', () => {
    const viaAdd = new Sink('trend');
    const viaCounts = new Sink('trend');
    for (let round = 0; round < 3; round++) {
      const interval = new Sink('trend');
      for (const v of sample(10 + round, 500, round === 1)) interval.add(v, 0);
      viaAdd.absorb(interval);
      viaCounts.absorb(interval, histogramCounts(interval.hist as NonNullable<Sink['hist']>));
    }
    expect(encodeHistogram(viaCounts.hist as NonNullable<Sink['hist']>)).toBe(encodeHistogram(viaAdd.hist as NonNullable<Sink['hist']>));
    expect(viaCounts.snapshot()).toMatchObject({ count: 1500, min: viaAdd.min, max: viaAdd.max });
  });
});

describe('MetricRegistry interval records', () => {
  it('carry each interval histogram, encoded when the records are read', () => {
    const reg = new MetricRegistry(0);
    const m = reg.define('lat', 'trend', 'time');
    const values = [sample(21, 300, false), sample(22, 300, true)];
    const expected: string[] = [];
    values.forEach((vs, i) => {
      const alone = new Sink('trend');
      for (const v of vs) {
        reg.add(m, v, {}, i * 1000 + 10);
        alone.add(v, 0);
      }
      expected.push(encodeHistogram(alone.hist as NonNullable<Sink['hist']>));
      const record = reg.closeInterval((i + 1) * 1000);
      const stats = record.metrics.lat?.stats;
      expect(stats?.p99).toBe(trendPercentile(alone.hist as NonNullable<Sink['hist']>, alone.min, alone.max, 99));
    });
    const records = reg.intervalRecords();
    expect(records.map((r) => (r.metrics.lat?.sink.type === 'trend' ? r.metrics.lat.sink.hdr : ''))).toEqual(expected);
    expect(reg.totalSink('lat')?.count).toBe(600);
  });
});
