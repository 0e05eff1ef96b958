import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/runtime/index.ts';
import { drawFinalState, planDelivery, RECEIPT_ERR } from '../../../simulator/handset.ts';
import { defaultProfile, type CarrierProfile } from '../../../simulator/profile.ts';
import { validityDeadline } from '../../../simulator/validity.ts';

const T0 = Date.UTC(2026, 0, 1);
const profile: CarrierProfile = {
  ...defaultProfile('docomo'),
  handset: { ...defaultProfile('docomo').handset, delay: { kind: 'constant', ms: 100 }, unreachableFor: { kind: 'constant', ms: 5_000 } },
  receipts: { ...defaultProfile('docomo').receipts, delay: { kind: 'constant', ms: 20 } },
};

describe('handset delivery plan', () => {
  it('deliverable: DELIVRD after the handset delay, receipt after the receipt delay', () => {
    expect(planDelivery('deliverable', profile, T0, T0 + 60_000, new SeededRandom(1))).toEqual({ outcome: { kind: 'delivered', at: T0 + 100, state: 'DELIVRD', err: 0 }, receiptAt: T0 + 120 });
  });

  it('undeliverable: UNDELIV, never reaches the handset', () => {
    expect(planDelivery('undeliverable', profile, T0, T0 + 60_000, new SeededRandom(1)).outcome).toEqual({ kind: 'failed', at: T0 + 100, state: 'UNDELIV', err: RECEIPT_ERR.UNDELIV });
  });

  it('unreachable: delivered when it comes back within validity', () => {
    expect(planDelivery('unreachable', profile, T0, T0 + 60_000, new SeededRandom(1)).outcome).toEqual({ kind: 'delivered', at: T0 + 5_100, state: 'DELIVRD', err: 0 });
  });

  it('unreachable: EXPIRED when validity runs out first', () => {
    const plan = planDelivery('unreachable', profile, T0, T0 + 3_000, new SeededRandom(1));
    expect(plan.outcome).toEqual({ kind: 'failed', at: T0 + 3_000, state: 'EXPIRED', err: RECEIPT_ERR.EXPIRED });
    expect(plan.receiptAt).toBe(T0 + 3_020);
  });

  it('final-state mix applies to deliverable handsets', () => {
    const mixed = { ...profile, finalStates: { DELIVRD: 0.7, UNDELIV: 0.2, REJECTD: 0.1 } };
    const r = new SeededRandom(5);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const s = planDelivery('deliverable', mixed, T0, T0 + 60_000, r).outcome.state;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect((counts.DELIVRD ?? 0) / 10_000).toBeCloseTo(0.7, 1);
    expect((counts.UNDELIV ?? 0) / 10_000).toBeCloseTo(0.2, 1);
    expect((counts.REJECTD ?? 0) / 10_000).toBeCloseTo(0.1, 1);
  });

  it.each([
    [0, 'DELIVRD'],
    [0.69, 'DELIVRD'],
    [0.7, 'UNDELIV'],
    [0.95, 'EXPIRED'],
    [0.9999, 'EXPIRED'],
  ])('draw %d from the mix is %s', (u, state) => {
    expect(drawFinalState({ DELIVRD: 0.7, UNDELIV: 0.2, EXPIRED: 0.1 }, u)).toBe(state);
  });

  it('the same seed and order give the same plans', () => {
    const p = { ...profile, handset: { ...profile.handset, delay: { kind: 'lognormal' as const, p50: 100, p99: 900 } } };
    const run = (seed: number) => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 20 }, (_, i) => planDelivery(i % 3 === 0 ? 'unreachable' : 'deliverable', p, T0, T0 + 4_000, r));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });
});

describe('validity_period', () => {
  it.each([
    ['', undefined],
    ['260101001000000+', Date.UTC(2026, 0, 1, 0, 10)],
    ['260101091000036+', Date.UTC(2026, 0, 1, 0, 10)], // JST = +9h = 36 quarter hours
    ['260101001000004-', Date.UTC(2026, 0, 1, 1, 10)],
    ['000000000130000R', T0 + 90_000],
    ['000001000000000R', T0 + 86_400_000],
  ])('%s -> %s', (text, at) => {
    expect(validityDeadline(text, T0)).toBe(at);
  });

  it.each(['2601010010', 'xx0101001000000+', '261301001000000+'])('rejects %s', (text) => {
    expect(() => validityDeadline(text, T0)).toThrow(RangeError);
  });
});
