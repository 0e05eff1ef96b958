import { describe, expect, it } from 'vitest';
import { decodeProbe, encodeProbe, PROBE_TOKEN_LENGTH, TIME_MODULUS, withProbe, runIdFrom } from '../../../src/probe/index.ts';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const fields = { runId: 'A1B2', seq: 4242, category: 'otp' as const, sentAtMs: now - 1234 };

describe('probe token', () => {
  it('is 23 alphanumeric characters', () => {
    const token = encodeProbe(fields, 'あなたの認証コードは 123456 です');
    expect(token).toHaveLength(PROBE_TOKEN_LENGTH);
    expect(token).toMatch(/^DP[0-9A-Z]{21}$/);
  });

  it('round-trips every field', () => {
    const text = withProbe('認証コード 123456', fields);
    const d = decodeProbe(text, now);
    expect(d).toMatchObject({ ...fields, intact: true, body: '認証コード 123456' });
  });

  it.each(['otp', 'notice', 'dunning', 'promotion'] as const)('round-trips category %s', (category) => {
    const d = decodeProbe(withProbe('x', { ...fields, category }), now);
    expect(d?.category).toBe(category);
  });

  it('detects a corrupted body', () => {
    const text = withProbe('認証コード 123456', fields);
    const d = decodeProbe(text.replace('123456', '123457'), now);
    expect(d?.intact).toBe(false);
  });

  it('detects a corrupted token field', () => {
    const text = withProbe('hello', fields);
    const i = text.length - 10;
    const swapped = text.slice(0, i) + (text[i] === '0' ? '1' : '0') + text.slice(i + 1);
    expect(decodeProbe(swapped, now)?.intact).toBe(false);
  });

  it('resolves the send time across the modulus boundary', () => {
    const sentAtMs = Math.ceil(now / TIME_MODULUS) * TIME_MODULUS - 5; // just before a wrap
    const d = decodeProbe(withProbe('b', { ...fields, sentAtMs }), sentAtMs + 20);
    expect(d?.sentAtMs).toBe(sentAtMs);
    const later = decodeProbe(withProbe('b', { ...fields, sentAtMs: sentAtMs + 10 }), sentAtMs + 20);
    expect(later?.sentAtMs).toBe(sentAtMs + 10);
  });

  it('returns undefined for text without a token', () => {
    expect(decodeProbe('just a message', now)).toBeUndefined();
    expect(decodeProbe('DPshort', now)).toBeUndefined();
    expect(decodeProbe('', now)).toBeUndefined();
  });

  it('rejects bad fields with a RangeError naming the field', () => {
    expect(() => encodeProbe({ ...fields, runId: 'abc' }, 'x')).toThrow(/runId/);
    expect(() => encodeProbe({ ...fields, seq: -1 }, 'x')).toThrow(/seq/);
    expect(() => encodeProbe({ ...fields, seq: 36 ** 5 }, 'x')).toThrow(/seq/);
    expect(() => encodeProbe({ ...fields, category: 'spam' as never }, 'x')).toThrow(/category/);
  });

  it('makes run ids of four base36 characters', () => {
    expect(runIdFrom(0)).toBe('0000');
    expect(runIdFrom(36 ** 4 + 35)).toBe('000Z');
  });
});
