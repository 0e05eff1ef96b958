import { describe, expect, it } from 'vitest';
import { decodeGsm7 } from '../../../../src/smpp/index.ts';
import {
  carrierForNumber,
  defaultRoutingTable,
  planMessage,
  segmentMessage,
} from '../../../../src/core/message/index.ts';

const hex = (b: Buffer | undefined): string => (b ? b.toString('hex') : '');

describe('planMessage: encoding and counts', () => {
  it.each([
    // text, encoding, characters, units, segments
    ['hello', 'GSM-7', 5, 5, 1],
    ['a'.repeat(160), 'GSM-7', 160, 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 307, 3],
    ['a'.repeat(1530), 'GSM-7', 1530, 1530, 10],
    ['€'.repeat(80), 'GSM-7', 80, 160, 1],
    ['€'.repeat(81), 'GSM-7', 81, 162, 2],
    ['{}[]~|^\\', 'GSM-7', 8, 16, 1],
    ['@£$¥èéùìòÇ\nØø\rÅåΔ_', 'GSM-7', 18, 18, 1],
    ['あ', 'UCS-2', 1, 1, 1],
    ['認証コード 123456', 'UCS-2', 12, 12, 1],
    ['あ'.repeat(70), 'UCS-2', 70, 70, 1],
    ['あ'.repeat(71), 'UCS-2', 71, 71, 2],
    ['あ'.repeat(134), 'UCS-2', 134, 134, 2],
    ['あ'.repeat(135), 'UCS-2', 135, 135, 3],
    ['あ'.repeat(670), 'UCS-2', 670, 670, 10],
    ['😀', 'UCS-2', 1, 2, 1],
    ['😀'.repeat(35), 'UCS-2', 35, 70, 1],
    ['hello ç', 'UCS-2', 7, 7, 1], // ç is not in GSM 03.38 (only Ç is)
    ['\x1b', 'UCS-2', 1, 1, 1], // ESC is not a character a sender may write
  ])('%j -> %s', (text, encoding, characters, units, segments) => {
    expect(planMessage(text)).toEqual({
      ok: true,
      encoding,
      dataCoding: encoding === 'GSM-7' ? 0 : 8,
      characters,
      units,
      segments,
    });
  });

  it.each([
    ['a'.repeat(1531), 'GSM-7', 1531],
    ['あ'.repeat(671), 'UCS-2', 671],
    ['€'.repeat(766), 'GSM-7', 1532],
  ])('refuses beyond 10 segments (%s units)', (text, encoding, units) => {
    const r = planMessage(text);
    expect(r).toMatchObject({ ok: false, reason: 'too_long', encoding, units });
    if (!r.ok) expect(r.message).toMatch(/10 segments/);
  });

  it('a refusal says what the text needs and what the limit is, even when the septets fit 10 x 153', () => {
    // 765 x "{" = 1530 septets, but each segment holds 76 two-septet characters: 11 segments.
    const r = planMessage('{'.repeat(765));
    expect(r).toMatchObject({ ok: false, reason: 'too_long', units: 1530 });
    if (!r.ok) {
      expect(r.message).toBe('is 765 characters (1530 GSM-7 septets) and needs 11 segments of at most 153 GSM-7 septets each (a character is never split across two); the limit is 10 segments');
    }
  });

  it('refuses empty text', () => {
    expect(planMessage('')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('does not split surrogate pairs: 670 units needing 11 segments are refused', () => {
    // 66 units + 1 emoji (2 units) cannot fit 67: each segment carries 33 emoji = 66 units.
    const text = '😀'.repeat(335);
    const r = planMessage(text);
    expect(r).toMatchObject({ ok: false, reason: 'too_long', units: 670 });
    expect(planMessage('😀'.repeat(330))).toMatchObject({ ok: true, segments: 10, units: 660 });
  });
});

describe('segmentMessage: bytes for short_message', () => {
  it('single GSM-7 segment: one septet per byte, no UDH', () => {
    const r = segmentMessage('Hi @€', 7);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.parts).toHaveLength(1);
    // H=0x48 i=0x69 space=0x20 @=0x00 €=ESC 0x65
    expect(hex(r.parts[0]!.shortMessage)).toBe('4869200' + '01b65');
    expect(r.parts[0]!.udh).toBeUndefined();
  });

  it('single UCS-2 segment is UTF-16BE', () => {
    const r = segmentMessage('あ😀', 1);
    if (!r.ok) throw new Error('expected ok');
    expect(hex(r.parts[0]!.shortMessage)).toBe('3042d83dde00');
  });

  it('concatenated GSM-7: 153 septets behind 05 00 03 ref total seq', () => {
    const text = 'a'.repeat(153) + 'b'.repeat(10);
    const r = segmentMessage(text, 0x1a2);
    if (!r.ok) throw new Error('expected ok');
    expect(r.parts).toHaveLength(2);
    expect(hex(r.parts[0]!.udh)).toBe('050003a20201');
    expect(hex(r.parts[1]!.udh)).toBe('050003a20202');
    expect(r.parts[0]!.payload.length).toBe(153);
    expect(r.parts[0]!.shortMessage.length).toBe(159);
    expect(hex(r.parts[1]!.payload)).toBe('62'.repeat(10));
  });

  it('never splits an ESC pair across segments', () => {
    const text = 'a'.repeat(152) + '€' + 'z'.repeat(10);
    const r = segmentMessage(text, 1);
    if (!r.ok) throw new Error('expected ok');
    expect(r.parts).toHaveLength(2);
    expect(r.parts[0]!.payload.length).toBe(152);
    expect(hex(r.parts[1]!.payload)).toBe('1b65' + '7a'.repeat(10));
    expect(r.parts.map((p) => decodeGsm7(p.payload)).join('')).toBe(text);
  });

  it('concatenated UCS-2: 67 units = 134 bytes, surrogates kept whole', () => {
    const text = 'あ'.repeat(66) + '😀' + 'い'.repeat(5);
    const r = segmentMessage(text, 9);
    if (!r.ok) throw new Error('expected ok');
    expect(r.parts).toHaveLength(2);
    expect(r.parts[0]!.payload.length).toBe(132);
    expect(hex(r.parts[1]!.payload)).toBe('d83dde00' + '3044'.repeat(5));
    expect(r.parts.every((p) => p.shortMessage.length <= 140)).toBe(true);
    const decoded = Buffer.concat(r.parts.map((p) => p.payload)).swap16().toString('utf16le');
    expect(decoded).toBe(text);
  });

  it('670 UCS-2 characters make 10 segments of 140 bytes each', () => {
    const r = segmentMessage('漢'.repeat(670), 255);
    if (!r.ok) throw new Error('expected ok');
    expect(r.parts.map((p) => p.shortMessage.length)).toEqual(Array(10).fill(140));
    expect(r.parts.map((p) => p.udh![5])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(r.parts.map((p) => p.udh![3]))).toEqual(new Set([255]));
  });
});

describe('carrierForNumber', () => {
  const table = defaultRoutingTable();
  it.each([
    ['819001234567', 'docomo'],
    ['819031234567', 'docomo'],
    ['819041234567', 'au'],
    ['818061234567', 'au'],
    ['817071234567', 'softbank'],
    ['816091234567', 'softbank'],
  ])('%s -> %s', (n, carrier) => {
    expect(carrierForNumber(n, table)).toBe(carrier);
  });
  it('longest prefix wins', () => {
    expect(carrierForNumber('819012345678', [...table, { prefix: '09012', carrier: 'au' }])).toBe('au');
  });
});
