import * as hdr from 'hdr-histogram-js';

// Latencies in an HdrHistogram of MICROseconds (3 significant digits), as
// the design guide asks; min, max and mean are kept exactly beside it.
// Trend values come out in milliseconds, k6's unit for time trends.

export const DEFAULT_TREND_PERCENTILES: readonly number[] = [90, 95, 99, 99.9];

export function percentileKey(p: number): string {
  return `p(${p})`;
}

export class LatencyHistogram {
  private readonly histogram = hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
  private count = 0;
  private sumMs = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = Number.NEGATIVE_INFINITY;

  /** Negative values (clock skew between hosts) are recorded as 0. */
  record(ms: number): void {
    const v = Math.max(0, ms);
    this.histogram.recordValue(Math.round(v * 1000));
    this.count++;
    this.sumMs += v;
    if (v < this.minMs) this.minMs = v;
    if (v > this.maxMs) this.maxMs = v;
  }

  get size(): number {
    return this.count;
  }

  percentileMs(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** k6 trend values: avg, min, med, max, p(N) for each requested percentile. */
  trendValues(percentiles: readonly number[] = DEFAULT_TREND_PERCENTILES): Record<string, number> {
    if (this.count === 0) {
      const empty: Record<string, number> = { avg: 0, min: 0, med: 0, max: 0 };
      for (const p of percentiles) empty[percentileKey(p)] = 0;
      return empty;
    }
    const values: Record<string, number> = {
      avg: this.sumMs / this.count,
      min: this.minMs,
      med: Math.min(this.maxMs, Math.max(this.minMs, this.percentileMs(50))),
      max: this.maxMs,
    };
    // HDR reports a bucket's highest equivalent value; clamp into [min, max]
    // so that p(100) equals max and no percentile falls below min.
    for (const p of percentiles) values[percentileKey(p)] = Math.min(this.maxMs, Math.max(this.minMs, this.percentileMs(p)));
    return values;
  }

  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }
}
