import { describe, expect, it } from 'vitest';
import { normalisePhoneNumber } from '../../../../src/core/message/index.ts';

describe('normalisePhoneNumber', () => {
  it.each([
    ['09012345678', '819012345678'],
    ['090-1234-5678', '819012345678'],
    ['090 1234 5678', '819012345678'],
    ['+819012345678', '819012345678'],
    ['+81 90-1234-5678', '819012345678'],
    ['819012345678', '819012345678'],
    ['+8109012345678', '819012345678'],
    ['08011112222', '818011112222'],
    ['070-9999-0000', '817099990000'],
    ['06012345678', '816012345678'],
    ['０９０－１２３４－５６７８', '819012345678'],
    ['＋８１９０１２３４５６７８', '819012345678'],
  ])('accepts %s as %s', (input, canonical) => {
    const r = normalisePhoneNumber(input);
    expect(r).toMatchObject({ ok: true, canonical });
    if (r.ok) expect(r.domestic).toBe(`0${canonical.slice(2)}`);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['090-1234-567a', 'not_digits'],
    ['abc', 'not_digits'],
    ['++819012345678', 'not_digits'],
    ['0901234567', 'wrong_length'],
    ['090123456789', 'wrong_length'],
    ['+81901234567', 'wrong_length'],
    ['02012345678', 'm2m'],
    ['+812012345678', 'm2m'],
    ['05012345678', 'ip_phone'],
    ['0312345678', 'landline'],
    ['0612345678', 'landline'],
    ['0120123456', 'toll_free'],
    ['+14155550100', 'not_japanese'],
    ['9012345678', 'not_japanese'],
    ['12345', 'not_japanese'],
  ])('rejects %j as %s', (input, reason) => {
    const r = normalisePhoneNumber(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message.length).toBeGreaterThan(3);
    }
  });
});
