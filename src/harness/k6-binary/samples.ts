// Per-second figures for a k6 run, from k6's JSON output (`--out json=…`):
// k6's end-of-test data has totals only, while the report draws throughput
// and latency over time, HDR percentile curves and .hlog files from
// `denpa.intervals` and `denpa.histograms` (the built-in engine's extras).
//
//   {"type":"Point","metric":"http_req_duration","data":{"time":"2026-…Z","value":12.3,"tags":{…}}}
//
// The aggregator is pure (lines in, intervals out); readK6Samples streams a
// (gzipped) file through it.
import * as hdr from 'hdr-histogram-js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** Counters (and the rate http_req_failed, counted by its failed samples) kept per interval. */
export const INTERVAL_COUNTS: readonly string[] = ['iterations', 'http_reqs', 'dropped_iterations', 'messages_accepted', 'http_req_failed'];
/** Time trends kept per interval and for the whole run, as HdrHistograms of microseconds. */
export const INTERVAL_TRENDS: readonly string[] = ['http_req_duration', 'iteration_duration'];
export const INTERVAL_MS = 1000;

/** The report's interval shape (run-result/types.ts IntervalSample). */
export interface K6Interval {
  /** Interval start, ms since the first sample. */
  t: number;
  durationMs: number;
  counts: Record<string, number>;
  /** compressed base64 HdrHistograms, µs */
  histograms: Record<string, string>;
}

export interface K6Samples {
  intervals: K6Interval[];
  /** Whole-run HdrHistograms (compressed base64, µs) by metric. */
  histograms: Record<string, string>;
  /** Lines that were not k6 JSON output (should be 0). */
  unreadLines: number;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

interface Bucket {
  counts: Record<string, number>;
  histograms: Map<string, hdr.Histogram>;
}

export class K6SampleAggregator {
  private startMs: number | undefined;
  private readonly buckets = new Map<number, Bucket>();
  private readonly whole = new Map<string, hdr.Histogram>();
  private unread = 0;

  /** One line of k6's JSON output. */
  addLine(line: string): void {
    if (line.trim() === '') return;
    let entry: { type?: string; metric?: string; data?: { time?: string; value?: number } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      this.unread++;
      return;
    }
    if (entry.type !== 'Point') return;
    const metric = entry.metric ?? '';
    const isCount = INTERVAL_COUNTS.includes(metric);
    const isTrend = INTERVAL_TRENDS.includes(metric);
    if (!isCount && !isTrend) return;
    const at = Date.parse(entry.data?.time ?? '');
    const value = entry.data?.value;
    if (!Number.isFinite(at) || typeof value !== 'number' || !Number.isFinite(value)) {
      this.unread++;
      return;
    }
    this.addSample(metric, at, value);
  }

  /** One sample: `atMs` epoch ms, `value` as k6 records it (ms for time trends). */
  addSample(metric: string, atMs: number, value: number): void {
    // k6 writes samples roughly in time order; the first one starts the clock.
    this.startMs ??= atMs;
    const index = Math.max(0, Math.floor((atMs - this.startMs) / INTERVAL_MS));
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = { counts: {}, histograms: new Map() };
      this.buckets.set(index, bucket);
    }
    if (INTERVAL_COUNTS.includes(metric)) {
      // A Rate counts its non-zero samples (failed requests); a Counter adds its values.
      const add = metric === 'http_req_failed' ? (value !== 0 ? 1 : 0) : value;
      bucket.counts[metric] = (bucket.counts[metric] ?? 0) + add;
      return;
    }
    const us = Math.max(0, Math.round(value * 1000));
    let h = bucket.histograms.get(metric);
    if (!h) bucket.histograms.set(metric, (h = newHistogram()));
    h.recordValue(us);
    let w = this.whole.get(metric);
    if (!w) this.whole.set(metric, (w = newHistogram()));
    w.recordValue(us);
  }

  result(): K6Samples {
    const last = Math.max(-1, ...this.buckets.keys());
    const intervals: K6Interval[] = [];
    for (let i = 0; i <= last; i++) {
      const b = this.buckets.get(i);
      const histograms: Record<string, string> = {};
      for (const [m, h] of b?.histograms ?? []) histograms[m] = hdr.encodeIntoCompressedBase64(h);
      intervals.push({ t: i * INTERVAL_MS, durationMs: INTERVAL_MS, counts: { ...(b?.counts ?? {}) }, histograms });
    }
    const histograms: Record<string, string> = {};
    for (const [m, h] of this.whole) histograms[m] = hdr.encodeIntoCompressedBase64(h);
    return { intervals, histograms, unreadLines: this.unread };
  }
}

/** Streams k6's JSON output file (gzipped when it ends in .gz) through the aggregator. */
export async function readK6Samples(file: string): Promise<K6Samples> {
  const aggregator = new K6SampleAggregator();
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) aggregator.addLine(line);
  return aggregator.result();
}
