// The aggregate of one metric (or sub-metric): what k6 calls a sink. Memory is
// flat: counters, min/max/sum, and for trends an HdrHistogram; no samples kept.
//
// Trend values are recorded in thousandths (µs for time trends) as integers, at
// 3 significant digits. avg, min and max are exact (kept beside the histogram);
// percentiles come from the histogram, clamped to [min, max]. k6 interpolates
// between sorted samples instead, so a percentile here can differ from k6's by
// the histogram's bucket width: at most 0.1% of the value (plus 1 µs).

import * as hdr from 'hdr-histogram-js';
import { decodeHistogram, encodeHistogram } from '../run-result/index.ts';
import type { MetricType } from '../thresholds/index.ts';
import { percentileOf } from '../thresholds/index.ts';

/** Serialisable state of a sink (what results carry and merge). */
export type SinkSnapshot =
  /** `samples`: how many adds (a counter fed only zeros still exists, as in k6). */
  | { readonly type: 'counter'; readonly count: number; readonly samples?: number }
  | { readonly type: 'gauge'; readonly value: number; readonly min: number; readonly max: number; readonly samples: number; readonly lastAtMs: number }
  | { readonly type: 'rate'; readonly passes: number; readonly fails: number }
  | { readonly type: 'trend'; readonly count: number; readonly sum: number; readonly min: number; readonly max: number; readonly hdr: string };

const SCALE = 1000;

export function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/**
 * A histogram's non-zero counts as flat [index, count, index, count, ...]: a
 * copy taken in microseconds, where encoding (hdr's JS V2 encoder walks every
 * bucket up to the max) takes 0.3-3 ms. The engine closes an interval every
 * second on the event loop that reads the responses it times, so it keeps
 * these and encodes them after the run (`encodeCounts`).
 */
export type HistogramCounts = readonly number[];

export function histogramCounts(h: hdr.Histogram): HistogramCounts {
  if (!(h instanceof hdr.JsHistogram)) throw new TypeError('histogramCounts needs a JS histogram (useWebAssembly: false)');
  const out: number[] = [];
  if (h.totalCount === 0) return out;
  const zero = h.getCountAtIndex(0);
  if (zero > 0) out.push(0, zero);
  const last = h.countsArrayIndex(h.maxValue);
  for (let i = Math.max(1, h.countsArrayIndex(h.minNonZeroValue)); i <= last; i++) {
    const c = h.getCountAtIndex(i);
    if (c > 0) out.push(i, c);
  }
  return out;
}

/**
 * Percentiles (in the trend's unit, clamped to [min, max]) of the histogram
 * the counts were taken from, computed as hdr's getValueAtPercentile does,
 * in one pass over the non-zero buckets instead of one walk of the counts
 * array per percentile. `geometry` is any histogram of the same layout.
 */
export function countsPercentiles(geometry: hdr.Histogram, counts: HistogramCounts, total: number, min: number, max: number, ps: readonly number[]): number[] {
  if (!(geometry instanceof hdr.JsHistogram)) throw new TypeError('countsPercentiles needs a JS histogram');
  if (total === 0) return ps.map(() => 0);
  const targets = ps.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    // hdr rounds up, guarding against a 1-ulp error in the product.
    const ulp = fp > 0 ? Math.pow(2, Math.floor(Math.log2(fp)) - 52) : 0;
    return Math.max(Math.ceil(fp - ulp), 1);
  });
  const out = ps.map(() => 0);
  const order = ps.map((_, i) => i).sort((a, b) => (targets[a] as number) - (targets[b] as number));
  let k = 0;
  let seen = 0;
  for (let i = 0; i + 1 < counts.length && k < order.length; i += 2) {
    seen += counts[i + 1] as number;
    while (k < order.length && seen >= (targets[order[k] as number] as number)) {
      const at = order[k] as number;
      const v = geometry.valueFromIndex(counts[i] as number);
      const raw = ps[at] === 0 ? geometry.lowestEquivalentValue(v) : geometry.highestEquivalentValue(v);
      out[at] = Math.min(max, Math.max(min, raw / SCALE));
      k++;
    }
  }
  return out;
}

/** The compressed base64 encoding of the histogram the counts were taken from. */
export function encodeCounts(counts: HistogramCounts): string {
  const h = newHistogram();
  if (!(h instanceof hdr.JsHistogram)) throw new TypeError('newHistogram() must build a JS histogram');
  for (let i = 0; i + 1 < counts.length; i += 2) h.recordValueWithCount(h.valueFromIndex(counts[i] as number), counts[i + 1] as number);
  return encodeHistogram(h);
}

/** A live sink: `add` is on the hot path, keep it branch-light. */
export class Sink {
  readonly type: MetricType;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  passes = 0;
  value = 0;
  lastAtMs = 0;
  /** Trends only; null otherwise. */
  readonly hist: hdr.Histogram | null;

  constructor(type: MetricType, withHistogram = true) {
    this.type = type;
    this.hist = type === 'trend' && withHistogram ? newHistogram() : null;
  }

  add(v: number, atMs: number): void {
    this.count++;
    switch (this.type) {
      case 'counter':
        this.sum += v;
        return;
      case 'rate':
        if (v !== 0) this.passes++;
        return;
      case 'gauge':
        this.value = v;
        this.lastAtMs = atMs;
        if (v < this.min) this.min = v;
        if (v > this.max) this.max = v;
        return;
      case 'trend':
        this.sum += v;
        if (v < this.min) this.min = v;
        if (v > this.max) this.max = v;
        this.hist?.recordValue(v > 0 ? Math.round(v * SCALE) : 0);
        return;
    }
  }

  /**
   * Fold another sink of the same type into this one (interval -> total).
   * `counts`, when given, are the other's histogram counts (histogramCounts):
   * adding them touches only non-zero buckets, where hdr's add walks them all.
   */
  absorb(other: Sink, counts?: HistogramCounts): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.sum += other.sum;
    this.passes += other.passes;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    if (this.type === 'gauge' && other.lastAtMs >= this.lastAtMs) {
      this.value = other.value;
      this.lastAtMs = other.lastAtMs;
    }
    if (this.hist && counts && this.hist instanceof hdr.JsHistogram) {
      const h = this.hist;
      for (let i = 0; i + 1 < counts.length; i += 2) h.recordValueWithCount(h.valueFromIndex(counts[i] as number), counts[i + 1] as number);
    } else if (this.hist && other.hist) this.hist.add(other.hist);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.passes = 0;
    this.hist?.reset();
  }

  /** Summary values of this live sink (no histogram encoding: cheap enough for periodic threshold checks). */
  values(durationMs: number, trendStats: readonly string[]): Record<string, number> {
    const view: SinkSnapshot =
      this.type === 'trend' ? { type: 'trend', count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.count ? this.max : 0, hdr: '' } : this.snapshot();
    return sinkValues(view, durationMs, trendStats, this.hist ?? undefined);
  }

  /** A trend's snapshot with `hdr` left empty and its counts to encode later; other types as `snapshot()`. */
  snapshotDeferred(): { snapshot: SinkSnapshot; counts?: HistogramCounts } {
    if (this.type !== 'trend' || !this.hist) return { snapshot: this.snapshot() };
    return {
      snapshot: { type: 'trend', count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.count ? this.max : 0, hdr: '' },
      counts: histogramCounts(this.hist),
    };
  }

  snapshot(): SinkSnapshot {
    switch (this.type) {
      case 'counter':
        return { type: 'counter', count: this.sum, samples: this.count };
      case 'rate':
        return { type: 'rate', passes: this.passes, fails: this.count - this.passes };
      case 'gauge':
        return { type: 'gauge', value: this.value, min: this.count ? this.min : 0, max: this.count ? this.max : 0, samples: this.count, lastAtMs: this.lastAtMs };
      case 'trend':
        return { type: 'trend', count: this.count, sum: this.sum, min: this.count ? this.min : 0, max: this.count ? this.max : 0, hdr: this.hist ? encodeHistogram(this.hist) : '' };
    }
  }
}

export function isEmpty(s: SinkSnapshot): boolean {
  switch (s.type) {
    case 'counter':
      return s.count === 0 && !(s.samples !== undefined && s.samples > 0);
    case 'rate':
      return s.passes + s.fails === 0;
    case 'gauge':
      return s.samples === 0;
    case 'trend':
      return s.count === 0;
  }
}

/** Pure merge of two snapshots of the same metric (e.g. from two engine instances). */
export function mergeSinks(a: SinkSnapshot, b: SinkSnapshot): SinkSnapshot {
  if (a.type !== b.type) throw new Error(`cannot merge a ${a.type} with a ${b.type}`);
  if (isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  switch (a.type) {
    case 'counter': {
      const c = b as typeof a;
      return { type: 'counter', count: a.count + c.count, samples: (a.samples ?? 0) + (c.samples ?? 0) };
    }
    case 'rate': {
      const r = b as typeof a;
      return { type: 'rate', passes: a.passes + r.passes, fails: a.fails + r.fails };
    }
    case 'gauge': {
      // The latest value wins; min and max cover both.
      const g = b as typeof a;
      const later = g.lastAtMs >= a.lastAtMs ? g : a;
      return { type: 'gauge', value: later.value, min: Math.min(a.min, g.min), max: Math.max(a.max, g.max), samples: a.samples + g.samples, lastAtMs: later.lastAtMs };
    }
    case 'trend': {
      const t = b as typeof a;
      const h = decodeHistogram(a.hdr);
      h.add(decodeHistogram(t.hdr));
      return { type: 'trend', count: a.count + t.count, sum: a.sum + t.sum, min: Math.min(a.min, t.min), max: Math.max(a.max, t.max), hdr: encodeHistogram(h) };
    }
  }
}

/** A percentile (0..100) of a trend, in the trend's unit. */
export function trendPercentile(hist: hdr.Histogram, min: number, max: number, p: number): number {
  if (hist.totalCount === 0) return 0;
  const v = hist.getValueAtPercentile(p) / SCALE;
  return Math.min(max, Math.max(min, v));
}

/**
 * k6 summary values of a sink: Counter {count, rate}, Gauge {value, min, max},
 * Rate {rate, passes, fails}, Trend {<each stat>}. `durationMs` gives a counter's rate.
 */
export function sinkValues(s: SinkSnapshot, durationMs: number, trendStats: readonly string[], hist?: hdr.Histogram): Record<string, number> {
  switch (s.type) {
    case 'counter':
      return { count: s.count, rate: durationMs > 0 ? s.count / (durationMs / 1000) : 0 };
    case 'gauge':
      return { value: s.value, min: s.min, max: s.max };
    case 'rate': {
      const total = s.passes + s.fails;
      return { rate: total > 0 ? s.passes / total : 0, passes: s.passes, fails: s.fails };
    }
    case 'trend': {
      const h = hist ?? (s.hdr ? decodeHistogram(s.hdr) : newHistogram());
      const out: Record<string, number> = {};
      for (const stat of trendStats) {
        if (stat === 'avg') out.avg = s.count ? s.sum / s.count : 0;
        else if (stat === 'min') out.min = s.min;
        else if (stat === 'max') out.max = s.max;
        else if (stat === 'count') out.count = s.count;
        else if (stat === 'med') out.med = trendPercentile(h, s.min, s.max, 50);
        else {
          const p = percentileOf(stat);
          if (p !== undefined) out[stat] = trendPercentile(h, s.min, s.max, p);
        }
      }
      return out;
    }
  }
}
