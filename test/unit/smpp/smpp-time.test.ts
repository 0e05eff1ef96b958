import { describe, expect, it } from 'vitest';
import { formatAbsoluteTime, formatRelativeTime, parseSmppTime, resolveSmppTime } from '../../../src/smpp/index.ts';

const now = Date.UTC(2026, 10, 25, 3, 0, 0);

describe('relative SMPP times', () => {
  it.each([
    [0, '000000000000000R'],
    [1_999, '000000000001000R'],
    [10 * 60_000, '000000001000000R'],
    [26 * 3600_000 + 61_000, '000001020101000R'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatRelativeTime(ms)).toBe(text);
  });

  it.each([
    ['000000001000000R', 10 * 60_000],
    ['000001000000000R', 86_400_000],
    ['000100000000000R', 30 * 86_400_000], // a month counts 30 days
    ['000000000000500R', 500],
  ])('%s -> %i ms', (text, ms) => {
    expect(parseSmppTime(text)).toEqual({ kind: 'relative', afterMs: ms });
    expect(resolveSmppTime(text, now)).toBe(now + ms);
  });

  it('refuses negative durations', () => {
    expect(() => formatRelativeTime(-1)).toThrow(RangeError);
  });
});

describe('absolute SMPP times', () => {
  it.each([
    [0, '261125030000000+'],
    [540, '261125120000036+'],
    [-300, '261124220000020-'],
  ])('offset %i min -> %s', (offset, text) => {
    expect(formatAbsoluteTime(now, offset)).toBe(text);
    expect(parseSmppTime(text)).toEqual({ kind: 'absolute', atMs: now });
  });

  it('keeps tenths of a second', () => {
    expect(formatAbsoluteTime(now + 700)).toBe('261125030000700+');
    expect(resolveSmppTime('261125030000700+', 0)).toBe(now + 700);
  });
});

describe('parseSmppTime', () => {
  it('reads the empty string as none', () => {
    expect(parseSmppTime('')).toEqual({ kind: 'none' });
    expect(resolveSmppTime('', now)).toBeUndefined();
  });

  it.each(['2611250300', '261125030000000X', '261325030000000+', '261125250000000+', '260231030000000+', '261125030000049+', 'abcdefghijklmnoR'])('refuses %j', (text) => {
    expect(parseSmppTime(text)).toBeUndefined();
  });
});
