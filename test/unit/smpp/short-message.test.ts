import { describe, expect, it } from 'vitest';
import {
  checkShortMessageLength,
  DataCoding,
  decodeGsm7,
  decodeShortMessage,
  decodeUcs2,
  encodeGsm7,
  encodeText,
  encodeUcs2,
  gsm7Length,
  isGsm7,
  readShortMessage,
  SmppInvalidArgumentError,
  SmppMessageTooLongError,
} from '../../../src/smpp/index.ts';
import { bytes } from './fixtures.ts';

describe('GSM-7 (unpacked, one septet per octet)', () => {
  it.each([
    ['Hello', '48656c6c6f'],
    ['@£$¥', '00010203'],
    ['a_b', '611162'],
    ['{}', '1b281b29'],
    ['€[~]|\\^', '1b651b3c1b3d1b3e1b401b2f1b14'],
    ['ÄÖÑÜ§¿äöñüà', '5b5c5d5e5f607b7c7d7e7f'],
    ['Line\nCR\r', '4c696e650a43520d'],
    ['ΔΦΓΛΩΠΨΣΘΞ', '10121314151617181 91a'.replace(/ /g, '')],
  ])('%j <-> %s', (text, hex) => {
    expect(encodeGsm7(text)?.toString('hex')).toBe(hex);
    expect(decodeGsm7(bytes(hex))).toBe(text);
  });

  it('counts extension characters as two septets', () => {
    expect(gsm7Length('a€')).toBe(3);
    expect(gsm7Length('日本')).toBeUndefined();
    expect(isGsm7('Your code is 123456')).toBe(true);
    expect(isGsm7('認証コード')).toBe(false);
    expect(encodeGsm7('日本')).toBeUndefined();
  });

  it('shows octets above 0x7F as U+FFFD and drops a trailing escape', () => {
    expect(decodeGsm7(bytes('41ff42'))).toBe('A\ufffdB');
    expect(decodeGsm7(bytes('411b'))).toBe('A');
    expect(decodeGsm7(bytes('1b41'))).toBe('A'); // unknown escape: the basic character
  });
});

describe('UCS-2 (UTF-16BE)', () => {
  it.each([
    ['日本', '65e5672c'],
    ['認証コード 123456', '8a8d8a3c30b330fc30c9002000310032003300340035 0036'.replace(/ /g, '')],
    ['😀', 'd83dde00'],
    ['', ''],
  ])('%j <-> %s', (text, hex) => {
    expect(encodeUcs2(text).toString('hex')).toBe(hex);
    expect(decodeUcs2(bytes(hex))).toBe(text);
  });

  it('keeps a surrogate half split across segments so reassembly can join it', () => {
    const first = decodeUcs2(bytes('0041d83d'));
    const second = decodeUcs2(bytes('de000042'));
    expect(first + second).toBe('A😀B');
  });

  it('marks an odd trailing octet', () => {
    expect(decodeUcs2(bytes('004100'))).toBe('A\ufffd');
  });
});

describe('decodeShortMessage', () => {
  it.each([
    [DataCoding.SMSC_DEFAULT, '48656c6c6f1b65', 'Hello€'],
    [DataCoding.IA5, '48656c6c6f', 'Hello'],
    [DataCoding.LATIN1, '636166e9', 'café'],
    [DataCoding.UCS2, '65e5672c', '日本'],
    [0xf0, '4869', 'Hi'], // GSM 03.38 coding group 0xF0, class 0, 7-bit
    [0x18, '65e5', '日'], // general group with class: alphabet bits = UCS-2
    [0x10, '4869', 'Hi'], // general group with class: alphabet bits = GSM-7
  ])('data_coding %i: %s -> %j', (dc, hex, text) => {
    expect(decodeShortMessage(bytes(hex), dc)).toEqual({ ok: true, text });
  });

  it.each([DataCoding.OCTET_UNSPECIFIED, DataCoding.JIS, DataCoding.ISO_2022_JP, 0xf4])('reports data_coding %i instead of guessing', (dc) => {
    const r = decodeShortMessage(bytes('1b2442'), dc);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.dataCoding).toBe(dc);
  });

  it('marks bytes outside ASCII under IA5', () => {
    expect(decodeShortMessage(bytes('41e9'), DataCoding.IA5)).toEqual({ ok: true, text: 'A\ufffd' });
  });
});

describe('readShortMessage', () => {
  it('splits the UDH off when esm_class has UDHI', () => {
    const m = readShortMessage(bytes('050003a10201 65e5672c'), DataCoding.UCS2, 0x40);
    expect(m.udh?.concat).toEqual({ ref: 0xa1, refBits: 8, total: 2, seq: 1 });
    expect(m.body.toString('hex')).toBe('65e5672c');
    expect(m.bytes.length).toBe(10);
    expect(m.dataCoding).toBe(DataCoding.UCS2);
  });

  it('leaves the bytes alone without UDHI', () => {
    const m = readShortMessage(bytes('050003a10201'), DataCoding.IA5, 0x00);
    expect(m.udh).toBeUndefined();
    expect(m.body.toString('hex')).toBe('050003a10201');
  });

  it('reports a broken header and keeps every byte as body', () => {
    const m = readShortMessage(bytes('09000301'), DataCoding.IA5, 0x40);
    expect(m.udh).toBeUndefined();
    expect(m.udhError).toMatch(/UDHL/);
    expect(m.body.length).toBe(4);
  });
});

describe('encodeText and the 254-octet limit', () => {
  it('encodes in the alphabet asked for', () => {
    expect(encodeText('a_b', DataCoding.SMSC_DEFAULT).toString('hex')).toBe('611162');
    expect(encodeText('a_b', DataCoding.IA5).toString('hex')).toBe('615f62');
    expect(encodeText('é', DataCoding.LATIN1).toString('hex')).toBe('e9');
    expect(encodeText('日', DataCoding.UCS2).toString('hex')).toBe('65e5');
  });

  it.each([
    ['日本', DataCoding.SMSC_DEFAULT],
    ['é', DataCoding.IA5],
    ['日', DataCoding.LATIN1],
  ] as const)('refuses %j in %i', (text, dc) => {
    expect(() => encodeText(text, dc)).toThrow(SmppInvalidArgumentError);
  });

  it('refuses more than 254 octets (edge 3)', () => {
    expect(() => checkShortMessageLength(Buffer.alloc(254))).not.toThrow();
    expect(() => checkShortMessageLength(Buffer.alloc(255))).toThrow(SmppMessageTooLongError);
  });
});
