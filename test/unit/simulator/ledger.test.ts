import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { withProbe } from '../../../src/probe/index.ts';
import { TruthLedger } from '../../../simulator/ledger.ts';

const T0 = Date.UTC(2026, 10, 25, 12);
const probe = (seq: number, category: 'otp' | 'notice' = 'otp', sentAtMs = T0) => withProbe('認証コード 123456', { runId: 'R001', seq, category, sentAtMs });

describe('truth ledger', () => {
  it('records a probe from arrival to receipt', () => {
    const l = new TruthLedger();
    const ref = l.arrive(probe(7), 'docomo', '819012345678', T0 + 50);
    l.handset(ref, 'docomo', T0 + 250);
    l.settle(ref, 'DELIVRD');
    l.receipt(ref, T0 + 400);
    expect(l.probes('R001', -1, 10)).toEqual({
      probes: [{ seq: 7, category: 'otp', carrier: 'docomo', route: 'direct', to: '819012345678', sentAt: T0, arrivedAt: T0 + 50, handsetAt: T0 + 250, finalState: 'DELIVRD', receiptAt: T0 + 400, deliveries: 1, intact: true }],
      next: null,
    });
    const s = l.summary('R001');
    expect(s).toMatchObject({ runId: 'R001', messages: 1, deliveries: 1, duplicates: 0, corrupted: 0 });
    expect(s?.byCategory.otp.latencyMs.count).toBe(1);
    expect(s?.byCategory.otp.latencyMs.p50).toBeCloseTo(250, 0);
    expect(s?.byCarrier.docomo.messages).toBe(1);
    expect(s?.byCarrier.au.messages).toBe(0);
    const h = hdr.decodeFromCompressedBase64(s?.byCategory.otp.hdr as string);
    expect(h.totalCount).toBe(1);
    expect(Math.abs(h.getValueAtPercentile(50) - 250_000)).toBeLessThan(250);
  });

  it('records the route: a probe through the aggregator keeps its serving carrier, and a duplicate by the other route counts once', () => {
    const l = new TruthLedger();
    const a = l.arrive(probe(1), 'softbank', '818072345678', T0 + 10, 'aggregator');
    l.handset(a, 'softbank', T0 + 20);
    const b = l.arrive(probe(1), 'softbank', '818072345678', T0 + 30, 'direct');
    l.handset(b, 'softbank', T0 + 40);
    l.arrive(probe(2), 'au', '818042345678', T0 + 50);
    expect(l.probes('R001', -1, 10).probes.map((p) => [p.seq, p.carrier, p.route, p.deliveries])).toEqual([
      [1, 'softbank', 'aggregator', 2],
      [2, 'au', 'direct', 0],
    ]);
    const s = l.summary('R001');
    expect(s.byRoute.aggregator).toMatchObject({ messages: 1, duplicates: 1 });
    expect(s.byRoute.direct).toMatchObject({ messages: 1, duplicates: 0 });
    expect(s.byCarrier.softbank).toMatchObject({ messages: 1, duplicates: 1 });
  });

  it('counts a probe delivered twice as one duplicate, latency once', () => {
    const l = new TruthLedger();
    const a = l.arrive(probe(1), 'au', '818042345678', T0 + 10);
    l.handset(a, 'au', T0 + 20);
    const b = l.arrive(probe(1), 'au', '818042345678', T0 + 30);
    l.handset(b, 'au', T0 + 40);
    const s = l.summary('R001');
    expect(s).toMatchObject({ messages: 1, deliveries: 2, duplicates: 1 });
    expect(s?.byCategory.otp.latencyMs.count).toBe(1);
    expect(s?.byCarrier.au.duplicates).toBe(1);
    expect(l.probes('R001', -1, 10)?.probes[0]).toMatchObject({ deliveries: 2, handsetAt: T0 + 20 });
  });

  it('counts corrupted bodies and keeps them out of the latency histogram', () => {
    const l = new TruthLedger();
    const ref = l.arrive(probe(2).replace('123456', '123457'), 'softbank', '819092345678', T0);
    l.handset(ref, 'softbank', T0 + 5);
    const s = l.summary('R001');
    expect(s).toMatchObject({ messages: 1, corrupted: 1 });
    expect(s?.byCategory.otp.corrupted).toBe(1);
    expect(s?.byCategory.otp.latencyMs.count).toBe(0);
    expect(l.probes('R001', -1, 1)?.probes[0]?.intact).toBe(false);
  });

  it('only counts messages without a token', () => {
    const l = new TruthLedger();
    const ref = l.arrive('hello', 'docomo', '819012345678', T0);
    expect(ref).toBeUndefined();
    l.handset(ref, 'docomo', T0);
    expect(l.plainCounts('docomo')).toEqual({ messages: 1, handsetDeliveries: 1 });
    expect(l.runIds()).toEqual([]);
  });

  it('pages probes in seq order with a cursor', () => {
    const l = new TruthLedger();
    for (const seq of [5000, 3, 1, 2048, 2, 4]) l.arrive(probe(seq), 'docomo', '819012345678', T0);
    const first = l.probes('R001', -1, 3);
    expect(first?.probes.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(first?.next).toBe(3);
    const second = l.probes('R001', 3, 3);
    expect(second?.probes.map((p) => p.seq)).toEqual([4, 2048, 5000]);
    expect(l.probes('R001', 5000, 3)).toEqual({ probes: [], next: null });
  });

  it('keeps runs apart, splits by category, and clears', () => {
    const l = new TruthLedger();
    l.arrive(probe(1, 'otp'), 'docomo', '819012345678', T0);
    l.arrive(probe(2, 'notice'), 'docomo', '819012345678', T0);
    l.arrive(withProbe('x', { runId: 'R002', seq: 1, category: 'otp', sentAtMs: T0 }), 'au', '818042345678', T0);
    expect(l.summary('R001')?.byCategory.notice.messages).toBe(1);
    expect(l.summary('R002')?.messages).toBe(1);
    l.clear();
    expect(l.has('R001')).toBe(false);
    expect(l.summary('R001')).toMatchObject({ messages: 0, deliveries: 0 });
    expect(l.probes('R001', -1, 5)).toEqual({ probes: [], next: null });
  });

  it('holds 100,000 probes and grows past its initial capacity', () => {
    const l = new TruthLedger();
    for (let i = 0; i < 100_000; i++) {
      const ref = l.arrive(probe(i, 'otp', T0 + i), 'docomo', '819012345678', T0 + i);
      l.handset(ref, 'docomo', T0 + i + (i % 1000));
    }
    const s = l.summary('R001');
    expect(s?.messages).toBe(100_000);
    expect(s?.byCategory.otp.latencyMs.max).toBeCloseTo(999, 0);
    expect(l.probes('R001', 99_998, 10)?.probes.map((p) => p.seq)).toEqual([99_999]);
  });
});
