import { describe, expect, it } from 'vitest';
import { rotation } from '../../../../src/harness/round-robin/index.ts';

describe('rotation', () => {
  it('hands each target in turn, in order, and counts what it handed', () => {
    const r = rotation(['a', 'b', 'c']);
    expect(Array.from({ length: 7 }, () => r.next())).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(r.counts()).toEqual([3, 2, 2]);
  });

  it('with one target always hands that one', () => {
    const r = rotation(['only']);
    expect([r.next(), r.next()]).toEqual(['only', 'only']);
    expect(r.counts()).toEqual([2]);
  });

  it('refuses an empty list', () => {
    expect(() => rotation([])).toThrow(/at least one target/);
  });
});
