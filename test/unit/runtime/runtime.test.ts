import { describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, unitFor } from '../../../src/runtime/index.ts';

describe('SeededRandom', () => {
  it('reproduces a stream from a seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new SeededRandom(43).next()).not.toBe(xs[0]);
  });

  it('draws uniformly enough in [0,1)', () => {
    const r = new SeededRandom(7);
    let sum = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      if (x < 0 || x >= 1) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
  });

  it('forks independent, reproducible streams', () => {
    const f1 = new SeededRandom(1).fork('docomo');
    const f2 = new SeededRandom(1).fork('docomo');
    const f3 = new SeededRandom(1).fork('au');
    expect(f1.next()).toBe(f2.next());
    expect(f3.next()).not.toBe(new SeededRandom(1).fork('docomo').next());
  });

  it('unitFor is order independent', () => {
    expect(unitFor(1, '09012345678')).toBe(unitFor(1, '09012345678'));
    expect(unitFor(1, '09012345678')).not.toBe(unitFor(2, '09012345678'));
  });
});

describe('ManualClock', () => {
  it('fires timers in due order as time advances', () => {
    const clock = new ManualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    const c = clock.setTimeout(() => seen.push(['c', clock.now()]), 15);
    clock.clearTimeout(c);
    clock.advance(5);
    expect(seen).toEqual([]);
    clock.advance(20);
    expect(seen).toEqual([['a', 1010], ['b', 1020]]);
    expect(clock.now()).toBe(1025);
  });
});
