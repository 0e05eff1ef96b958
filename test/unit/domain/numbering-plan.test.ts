// One number plan: what the scenario library generates, the simulator
// knows and the core accepts, with the same home carrier on both sides.
import { describe, expect, it } from 'vitest';
import { carrierForNumber, defaultRoutingTable, normalisePhoneNumber } from '../../../src/core/message/index.ts';
import { isMobileDomestic, mobileNumber } from '../../../src/domain/index.ts';
import { canonicalNumber, homeCarrierOf } from '../../../simulator/numbering.ts';
import { candidateNumbers } from '../../../scenarios/lib/fixture.ts';

describe('the shared numbering plan', () => {
  it('every generated number is a mobile to the simulator and to the core, with one home carrier', () => {
    const numbers = candidateNumbers(20260601, 5000);
    expect(numbers).toHaveLength(5000);
    const routing = defaultRoutingTable();
    for (const n of numbers) {
      const core = normalisePhoneNumber(n);
      const sim = canonicalNumber(n);
      expect(core.ok, n).toBe(true);
      expect(sim, n).toBe(core.ok ? core.canonical : 'refused');
      expect(carrierForNumber(sim!, routing), n).toBe(homeCarrierOf(sim!));
    }
    // All four prefixes appear; 0800 never does.
    const domestic = numbers.map((n) => (n.startsWith('+81') ? `0${n.slice(3)}` : n));
    expect(new Set(domestic.map((d) => d.slice(0, 3)))).toEqual(new Set(['090', '080', '070', '060']));
    expect(domestic.filter((d) => d.startsWith('0800'))).toEqual([]);
  });

  it.each(['08001234567', '+818001234567', '0800-123-4567', '02012345678', '05012345678', '0312345678', '0901234567'])('%s is not a mobile to either side', (n) => {
    expect(canonicalNumber(n)).toBeUndefined();
    expect(normalisePhoneNumber(n).ok).toBe(false);
  });

  it('060, 070, 080-1..9 and 090 are mobiles; 080-0 is the toll-free 0800', () => {
    for (const n of ['06012345678', '07000000000', '08012345678', '09000000000', '08099999999']) expect(isMobileDomestic(n), n).toBe(true);
    expect(isMobileDomestic('08000000000')).toBe(false);
    expect(mobileNumber('080', 1234567)).toBeUndefined();
    expect(mobileNumber('080', 11234567)).toBe('08011234567');
    expect(normalisePhoneNumber('0800-123-4567')).toMatchObject({ ok: false, reason: 'toll_free' });
  });
});
