// The live metrics of one run: every metric (built-in and custom), the
// sub-metrics thresholds ask for, and the 1-second intervals kept for charts.
//
// Samples go only into the current interval's sinks (one histogram record on
// the hot path); each second `closeInterval` folds the interval into the
// totals and keeps a serialisable record of it. Thresholds and progress read
// totals right after a close; the run closes a last partial interval at the end.

import type { MetricContains } from '../run-result/index.ts';
import type { MetricKey, MetricType } from '../thresholds/index.ts';
import { tagsMatch } from '../thresholds/index.ts';
import { EngineConfigError } from './errors.ts';
import { countsPercentiles, encodeCounts, type HistogramCounts, Sink, type SinkSnapshot } from './metric-sink.ts';

export type Tags = Readonly<Record<string, string>>;

/** Percentiles of each trend kept per interval for charts (besides its histogram). */
export const INTERVAL_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

export interface IntervalTrendStats {
  readonly avg: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

/** One metric (or sub-metric) in one interval. */
export interface IntervalEntry {
  readonly sink: SinkSnapshot;
  /** Trends only: summary of the interval's histogram (ms for time trends). */
  readonly stats?: IntervalTrendStats;
}

/** One interval (1 s by default) of the run. */
export interface IntervalRecord {
  /** Start, ms after the run started. */
  readonly offsetMs: number;
  readonly durationMs: number;
  /** By metric key (`name` or `name{tag:value}`); only metrics with samples in the interval. */
  readonly metrics: Readonly<Record<string, IntervalEntry>>;
}

export interface MetricSnapshot {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: MetricContains;
  /** Sub-metric tag filter; absent for a whole metric. */
  readonly filter?: Tags;
  readonly sink: SinkSnapshot;
}

interface Series {
  readonly key: string;
  readonly filter: Tags | undefined;
  readonly total: Sink;
  readonly interval: Sink;
}

export class LiveMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: MetricContains;
  readonly main: Series;
  readonly subs: Series[] = [];

  constructor(name: string, type: MetricType, contains: MetricContains) {
    this.name = name;
    this.type = type;
    this.contains = contains;
    this.main = { key: name, filter: undefined, total: new Sink(type), interval: new Sink(type) };
  }
}

const NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

export class MetricRegistry {
  private readonly metrics = new Map<string, LiveMetric>();
  private readonly pendingSubs = new Map<string, MetricKey[]>();
  private readonly intervals: IntervalRecord[] = [];
  /** Interval histograms not yet encoded: where each goes, and its counts. */
  private readonly unencoded: Array<{ entries: Record<string, IntervalEntry>; key: string; counts: HistogramCounts }> = [];
  private intervalStart = 0;

  constructor(private runStartMs: number) {
    this.intervalStart = runStartMs;
  }

  /** Set the run's time zero (samples so far, e.g. from setup(), fall in the first interval). */
  begin(runStartMs: number): void {
    this.runStartMs = runStartMs;
    this.intervalStart = runStartMs;
  }

  /** Define (or fetch) a metric; redefining with another type is an error, as in k6. */
  define(name: string, type: MetricType, contains: MetricContains = 'default'): LiveMetric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) throw new EngineConfigError(`metric "${name}" is already a ${existing.type}, cannot redefine it as a ${type}`);
      return existing;
    }
    if (!NAME.test(name)) throw new EngineConfigError(`metric name "${name}" is not valid (1-128 letters, digits, and ._ !?/&#()<>%-)`);
    const m = new LiveMetric(name, type, contains);
    this.metrics.set(name, m);
    for (const sub of this.pendingSubs.get(name) ?? []) this.attach(m, sub);
    this.pendingSubs.delete(name);
    return m;
  }

  get(name: string): LiveMetric | undefined {
    return this.metrics.get(name);
  }

  typeOf(name: string): MetricType | undefined {
    return this.metrics.get(name)?.type;
  }

  /** Track a sub-metric (`name{tag:value}`); the metric may be defined later (custom metrics in init code). */
  addSubmetric(key: MetricKey): void {
    if (Object.keys(key.tags).length === 0) return;
    const m = this.metrics.get(key.name);
    if (m) this.attach(m, key);
    else this.pendingSubs.set(key.name, [...(this.pendingSubs.get(key.name) ?? []), key]);
  }

  private attach(m: LiveMetric, key: MetricKey): void {
    if (m.subs.some((s) => s.key === key.key)) return;
    m.subs.push({ key: key.key, filter: key.tags, total: new Sink(m.type), interval: new Sink(m.type) });
  }

  /** Hot path: one sample. */
  add(m: LiveMetric, value: number, tags: Tags, atMs: number): void {
    m.main.interval.add(value, atMs);
    const subs = m.subs;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i] as Series;
      if (tagsMatch(s.filter as Tags, tags)) s.interval.add(value, atMs);
    }
  }

  /**
   * Fold the current interval into the totals and keep its record. A trend's
   * interval histogram is only copied here: its `hdr` is encoded when the
   * records are read (`intervalRecords()`, after the run), so that the
   * close, which runs every second on the event loop that times responses,
   * stays well under a millisecond.
   */
  closeInterval(nowMs: number): IntervalRecord {
    const entries: Record<string, IntervalEntry> = {};
    for (const m of this.metrics.values()) {
      for (const s of [m.main, ...m.subs]) {
        if (s.interval.count === 0) continue;
        const { snapshot: sink, counts } = s.interval.snapshotDeferred();
        if (counts) this.unencoded.push({ entries, key: s.key, counts });
        let stats: IntervalTrendStats | undefined;
        if (s.interval.hist && counts) {
          const i = s.interval;
          const [p50, p90, p95, p99, p999] = countsPercentiles(i.hist as NonNullable<Sink['hist']>, counts, i.count, i.min, i.max, INTERVAL_PERCENTILES) as [number, number, number, number, number];
          stats = { avg: i.sum / i.count, p50, p90, p95, p99, p999 };
        }
        entries[s.key] = stats ? { sink, stats } : { sink };
        s.total.absorb(s.interval, counts);
        s.interval.reset();
      }
    }
    const record: IntervalRecord = { offsetMs: this.intervalStart - this.runStartMs, durationMs: nowMs - this.intervalStart, metrics: entries };
    this.intervals.push(record);
    this.intervalStart = nowMs;
    return record;
  }

  /** Total so far of a metric or sub-metric key (as of the last interval close). */
  totalSink(key: string): Sink | undefined {
    const brace = key.indexOf('{');
    const m = this.metrics.get(brace < 0 ? key : key.slice(0, brace));
    if (!m) return undefined;
    if (brace < 0) return m.main.total;
    return m.subs.find((s) => s.key === key)?.total;
  }

  snapshot(): Record<string, MetricSnapshot> {
    const out: Record<string, MetricSnapshot> = {};
    for (const m of this.metrics.values()) {
      out[m.name] = { name: m.name, type: m.type, contains: m.contains, sink: m.main.total.snapshot() };
      for (const s of m.subs) out[s.key] = { name: m.name, type: m.type, contains: m.contains, filter: s.filter as Tags, sink: s.total.snapshot() };
    }
    return out;
  }

  intervalRecords(): readonly IntervalRecord[] {
    for (const u of this.unencoded) {
      const e = u.entries[u.key];
      if (e?.sink.type === 'trend') u.entries[u.key] = { ...e, sink: { ...e.sink, hdr: encodeCounts(u.counts) } };
    }
    this.unencoded.length = 0;
    return this.intervals;
  }

  /** All metric names with their type (for reporting and checks). */
  names(): string[] {
    return [...this.metrics.keys()];
  }
}

/**
 * Run the interval-close path once on a scratch registry, so that its first
 * real run, one second into the test, does not pay for compiling it: cold,
 * that first close held the event loop ~8 ms (measured), delaying any
 * response that arrived meanwhile. Call before the run's clock starts.
 */
export function warmUpIntervalClose(): void {
  const r = new MetricRegistry(0);
  const trend = r.define('warm_trend', 'trend', 'time');
  const counter = r.define('warm_counter', 'counter');
  const rate = r.define('warm_rate', 'rate');
  const gauge = r.define('warm_gauge', 'gauge');
  r.addSubmetric({ key: 'warm_trend{k:v}', name: 'warm_trend', tags: { k: 'v' } });
  for (let second = 1; second <= 3; second++) {
    for (let i = 0; i < 50; i++) {
      r.add(trend, 0.5 + i * 0.37 * second, { k: i % 2 ? 'v' : 'w' }, second * 1000 - 500);
      r.add(counter, 1, {}, second * 1000 - 500);
      r.add(rate, i % 3, {}, second * 1000 - 500);
      r.add(gauge, i, {}, second * 1000 - 500);
    }
    r.closeInterval(second * 1000);
    r.totalSink('warm_trend{k:v}')?.values(second * 1000, ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
  }
}
