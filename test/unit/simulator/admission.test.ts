import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/runtime/index.ts';
import { admit, ESME_RMSGQFUL, ESME_RTHROTTLED, injectedStatus, TokenBucket } from '../../../simulator/admission.ts';
import { defaultProfile, type CarrierProfile } from '../../../simulator/profile.ts';

const T0 = 1_000_000;

describe('token bucket', () => {
  it('lets a burst of tps through, then refills at tps per second', () => {
    const b = new TokenBucket(10, T0);
    const burst = Array.from({ length: 12 }, () => b.tryTake(T0)).filter(Boolean).length;
    expect(burst).toBe(10);
    expect(b.tryTake(T0 + 50)).toBe(false);
    expect(b.tryTake(T0 + 100)).toBe(true);
    expect(b.tryTake(T0 + 100)).toBe(false);
  });

  it('sustains exactly the rate over a long stretch', () => {
    const b = new TokenBucket(100, T0);
    let ok = 0;
    for (let t = 0; t < 10_000; t++) if (b.tryTake(T0 + t)) ok++; // one attempt per ms for 10 s
    expect(ok).toBeGreaterThanOrEqual(1099);
    expect(ok).toBeLessThanOrEqual(1101);
  });

  it('0 means no cap', () => {
    const b = new TokenBucket(0, T0);
    expect(Array.from({ length: 1000 }, () => b.tryTake(T0)).every(Boolean)).toBe(true);
  });
});

describe('injected errors', () => {
  const errors = [
    { status: 'ESME_RTHROTTLED', rate: 0.1 },
    { status: 0x45, rate: 0.2 },
    { status: '0x400', rate: 0.05 },
  ];
  it.each([
    [0, 0x58],
    [0.0999, 0x58],
    [0.1, 0x45],
    [0.2999, 0x45],
    [0.3001, 0x400],
    [0.3499, 0x400],
    [0.3501, 0],
    [0.99, 0],
  ])('draw %d gives status %d', (u, status) => {
    expect(injectedStatus(errors, u)).toBe(status);
  });

  it('hits each rate over many submits', () => {
    const p: CarrierProfile = { ...defaultProfile('au'), errors: [{ status: 'ESME_RSYSERR', rate: 0.2 }] };
    const state = { outstanding: 0, bindBucket: new TokenBucket(0, T0), carrierBucket: new TokenBucket(0, T0) };
    const r = new SeededRandom(1);
    let failed = 0;
    for (let i = 0; i < 10_000; i++) {
      const a = admit(p, state, T0, r);
      if (!a.admitted) {
        expect(a.status).toBe(0x08);
        failed++;
      }
    }
    expect(failed / 10_000).toBeGreaterThan(0.18);
    expect(failed / 10_000).toBeLessThan(0.22);
  });
});

describe('admission order', () => {
  const base: CarrierProfile = { ...defaultProfile('docomo'), maxOutstandingPerBind: 2, throttle: { perBindTps: 3, perCarrierTps: 5 } };

  it('window first: ESME_RMSGQFUL when the bind has too many outstanding', () => {
    const state = { outstanding: 2, bindBucket: new TokenBucket(3, T0), carrierBucket: new TokenBucket(5, T0) };
    expect(admit(base, state, T0, new SeededRandom(1))).toEqual({ admitted: false, status: ESME_RMSGQFUL, reason: 'window' });
  });

  it('then the per-bind and per-carrier buckets: ESME_RTHROTTLED', () => {
    const carrier = new TokenBucket(5, T0);
    const bindA = { outstanding: 0, bindBucket: new TokenBucket(3, T0), carrierBucket: carrier };
    const bindB = { outstanding: 0, bindBucket: new TokenBucket(3, T0), carrierBucket: carrier };
    const r = new SeededRandom(1);
    const a = Array.from({ length: 4 }, () => admit(base, bindA, T0, r));
    expect(a.map((x) => (x.admitted ? 'ok' : x.reason))).toEqual(['ok', 'ok', 'ok', 'throttle-bind']);
    const b = Array.from({ length: 3 }, () => admit(base, bindB, T0, r));
    expect(b.map((x) => (x.admitted ? 'ok' : x.reason))).toEqual(['ok', 'ok', 'throttle-carrier']);
    expect(b[2]).toMatchObject({ status: ESME_RTHROTTLED });
  });
});
