import { describe, expect, it } from 'vitest';
import { PduFramer, SmppParseError } from '../../../src/smpp/index.ts';
import { bytes, cstr, pduHex } from './fixtures.ts';

// Three PDUs back to back: enquire_link, submit_sm_resp "abc", generic_nack.
const enquire = '00000010 00000015 00000000 00000001';
const resp = '00000014 80000004 00000000 00000002 61626300';
const nack = '00000010 80000000 00000003 00000005';
const stream = bytes(enquire + resp + nack);
const expected = [bytes(enquire), bytes(resp), bytes(nack)].map((b) => b.toString('hex'));

function feed(framer: PduFramer, chunks: Buffer[]): string[] {
  return chunks.flatMap((c) => framer.push(c)).map((b) => b.toString('hex'));
}

describe('PduFramer', () => {
  it('cuts a stream in one chunk', () => {
    expect(feed(new PduFramer(), [stream])).toEqual(expected);
  });

  it('resumes at every single split point', () => {
    for (let i = 0; i <= stream.length; i++) {
      const f = new PduFramer();
      expect(feed(f, [stream.subarray(0, i), stream.subarray(i)]), `split at ${i}`).toEqual(expected);
      expect(f.pendingBytes).toBe(0);
    }
  });

  it('resumes at every pair of split points', () => {
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const out = feed(new PduFramer(), [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
        expect(out, `split at ${i},${j}`).toEqual(expected);
      }
    }
  });

  it('reads one octet at a time', () => {
    const f = new PduFramer();
    const chunks = [...stream].map((b) => Buffer.from([b]));
    expect(feed(f, chunks)).toEqual(expected);
  });

  it('holds a partial PDU until the rest arrives', () => {
    const f = new PduFramer();
    expect(f.push(stream.subarray(0, 20))).toHaveLength(1);
    expect(f.pendingBytes).toBe(4);
  });

  it('frames a PDU of exactly 16384 octets and refuses 16385', () => {
    const big = bytes(pduHex(0x00000004, 0, 9, '00'.repeat(16384 - 16)));
    expect(new PduFramer().push(big)).toHaveLength(1);
    expect(() => new PduFramer().push(bytes('00004001 00000004 00000000 00000001'))).toThrow(SmppParseError);
  });

  it.each([
    ['a command_length of 0', '00000000 00000015 00000000 00000001'],
    ['a command_length of 15', '0000000f 00000015 00000000 000000'],
    ['HTTP instead of SMPP', Buffer.from('GET / HTTP/1.1\r\n\r\n').toString('hex')],
  ])('refuses %s, then refuses everything after', (_label, hex) => {
    const f = new PduFramer();
    expect(() => f.push(bytes(hex))).toThrow(SmppParseError);
    expect(() => f.push(bytes(enquire))).toThrow(SmppParseError);
  });

  it('finds a bad length that arrives split across chunks', () => {
    const f = new PduFramer();
    expect(f.push(bytes('0000'))).toEqual([]);
    expect(() => f.push(bytes('0001 00000015'))).toThrow(SmppParseError);
  });

  it('a body full of NULs frames by length, not by content', () => {
    const pdu = bytes(pduHex(0x80000009, 0, 3, cstr('') + '00000000'));
    expect(feed(new PduFramer(), [pdu, pdu])).toHaveLength(2);
  });
});
