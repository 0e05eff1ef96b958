import * as hdr from 'hdr-histogram-js';

// The run carries its histograms as compressed base64 HdrHistograms (32-bit
// buckets, values in thousandths: µs for time trends). This is the one codec
// for them: the engine writes and merges them, the reports read them back.

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decode a compressed base64 HdrHistogram (the engine's, the ledger's or a saved run's); it resizes on further adds. */
export function decodeHistogram(b64: string): hdr.Histogram {
  const h = hdr.decodeFromCompressedBase64(b64, 32, false);
  h.autoResize = true;
  return h;
}
