import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as hdr from 'hdr-histogram-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { K6SampleAggregator, readK6Samples } from '../../../../src/harness/k6-binary/samples.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
// k6 writes nanosecond timestamps; Date.parse keeps the milliseconds.
const iso = (ms: number): string => new Date(T0 + ms).toISOString().replace('Z', '456789Z');
const point = (metric: string, ms: number, value: number, tags: Record<string, string> = {}): string =>
  JSON.stringify({ metric, type: 'Point', data: { time: iso(ms), value, tags } });

// Shapes as k6 v1.8.1 writes them (see --out json).
const LINES = [
  JSON.stringify({ type: 'Metric', data: { name: 'http_reqs', type: 'counter', contains: 'default', thresholds: [], submetrics: null }, metric: 'http_reqs' }),
  point('vus', 0, 3),
  point('http_reqs', 10, 1, { category: 'otp' }),
  point('http_req_duration', 10, 12.5, { category: 'otp' }),
  point('http_req_failed', 10, 0),
  point('iterations', 11, 1),
  point('iteration_duration', 11, 13.25),
  point('messages_accepted', 11, 1, { category: 'otp', deliverable: 'true' }),
  point('http_reqs', 1500, 1),
  point('http_req_duration', 1500, 250),
  point('http_req_failed', 1500, 1),
  point('iterations', 1501, 1),
  point('dropped_iterations', 1600, 2),
  point('http_req_blocked', 1600, 0.2),
  point('iterations', 3200, 1),
  'not json',
  '',
];

describe('k6 samples', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-samples-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts per second from the first sample, with empty seconds kept', () => {
    const agg = new K6SampleAggregator();
    for (const l of LINES) agg.addLine(l);
    const { intervals, unreadLines } = agg.result();
    expect(unreadLines).toBe(1);
    expect(intervals.map((i) => [i.t, i.durationMs, i.counts])).toEqual([
      [0, 1000, { http_reqs: 1, http_req_failed: 0, iterations: 1, messages_accepted: 1 }],
      [1000, 1000, { http_reqs: 1, http_req_failed: 1, iterations: 1, dropped_iterations: 2 }],
      [2000, 1000, {}],
      [3000, 1000, { iterations: 1 }],
    ]);
  });

  it('keeps latency as HdrHistograms of microseconds, per second and for the run', () => {
    const agg = new K6SampleAggregator();
    for (const l of LINES) agg.addLine(l);
    const { intervals, histograms } = agg.result();
    const first = hdr.decodeFromCompressedBase64(intervals[0]?.histograms.http_req_duration ?? '');
    expect(first.totalCount).toBe(1);
    expect(first.maxValue).toBeGreaterThanOrEqual(12_490);
    expect(first.maxValue).toBeLessThanOrEqual(12_510);
    expect(Object.keys(intervals[1]?.histograms ?? {})).toEqual(['http_req_duration']);
    const whole = hdr.decodeFromCompressedBase64(histograms.http_req_duration ?? '');
    expect(whole.totalCount).toBe(2);
    expect(whole.getValueAtPercentile(100)).toBeGreaterThanOrEqual(249_800);
    expect(Object.keys(histograms).sort()).toEqual(['http_req_duration', 'iteration_duration']);
  });

  it('reads a gzipped file as k6 writes it', async () => {
    const file = join(dir, 'k6-samples.json.gz');
    await writeFile(file, gzipSync(LINES.join('\n') + '\n'));
    const fromFile = await readK6Samples(file);
    const agg = new K6SampleAggregator();
    for (const l of LINES) agg.addLine(l);
    expect(fromFile).toEqual(agg.result());
  });

  it('gives no intervals for no samples', () => {
    expect(new K6SampleAggregator().result()).toEqual({ intervals: [], histograms: {}, unreadLines: 0 });
  });
});
