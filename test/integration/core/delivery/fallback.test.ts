// The fallback route against the simulator over loopback SMPP: docomo's
// links go down, OTPs and notices go out through the aggregator, promotions
// wait in their lane and go out direct when docomo's links return; the
// aggregator's receipts (uuid ids, text only) are matched; an operator's
// override outranks the switch; and a link that dies mid-flight duplicates
// at most the submits that were on the wire (binds x window).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { startDelivery, type Delivery } from '../../../../src/core/delivery/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { isFinalState, openSqliteStore, type MessageDetail, type NewMessage, type SqliteStore } from '../../../../src/core/store/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, FAST_PROFILE, probeMessage, startFastSimulator, tempDir, waitUntil } from './fixture.ts';

const started: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of started.splice(0).reverse()) await stop();
});

const clock = new SystemClock();
const BINDS = 2;
const WINDOW = 20;

async function setUp(profile: object = {}): Promise<{ sim: RunningSimulator; store: SqliteStore; delivery: Delivery; metrics: CoreMetrics }> {
  const sim = await startFastSimulator(9, profile);
  sim.simulator.patchProfile('aggregator', FAST_PROFILE);
  started.push(() => sim.close());
  const dir = tempDir();
  started.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = openSqliteStore({ dataDir: dir });
  started.push(() => store.close());
  const base = coreConfigFor(sim, Object.fromEntries(['docomo', 'au', 'softbank'].map((c) => [c, { binds: BINDS, window: WINDOW }])));
  const config = resolveConfig(
    {
      ...base,
      numberLookup: { kind: 'none' },
      fallback: {
        aggregator: { host: '127.0.0.1', port: sim.ports.aggregator, binds: 1, window: 50, tps: 2000, reconnectMinMs: 50, reconnectMaxMs: 500 },
        failAfterMs: 300,
        returnAfterMs: 300,
      },
    },
    'test',
  );
  const metrics = new CoreMetrics();
  const delivery = await startDelivery({ store, config, clock, random: new SeededRandom(5), metrics, tuning: { claimIntervalMs: 5 } });
  started.push(() => delivery.close());
  expect(await waitUntil(() => delivery.ready() && Object.values(delivery.linkStates()).every((s) => s.every((b) => b === 'bound')), 5000)).toBe(true);
  return { sim, store, delivery, metrics };
}

async function details(s: SqliteStore, ms: readonly NewMessage[]): Promise<MessageDetail[]> {
  return Promise.all(ms.map(async (m) => (await s.getMessage(m.id))!));
}

async function allFinal(s: SqliteStore, ms: readonly NewMessage[], timeoutMs = 15_000): Promise<MessageDetail[]> {
  await waitUntil(async () => (await details(s, ms)).every((d) => isFinalState(d.state)), timeoutMs);
  return details(s, ms);
}

type Probe = { seq: number; carrier: string; route: string; deliveries: number };
const probes = (sim: RunningSimulator, runId: string): Probe[] => sim.simulator.probes(runId, -1, 10_000).probes;

describe('fallback route', () => {
  it('falls back for OTPs and notices while docomo is down, holds promotions, and returns when docomo is back', async () => {
    const { sim, store, delivery, metrics } = await setUp();
    sim.simulator.addFault({ carrier: 'docomo', kind: 'outage', startInMs: 0, durationMs: 2500, params: {} });
    expect(await waitUntil(() => delivery.routeModes().docomo === 'fallback', 3000)).toBe(true);
    expect(delivery.routeModes()).toMatchObject({ au: 'direct', softbank: 'direct' });
    // While fallen back, docomo counts as reachable through the aggregator.
    expect(delivery.ready()).toBe(true);
    const now = clock.now();
    const urgent = [
      ...Array.from({ length: 6 }, (_, i) => probeMessage({ runId: 'FBK1', seq: i, carrier: 'docomo', category: 'otp', now })),
      ...Array.from({ length: 3 }, (_, i) => probeMessage({ runId: 'FBK1', seq: 10 + i, carrier: 'docomo', category: 'notice', now })),
      probeMessage({ runId: 'FBK1', seq: 20, carrier: 'docomo', category: 'otp', now, body: '認証コードのご案内：'.padEnd(150, 'い') }), // three segments
    ];
    const waiting = Array.from({ length: 4 }, (_, i) => probeMessage({ runId: 'FBK1', seq: 30 + i, carrier: 'docomo', category: 'promotion', now }));
    const elsewhere = [probeMessage({ runId: 'FBK1', seq: 40, carrier: 'au', category: 'otp', now })];
    expect(urgent[urgent.length - 1]!.segments).toBe(3);
    await store.insertMessages([...urgent, ...waiting, ...elsewhere]);
    const done = await allFinal(store, [...urgent, ...elsewhere]);
    expect(done.map((d) => [d.state, d.route])).toEqual([...urgent.map(() => ['delivered', 'aggregator']), ['delivered', 'direct']]);
    // Matched by the aggregator's own ids (uuid-shaped, read as written), on the aggregator.
    expect(done[0]!.segmentStates[0]!.smscId).toMatch(/^~[0-9a-f]{8}-0000-4000-8000-[0-9a-f]{12}$/);
    // Promotions wait in their lane while docomo is down.
    expect((await details(store, waiting)).map((d) => d.state)).toEqual(waiting.map(() => 'accepted'));
    expect(delivery.routeModes().docomo).toBe('fallback');
    // docomo comes back: after returnAfterMs bound, traffic returns to it.
    expect(await waitUntil(() => delivery.routeModes().docomo === 'direct', 6000)).toBe(true);
    const later = await allFinal(store, waiting);
    expect(later.map((d) => [d.state, d.route])).toEqual(waiting.map(() => ['delivered', 'direct']));
    const ledger = new Map(probes(sim, 'FBK1').map((p) => [p.seq, p]));
    for (const m of urgent) expect(ledger.get(Number(m.clientRef!.split('-')[1]))).toMatchObject({ carrier: 'docomo', route: 'aggregator', deliveries: 1 });
    for (const m of waiting) expect(ledger.get(Number(m.clientRef!.split('-')[1]))).toMatchObject({ carrier: 'docomo', route: 'direct', deliveries: 1 });
    expect(sim.simulator.run('FBK1')).toMatchObject({ messages: 15, duplicates: 0 });
    expect((await metrics.registry.getSingleMetric('denpa_route_switches_total')?.get())?.values).toEqual(
      expect.arrayContaining([
        { labels: { carrier: 'docomo', to: 'fallback' }, value: 1 },
        { labels: { carrier: 'docomo', to: 'direct' }, value: 1 },
      ]),
    );
    const modes = (await metrics.registry.getSingleMetric('denpa_route_mode')?.get())?.values ?? [];
    expect(modes.find((v) => v.labels.carrier === 'docomo')?.value).toBe(0);
    const submits = (await metrics.registry.getSingleMetric('denpa_route_submits_total')?.get())?.values ?? [];
    // 6 + 3 single-segment messages and one of three segments through the aggregator.
    expect(submits.find((v) => v.labels.carrier === 'docomo' && v.labels.route === 'aggregator')?.value).toBe(12);
  });

  it("an operator's override outranks the switch until a later list clears it", async () => {
    const { sim, store, delivery } = await setUp();
    const now = clock.now();
    // au's links are healthy; the override sends its traffic through the aggregator anyway.
    delivery.setRouteOverrides([{ carrier: 'au', mode: 'fallback' }]);
    const viaAggregator = [probeMessage({ runId: 'OVR1', seq: 1, carrier: 'au', category: 'promotion', now })];
    await store.insertMessages(viaAggregator);
    expect((await allFinal(store, viaAggregator)).map((d) => d.route)).toEqual(['aggregator']);
    // A category's override outranks the carrier-wide one: au's OTPs held, its notices still through the aggregator.
    delivery.setRouteOverrides([
      { carrier: 'au', mode: 'fallback' },
      { carrier: 'au', category: 'otp', mode: 'hold' },
    ]);
    const held = probeMessage({ runId: 'OVR1', seq: 2, carrier: 'au', category: 'otp', now });
    const notice = probeMessage({ runId: 'OVR1', seq: 3, carrier: 'au', category: 'notice', now });
    await store.insertMessages([held, notice]);
    expect((await allFinal(store, [notice])).map((d) => d.route)).toEqual(['aggregator']);
    expect((await store.getMessage(held.id))?.state).toBe('accepted');
    // docomo down and fallen back, but an override says direct: nothing goes through the aggregator, it waits for docomo.
    delivery.setRouteOverrides([{ carrier: 'docomo', mode: 'direct' }]);
    sim.simulator.addFault({ carrier: 'docomo', kind: 'outage', startInMs: 0, durationMs: 1500, params: {} });
    expect(await waitUntil(() => delivery.routeModes().docomo === 'fallback', 3000)).toBe(true);
    const pinned = probeMessage({ runId: 'OVR1', seq: 4, carrier: 'docomo', category: 'otp', now: clock.now() });
    await store.insertMessages([pinned]);
    // The list replaces the last one whole: au's hold is gone, so its OTP goes now (direct).
    expect((await allFinal(store, [held])).map((d) => d.route)).toEqual(['direct']);
    expect((await store.getMessage(pinned.id))?.state).toBe('accepted');
    const [p] = await allFinal(store, [pinned], 10_000);
    expect([p?.state, p?.route]).toEqual(['delivered', 'direct']);
    expect(sim.simulator.run('OVR1')).toMatchObject({ messages: 4, duplicates: 0 });
  });

  it('a direct link that dies with submits on the wire duplicates at most those submits (binds x window), through the aggregator', async () => {
    // Answers take 400 ms: the submits are in the simulator (and on their way to the handsets) before any answer.
    const { sim, store, delivery } = await setUp({ latency: { kind: 'constant', ms: 400 } });
    const now = clock.now();
    const ms = Array.from({ length: 30 }, (_, i) => probeMessage({ runId: 'DUP1', seq: i, carrier: 'softbank', category: 'otp', now }));
    await store.insertMessages(ms);
    const arrived = () => sim.simulator.counters().softbank.submits;
    expect(await waitUntil(() => arrived() >= ms.length, 3000)).toBe(true);
    const answered = Object.values(sim.simulator.counters().softbank.responsesByStatus).reduce((a, b) => a + b, 0);
    const onTheWire = arrived() - answered;
    sim.simulator.addFault({ carrier: 'softbank', kind: 'outage', startInMs: 0, durationMs: 3000, params: {} });
    const done = await allFinal(store, ms);
    expect(done.every((d) => d.state === 'delivered' && d.route === 'aggregator')).toBe(true);
    expect(delivery.routeModes().softbank).toBe('fallback');
    const run = sim.simulator.run('DUP1');
    // Each submit that was on the wire when the session died was taken by the carrier and sent again once: at-least-once.
    expect(onTheWire).toBe(30);
    expect(run.messages).toBe(30);
    expect(run.duplicates).toBe(onTheWire);
    expect(run.duplicates).toBeLessThanOrEqual(BINDS * WINDOW);
    expect(probes(sim, 'DUP1').every((p) => p.deliveries <= 2)).toBe(true);
  });
});
