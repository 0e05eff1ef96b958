import { describe, expect, it } from 'vitest';
import { bindShare, liveSetKey, nextBindCount } from '../../../../src/core/carrier/bind-share.ts';

describe('bindShare', () => {
  it('gives a node alone the whole limit', () => {
    expect(bindShare(4, ['a'], 'a')).toBe(4);
    expect(bindShare(4, [], 'a')).toBe(4);
  });

  it('splits evenly, the remainder to the lowest ids, and always adds up to the limit', () => {
    const live = ['node-c', 'node-a', 'node-b'];
    expect(live.map((id) => bindShare(5, live, id))).toEqual([1, 2, 2]);
    for (let total = 1; total <= 32; total++) {
      for (let k = 1; k <= 7; k++) {
        const ids = Array.from({ length: k }, (_, i) => `n${String(i).padStart(2, '0')}`);
        const shares = ids.map((id) => bindShare(total, ids, id));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        // Lower ids never hold fewer than higher ones.
        expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      }
    }
  });

  it('leaves the highest ids without a bind when there are more nodes than binds', () => {
    const live = ['a', 'b', 'c'];
    expect(live.map((id) => bindShare(2, live, id))).toEqual([1, 1, 0]);
  });

  it('orders ids bytewise, as the store does', () => {
    // 'B' (0x42) sorts before 'a' (0x61) bytewise, after it in most locales.
    expect(bindShare(3, ['a', 'B'], 'B')).toBe(2);
  });

  it('counts itself when the live list does not have it yet', () => {
    expect(bindShare(2, ['a'], 'b')).toBe(1);
  });
});

describe('nextBindCount', () => {
  it('sheds at once', () => {
    expect(nextBindCount(4, 2, false)).toBe(2);
    expect(nextBindCount(4, 0, true)).toBe(0);
  });

  it('grows only when the live set held for one more heartbeat', () => {
    expect(nextBindCount(1, 2, false)).toBe(1);
    expect(nextBindCount(1, 2, true)).toBe(2);
    expect(nextBindCount(2, 2, false)).toBe(2);
  });

  it('a join, step by step: the sum never exceeds the limit', () => {
    // a holds 2 of 2; b joins. Beats alternate a, b, a, b.
    let a = 2;
    let b = 0;
    const before = liveSetKey(['a']);
    const after = liveSetKey(['b', 'a']);
    // b's first beat sees {a, b} for the first time: share 1, holds 0.
    b = nextBindCount(b, bindShare(2, ['a', 'b'], 'b'), false);
    expect(a + b).toBeLessThanOrEqual(2);
    // a's beat sees {a, b} (it saw {a} before): sheds to 1.
    a = nextBindCount(a, bindShare(2, ['a', 'b'], 'a'), before === after);
    expect([a, b]).toEqual([1, 0]);
    // b's second beat sees {a, b} again: grows to 1.
    b = nextBindCount(b, bindShare(2, ['a', 'b'], 'b'), true);
    expect([a, b]).toEqual([1, 1]);
  });
});
