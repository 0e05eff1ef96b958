import { describe, expect, it } from 'vitest';
import { canonicalNumber, fateOf, homeCarrierOf, NumberDatabase } from '../../../simulator/numbering.ts';

const shares = { unreachableShare: 0.1, undeliverableShare: 0.05 };

describe('number portability database', () => {
  it.each([
    ['09012345678', '819012345678'],
    ['+819012345678', '819012345678'],
    ['819012345678', '819012345678'],
    ['080-1234-5678', '818012345678'],
    ['07011112222', '817011112222'],
    ['06011112222', '816011112222'],
    ['0901234567', undefined],
    ['05012345678', undefined],
    ['02012345678', undefined],
    ['+8109012345678', undefined],
    ['abc', undefined],
  ])('canonical form of %s is %s', (input, out) => {
    expect(canonicalNumber(input)).toBe(out);
  });

  it.each([
    ['819002345678', 'docomo'],
    ['819032345678', 'docomo'],
    ['818042345678', 'au'],
    ['817062345678', 'au'],
    ['816072345678', 'softbank'],
    ['819092345678', 'softbank'],
  ])('home carrier of %s is %s (4th domestic digit)', (n, c) => {
    expect(homeCarrierOf(n)).toBe(c);
  });

  it('ports the configured share, to another carrier, deterministically', () => {
    const db = new NumberDatabase(7, 0.2, () => shares);
    let ported = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = db.lookup(`090${String(i * 7919).padStart(8, '0')}`);
      expect(r).toBeDefined();
      if (!r) continue;
      if (r.ported) {
        ported++;
        expect(r.carrier).not.toBe(r.homeCarrier);
      } else expect(r.carrier).toBe(r.homeCarrier);
    }
    expect(ported / 10_000).toBeGreaterThan(0.18);
    expect(ported / 10_000).toBeLessThan(0.22);
    const again = new NumberDatabase(7, 0.2, () => shares);
    expect(again.lookup('09012345678')).toEqual(db.lookup('+819012345678'));
  });

  it('no ported numbers with share 0; a different seed ports different numbers', () => {
    const none = new NumberDatabase(1, 0, () => shares);
    expect(none.lookup('09071234567')).toMatchObject({ ported: false, carrier: 'softbank', homeCarrier: 'softbank' });
    const a = new NumberDatabase(1, 0.5, () => shares);
    const b = new NumberDatabase(2, 0.5, () => shares);
    const nums = Array.from({ length: 200 }, (_, i) => `0801000${String(i).padStart(4, '0')}`);
    expect(nums.map((n) => a.lookup(n)?.ported)).not.toEqual(nums.map((n) => b.lookup(n)?.ported));
  });

  it('fates follow the shares and depend only on (seed, number)', () => {
    const counts = { deliverable: 0, unreachable: 0, undeliverable: 0 };
    for (let i = 0; i < 20_000; i++) counts[fateOf(3, `8190${String(i).padStart(8, '0')}`, shares)]++;
    expect(counts.unreachable / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.undeliverable / 20_000).toBeCloseTo(0.05, 1);
    expect(fateOf(3, '819012345678', shares)).toBe(fateOf(3, '819012345678', shares));
    expect(fateOf(3, '819012345678', { unreachableShare: 0, undeliverableShare: 0 })).toBe('deliverable');
    expect(fateOf(3, '819012345678', { unreachableShare: 1, undeliverableShare: 0 })).toBe('unreachable');
  });
});
