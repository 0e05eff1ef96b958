// Cuts a TCP byte stream into whole PDUs. Pure: no socket, no timers.
// Resumes across any chunk split (tested at every split point).
//
//   +----------------+------------+----------------+-----------------+------
//   | command_length | command_id | command_status | sequence_number | body
//   |    4 octets    |  4 octets  |    4 octets    |     4 octets    |
//   +----------------+------------+----------------+-----------------+------
//   command_length counts itself: 16 <= command_length <= 16384.
//
// We frame ourselves instead of using the package's Session because its
// framing stalls for good after one bad PDU (sharp edge 1) and treats a
// command_length of 0 as "no data yet", eating the bytes silently.

import { PDU_HEADER_LENGTH, PDU_MAX_LENGTH } from './constants.ts';
import { SmppParseError } from './errors.ts';

export class PduFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: SmppParseError | undefined;

  constructor(private readonly maxLength = PDU_MAX_LENGTH) {}

  /** Octets held waiting for the rest of a PDU. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds bytes and returns every PDU now complete, in order. After a framing
   * error it throws that SmppParseError on this and every later call: a
   * stream that lost its framing cannot be trusted again.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    // Bounded: every pass removes one whole PDU (>= 16 octets) or stops.
    while (this.buffered >= 4) {
      const length = this.peekLength();
      if (length < PDU_HEADER_LENGTH || length > this.maxLength) {
        this.failed = new SmppParseError(`command_length ${length} is outside ${PDU_HEADER_LENGTH}..${this.maxLength}`);
        this.chunks = [];
        this.buffered = 0;
        throw this.failed;
      }
      if (this.buffered < length) break;
      out.push(this.take(length));
    }
    return out;
  }

  private peekLength(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readUInt32BE(0);
    const head = Buffer.alloc(4);
    let at = 0;
    for (const c of this.chunks) {
      const n = Math.min(4 - at, c.length);
      c.copy(head, at, 0, n);
      at += n;
      if (at === 4) break;
    }
    return head.readUInt32BE(0);
  }

  private take(length: number): Buffer {
    const first = this.chunks[0] as Buffer;
    this.buffered -= length;
    // Fast path: the PDU lies inside the first chunk; no copy.
    if (first.length >= length) {
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
      return first.subarray(0, length);
    }
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    while (at < length) {
      const c = this.chunks[0] as Buffer;
      const n = Math.min(length - at, c.length);
      c.copy(out, at, 0, n);
      at += n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    return out;
  }
}
