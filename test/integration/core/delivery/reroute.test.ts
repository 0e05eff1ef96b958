// Rerouting against the simulator over loopback SMPP and HTTP: a message
// routed to the carrier its number left (by prefix, as when the lookup was
// down at accept) is refused with ESME_RINVDSTADR, looked up again and sent
// once to the carrier that serves the number; never twice to one carrier,
// never re-routed a second time.
import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, type CoreConfig } from '../../../../src/core/config/index.ts';
import { startDelivery, type Delivery } from '../../../../src/core/delivery/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { routerFromConfig, type NumberLookup } from '../../../../src/core/routing/index.ts';
import { isFinalState, openSqliteStore, type Carrier, type NewMessage, type SqliteStore } from '../../../../src/core/store/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, probeMessage, startFastSimulator, tempDir, waitUntil } from './fixture.ts';

// What each test started, stopped newest first (delivery, then its store, then the simulator).
const started: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of started.splice(0).reverse()) await stop();
});

const clock = new SystemClock();
const RINVDSTADR = '0x0000000b';

function withLookup(config: CoreConfig, url: string): CoreConfig {
  return resolveConfig({ ...config, numberLookup: { kind: 'http', url, timeoutMs: 2000 } }, 'test');
}

/** A lookup that always names the same carrier, right or wrong (a stale or broken lookup service). */
class FixedLookup implements NumberLookup {
  asked = 0;
  constructor(private readonly carrier: Carrier) {}
  async lookup(numbers: readonly string[]): Promise<ReadonlyMap<string, Carrier>> {
    this.asked++;
    return new Map(numbers.map((n) => [n, this.carrier]));
  }
}

async function setUp(lookup?: NumberLookup, url?: string): Promise<{ sim: RunningSimulator; store: SqliteStore; delivery: Delivery; metrics: CoreMetrics; learnt: Array<[string, Carrier]> }> {
  const sim = await startFastSimulator(7, {}, 1); // every number has left its prefix's carrier
  started.push(() => sim.close());
  const dir = tempDir();
  started.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = openSqliteStore({ dataDir: dir });
  started.push(() => store.close());
  const config = withLookup(coreConfigFor(sim), url ?? sim.controlUrl);
  const metrics = new CoreMetrics();
  const learnt: Array<[string, Carrier]> = [];
  const delivery = await startDelivery({
    store,
    config,
    clock,
    random: new SeededRandom(3),
    metrics,
    tuning: { claimIntervalMs: 5 },
    router: routerFromConfig(config, clock, metrics, lookup),
    onRouteLearned: (n, c) => learnt.push([n, c]),
  });
  started.push(() => delivery.close());
  await waitUntil(() => delivery.ready(), 5000);
  return { sim, store, delivery, metrics, learnt };
}

async function finals(s: SqliteStore, ms: readonly NewMessage[]) {
  await waitUntil(async () => (await Promise.all(ms.map((m) => s.getMessage(m.id)))).every((d) => d && isFinalState(d.state)), 20_000);
  return Promise.all(ms.map(async (m) => (await s.getMessage(m.id))!));
}

describe('reroute on ESME_RINVDSTADR', () => {
  it('sends a message refused by the carrier its number left to the carrier the lookup names, once, and shows the reroute', async () => {
    const { sim, store, metrics, learnt } = await setUp();
    const now = clock.now();
    const ms = [
      ...Array.from({ length: 10 }, (_, i) => probeMessage({ runId: 'RRT1', seq: i, carrier: 'docomo', category: 'otp', now })),
      probeMessage({ runId: 'RRT1', seq: 50, carrier: 'docomo', now, body: 'ご案内：'.padEnd(150, 'い') }), // three segments
    ];
    expect(ms[ms.length - 1]!.segments).toBe(3);
    await store.insertMessages(ms);
    const done = await finals(store, ms);
    const serving = ms.map((m) => sim.simulator.lookup(m.to).carrier);
    expect(serving.every((c) => c !== 'docomo')).toBe(true);
    expect(done.map((d) => d.state)).toEqual(ms.map(() => 'delivered'));
    expect(done.map((d) => d.carrier)).toEqual(serving);
    done.forEach((d, i) => {
      expect(d.reroutes).toEqual([{ at: expect.any(Number), from: 'docomo', to: serving[i], reason: 'ESME_RINVDSTADR' }]);
      expect(d.routeSource).toBe('lookup');
      expect(d.transitions.some((t) => t.state === 'accepted' && t.detail?.startsWith(`rerouted docomo -> ${serving[i]}`))).toBe(true);
    });
    // docomo refused each segment once; the handsets got each message once, intact.
    expect(sim.simulator.counters().docomo.responsesByStatus[RINVDSTADR]).toBe(10 + 3);
    expect(sim.simulator.run('RRT1')).toMatchObject({ messages: ms.length, duplicates: 0, corrupted: 0 });
    // The API thread is told each fresh answer (in the order the refusals came back).
    expect([...learnt].sort()).toEqual(ms.map((m, i) => [m.to, serving[i]]).sort());
    const reroutes = (await metrics.reroutes.get()).values.reduce((n, v) => n + v.value, 0);
    expect(reroutes).toBe(ms.length);
  });

  it('ends rejected, sent once, when the lookup names the refusing carrier again', async () => {
    const lookup = new FixedLookup('docomo');
    const { sim, store } = await setUp(lookup);
    const m = probeMessage({ runId: 'RRT2', seq: 1, carrier: 'docomo', category: 'otp', now: clock.now() });
    await store.insertMessages([m]);
    const [d] = await finals(store, [m]);
    expect(d).toMatchObject({ state: 'rejected', carrier: 'docomo', reroutes: [], error: { code: 'ESME_RINVDSTADR' } });
    expect(lookup.asked).toBe(1);
    expect(sim.simulator.counters().docomo.submits).toBe(1);
  });

  it('re-routes at most once: the second carrier refusing too ends it rejected, each carrier sent it once', async () => {
    const { sim: s0 } = { sim: await startFastSimulator(7, {}, 1) };
    // A number whose serving carrier is softbank, with docomo as its prefix's carrier; the lookup wrongly says au.
    let seq = 0;
    for (; seq < 1000 && s0.simulator.lookup(probeMessage({ runId: 'RRT3', seq, carrier: 'docomo', now: 0 }).to).carrier !== 'softbank'; seq++);
    await s0.close();
    const { sim, store } = await setUp(new FixedLookup('au'));
    const m = probeMessage({ runId: 'RRT3', seq, carrier: 'docomo', category: 'otp', now: clock.now() });
    expect(sim.simulator.lookup(m.to).carrier).toBe('softbank');
    await store.insertMessages([m]);
    const [d] = await finals(store, [m]);
    expect(d).toMatchObject({ state: 'rejected', carrier: 'au', error: { code: 'ESME_RINVDSTADR' } });
    expect(d!.reroutes).toEqual([{ at: expect.any(Number), from: 'docomo', to: 'au', reason: 'ESME_RINVDSTADR' }]);
    const c = sim.simulator.counters();
    expect([c.docomo.submits, c.au.submits, c.softbank.submits]).toEqual([1, 1, 0]);
  });

  it('ends rejected when the lookup cannot be reached at reroute time', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { sim, store } = await setUp(undefined, `http://127.0.0.1:${port}`);
    const m = probeMessage({ runId: 'RRT4', seq: 2, carrier: 'docomo', category: 'otp', now: clock.now() });
    await store.insertMessages([m]);
    const [d] = await finals(store, [m]);
    expect(d).toMatchObject({ state: 'rejected', carrier: 'docomo', reroutes: [], error: { code: 'ESME_RINVDSTADR' } });
    expect(sim.simulator.counters().docomo.submits).toBe(1);
  });
});
