import { describe, expect, it } from 'vitest';
import { concatFromSar, decodeUdh, encodeConcatUdh, hasUdhi, sarFields, SmppUdhError } from '../../../src/smpp/index.ts';
import { bytes } from './fixtures.ts';

describe('encodeConcatUdh', () => {
  it.each([
    [{ ref: 0xa1, refBits: 8 as const, total: 2, seq: 1 }, '050003a10201'],
    [{ ref: 0, refBits: 8 as const, total: 10, seq: 10 }, '050003000a0a'],
    [{ ref: 0x1234, refBits: 16 as const, total: 3, seq: 2 }, '0608041234' + '0302'],
    [{ ref: 0xffff, refBits: 16 as const, total: 255, seq: 255 }, '060804ffffffff'],
  ])('%o -> %s', (info, hex) => {
    expect(encodeConcatUdh(info).toString('hex')).toBe(hex);
  });

  it.each([
    { ref: 256, refBits: 8 as const, total: 2, seq: 1 },
    { ref: 65536, refBits: 16 as const, total: 2, seq: 1 },
    { ref: 1, refBits: 8 as const, total: 0, seq: 1 },
    { ref: 1, refBits: 8 as const, total: 2, seq: 3 },
    { ref: 1, refBits: 8 as const, total: 2, seq: 0 },
    { ref: 1, refBits: 8 as const, total: 256, seq: 1 },
  ])('refuses %o', (info) => {
    expect(() => encodeConcatUdh(info)).toThrow(RangeError);
  });
});

describe('decodeUdh', () => {
  it('reads an 8-bit-reference concatenation header and the body after it', () => {
    const r = decodeUdh(bytes('050003a10201 65e5672c'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.udh.length).toBe(6);
    expect(r.udh.concat).toEqual({ ref: 0xa1, refBits: 8, total: 2, seq: 1 });
    expect(r.body.toString('hex')).toBe('65e5672c');
  });

  it('reads a 16-bit-reference concatenation header', () => {
    const r = decodeUdh(bytes('060804beef0302 48656c6c6f'));
    expect(r.ok && r.udh.concat).toEqual({ ref: 0xbeef, refBits: 16, total: 3, seq: 2 });
    expect(r.ok && r.body.toString('latin1')).toBe('Hello');
  });

  it('keeps other information elements and finds the concatenation among them', () => {
    // port addressing (IEI 0x05, 4 octets) followed by concatenation
    const r = decodeUdh(bytes('0b 0504 0b8423f0 0003 07 02 02 aabb'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.udh.elements.map((e) => [e.iei, e.data.toString('hex')])).toEqual([
      [0x05, '0b8423f0'],
      [0x00, '070202'],
    ]);
    expect(r.udh.concat).toEqual({ ref: 7, refBits: 8, total: 2, seq: 2 });
    expect(r.body.toString('hex')).toBe('aabb');
  });

  it('reads a header without concatenation', () => {
    const r = decodeUdh(bytes('0405020b84 ff'));
    expect(r.ok && r.udh.concat).toBeUndefined();
    expect(r.ok && r.body.toString('hex')).toBe('ff');
  });

  it('gives an empty body when the header is everything', () => {
    const r = decodeUdh(bytes('050003010101'));
    expect(r.ok && r.body.length).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['UDHL past the end', '0500030102'],
    ['element cut short', '01 00'],
    ['element length past the header', '03 0003 0102 ffff'],
    ['concatenation with wrong length', '04 0002 0102 ff'],
    ['segment 0', '050003010200'],
    ['segment beyond total', '050003010203'],
    ['total 0', '050003010000'],
    ['16-bit concatenation with wrong length', '050803010203'],
  ])('refuses %s with SmppUdhError', (_label, hex) => {
    const r = decodeUdh(bytes(hex));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(SmppUdhError);
      expect(r.error.code).toBe('SMPP_ERR_UDH');
    }
  });

  it('reads a header inside a larger buffer (offset view)', () => {
    const outer = bytes('ffff 050003a10201 41');
    const r = decodeUdh(outer.subarray(2));
    expect(r.ok && r.udh.concat?.ref).toBe(0xa1);
    expect(r.ok && r.body.toString('hex')).toBe('41');
  });
});

describe('UDHI and SAR TLVs', () => {
  it.each([
    [0x40, true],
    [0x43, true],
    [0x44, true],
    [0x04, false],
    [0x00, false],
  ])('hasUdhi(%i) = %s', (esm, yes) => expect(hasUdhi(esm)).toBe(yes));

  it('writes and reads the three SAR fields', () => {
    const f = sarFields({ ref: 0x1234, total: 3, seq: 2 });
    expect(f).toEqual({ sar_msg_ref_num: 0x1234, sar_total_segments: 3, sar_segment_seqnum: 2 });
    expect(concatFromSar(f)).toEqual({ ref: 0x1234, refBits: 16, total: 3, seq: 2 });
  });

  it('gives nothing for absent or inconsistent SAR fields', () => {
    expect(concatFromSar({})).toBeUndefined();
    expect(concatFromSar({ sar_msg_ref_num: 1, sar_total_segments: 2 })).toBeUndefined();
    expect(concatFromSar({ sar_msg_ref_num: 1, sar_total_segments: 2, sar_segment_seqnum: 3 })).toBeUndefined();
    expect(() => sarFields({ ref: 70000, total: 2, seq: 1 })).toThrow(RangeError);
  });
});
