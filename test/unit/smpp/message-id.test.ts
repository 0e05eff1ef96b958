import { describe, expect, it } from 'vitest';
import { formatMessageId, messageIdCandidates, messageIdKey, messageIdsMayMatch, normalizeMessageId } from '../../../src/smpp/index.ts';

describe('messageIdKey', () => {
  it.each([
    ['000123', 'decimal', '123'],
    ['123', 'decimal', '123'],
    ['0x1F', 'hex', '31'],
    ['001f', 'hex', '31'],
    ['001F', 'hex', '31'],
    ['  42 ', 'decimal', '42'],
    ['ffffffffffffffff', 'hex', '18446744073709551615'],
    ['1f', 'decimal', undefined],
    ['xyz', 'hex', undefined],
    ['', 'decimal', undefined],
  ] as const)('%j read as %s is %j', (id, radix, key) => {
    expect(messageIdKey(id, radix)).toBe(key);
  });
});

describe('messageIdCandidates', () => {
  it.each([
    ['0016', ['16', '22']],
    ['16', ['16', '22']],
    ['9', ['9']], // same value in both radixes
    ['00ff', ['255']],
    ['0xFF', ['255']],
    ['b7a6c2d4-1f', ['~b7a6c2d4-1f']],
    ['MSG-1', ['~MSG-1']],
  ])('%j -> %j', (id, keys) => {
    expect(messageIdCandidates(id)).toEqual(keys);
  });
});

describe('matching submit_sm_resp ids against receipt ids', () => {
  it.each([
    ['hex in the response, decimal in the receipt', '0000001f', '31'],
    ['decimal in the response, hex in the receipt', '31', '1F'],
    ['leading zeros on one side', '000000123', '123'],
    ['case differs', 'ABCDEF', 'abcdef'],
    ['0x prefix', '0x1f', '1f'],
  ])('%s', (_label, a, b) => {
    expect(messageIdsMayMatch(a, b)).toBe(true);
  });

  it.each([
    ['different numbers', '31', '32'],
    ['opaque ids differ', 'abc-1', 'abc-2'],
  ])('%s do not match', (_label, a, b) => {
    expect(messageIdsMayMatch(a, b)).toBe(false);
  });

  it('normalizes exactly when the radix is known', () => {
    expect(normalizeMessageId('0000001F', 'hex')).toBe(normalizeMessageId('31', 'decimal'));
    expect(normalizeMessageId('0010', 'hex')).toBe('16');
    expect(normalizeMessageId('0010')).toBe('10'); // unknown radix: digits read as decimal first
    expect(normalizeMessageId('not-a-number', 'hex')).toBe('~not-a-number');
  });
});

describe('formatMessageId', () => {
  it.each([
    [255, 'hex', {}, 'ff'],
    [255, 'hex', { width: 8 }, '000000ff'],
    [255, 'hex', { width: 8, upperCase: true }, '000000FF'],
    [255, 'decimal', {}, '255'],
    [255, 'decimal', { width: 10 }, '0000000255'],
    [2n ** 64n - 1n, 'hex', {}, 'ffffffffffffffff'],
  ] as const)('%s as %s %o = %s', (n, radix, format, expected) => {
    expect(formatMessageId(n, radix, format)).toBe(expected);
    expect(messageIdKey(expected, radix)).toBe(n.toString());
  });

  it('refuses negative and fractional numbers', () => {
    expect(() => formatMessageId(-1, 'hex')).toThrow(RangeError);
    expect(() => formatMessageId(1.5, 'decimal')).toThrow(RangeError);
  });
});
