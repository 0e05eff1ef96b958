// The accept path's number lookup against the simulator's lookup API over
// loopback HTTP: the serving carrier of a ported number, one request per
// batch, the cache (hit, expiry on the ManualClock), and the prefix table
// when the lookup is refused, down or silent, each counted in a metric.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { HttpNumberLookup, routerFromConfig } from '../../../../src/core/routing/index.ts';
import type { ManualClock } from '../../../../src/runtime/index.ts';
import { startSimulator, type RunningSimulator } from '../../../../simulator/index.ts';
import { KEY, startTestCore, testConfig, type TestCore } from '../api/harness.ts';
import { numberFor } from '../delivery/fixture.ts';

let sim: RunningSimulator | undefined;
let core: TestCore | undefined;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  await core?.close();
  await sim?.close();
  for (const c of cleanups.splice(0)) await c();
  sim = core = undefined;
});

const LOOKUP = { timeoutMs: 200, downForMs: 5000, cacheTtlSeconds: 60, cacheMaxEntries: 1000, batchMax: 1000 };

async function coreWithLookup(url: string): Promise<TestCore> {
  const config = testConfig({ numberLookup: { kind: 'http', url, ...LOOKUP } });
  core = await startTestCore({ config, router: (clock: ManualClock, metrics: CoreMetrics) => routerFromConfig(config, clock, metrics) });
  return core;
}

async function send(c: TestCore, to: string): Promise<{ id: string; carrier: string; route_source: string }> {
  const res = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${KEY}` }, payload: { to: `+${to}`, text: 'hello', category: 'otp' } });
  expect(res.statusCode, res.body).toBe(202);
  const id = (res.json() as { id: string }).id;
  const view = await c.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: { authorization: `Bearer ${KEY}` } });
  return view.json() as { id: string; carrier: string; route_source: string };
}

/** A counter's value, or a histogram's count, for the labels given. */
async function metric(metrics: CoreMetrics, name: string, labels: Record<string, string>): Promise<number> {
  const m = metrics.registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const { values } = await m.get();
  const hit = values.find(
    (v) => ((v as { metricName?: string }).metricName ?? name) === (name.endsWith('_seconds') ? `${name}_count` : name) && Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x),
  );
  return hit?.value ?? 0;
}

/** A port on which nothing listens (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('number lookup at accept, against the simulator', () => {
  it('routes ported numbers to the carrier the lookup names, one lookup for a batch, then from the cache until the TTL ends', async () => {
    sim = await startSimulator({ seed: 11, portedShare: 1, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    const c = await coreWithLookup(sim.controlUrl);
    const numbers = Array.from({ length: 12 }, (_, i) => numberFor('docomo', i + 1));
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: { authorization: `Bearer ${KEY}` },
      payload: { messages: numbers.map((n) => ({ to: `+${n}`, text: 'batch', category: 'notice' })) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const ids = (res.json() as { messages: { id: string }[] }).messages.map((m) => m.id);
    const stored = await Promise.all(ids.map((id) => c.store.getMessage(id)));
    const serving = numbers.map((n) => sim!.simulator.lookup(n).carrier);
    expect(serving.every((s) => s !== 'docomo')).toBe(true); // every number has ported away from its prefix's carrier
    expect(stored.map((m) => m?.carrier)).toEqual(serving);
    expect(stored.map((m) => m?.routeSource)).toEqual(numbers.map(() => 'lookup'));
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'ok' })).toBe(1);

    // The same number again: from the cache, no request.
    const again = await send(c, numbers[0]!);
    expect(again).toMatchObject({ carrier: serving[0], route_source: 'cache' });
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'ok' })).toBe(1);
    expect(await metric(c.metrics, 'denpa_routes_total', { source: 'cache' })).toBe(1);

    // 1 ms before the TTL ends: still cached; at the end: asked again.
    c.clock.advance(LOOKUP.cacheTtlSeconds * 1000 - 1);
    expect((await send(c, numbers[1]!)).route_source).toBe('cache');
    c.clock.advance(1);
    expect(await send(c, numbers[1]!)).toMatchObject({ carrier: serving[1], route_source: 'lookup' });
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'ok' })).toBe(2);
    expect(await metric(c.metrics, 'denpa_route_fallbacks_total', {})).toBe(0);
  });

  it('keeps at most cacheMaxEntries numbers, dropping the least recently used', async () => {
    sim = await startSimulator({ seed: 11, portedShare: 0.5, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    const config = testConfig({ numberLookup: { kind: 'http', url: sim.controlUrl, ...LOOKUP, cacheMaxEntries: 3 } });
    core = await startTestCore({ config, router: (clock, metrics) => routerFromConfig(config, clock, metrics) });
    const n = (i: number): string => numberFor('au', i);
    for (const i of [1, 2, 3]) expect((await send(core, n(i))).route_source).toBe('lookup');
    expect((await send(core, n(1))).route_source).toBe('cache'); // 1 is now the most recent; 2 the least
    expect((await send(core, n(4))).route_source).toBe('lookup'); // pushes 2 out
    expect((await send(core, n(3))).route_source).toBe('cache');
    expect((await send(core, n(2))).route_source).toBe('lookup');
  });

  it('goes by the prefix table when the lookup cannot be reached, counts it, skips the lookup for downForMs, then asks again', async () => {
    const c = await coreWithLookup(`http://127.0.0.1:${await closedPort()}`);
    const first = await send(c, numberFor('softbank', 1));
    expect(first).toMatchObject({ carrier: 'softbank', route_source: 'prefix' });
    expect(await metric(c.metrics, 'denpa_route_fallbacks_total', { reason: 'error' })).toBe(1);
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'error' })).toBe(1);

    // Within downForMs: no request at all, still accepted by prefix.
    c.clock.advance(LOOKUP.downForMs - 1);
    expect(await send(c, numberFor('au', 2))).toMatchObject({ carrier: 'au', route_source: 'prefix' });
    expect(await metric(c.metrics, 'denpa_route_fallbacks_total', { reason: 'down' })).toBe(1);
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'error' })).toBe(1);

    c.clock.advance(1);
    expect((await send(c, numberFor('au', 3))).route_source).toBe('prefix');
    expect(await metric(c.metrics, 'denpa_number_lookup_duration_seconds', { result: 'error' })).toBe(2);
    expect(await metric(c.metrics, 'denpa_routes_total', { source: 'prefix' })).toBe(3);
  });

  it('answers within timeoutMs when the lookup accepts the connection and never answers: by prefix, counted as a timeout', async () => {
    const sockets = new Set<net.Socket>();
    let requested!: () => void;
    const gotRequest = new Promise<void>((r) => (requested = r));
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('data', () => requested());
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const c = await coreWithLookup(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`);
    const answer = c.app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${KEY}` }, payload: { to: `+${numberFor('docomo', 9)}`, text: 'hi', category: 'otp' } });
    await gotRequest;
    let answered = false;
    void answer.then(() => (answered = true));
    c.clock.advance(LOOKUP.timeoutMs - 1);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    c.clock.advance(1);
    const res = await answer;
    expect(res.statusCode, res.body).toBe(202);
    const stored = await c.store.getMessage((res.json() as { id: string }).id);
    expect(stored).toMatchObject({ carrier: 'docomo', routeSource: 'prefix' });
    expect(await metric(c.metrics, 'denpa_route_fallbacks_total', { reason: 'timeout' })).toBe(1);
  });

  it('a lookup that refuses the request (4xx) falls back for that request only, without taking the service for down', async () => {
    sim = await startSimulator({ seed: 11, portedShare: 1, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    const lookup = new HttpNumberLookup(sim.controlUrl);
    // The simulator refuses a batch holding a number outside the mobile plan (020 is M2M).
    await expect(lookup.lookup(['81201234567'], new AbortController().signal)).rejects.toMatchObject({ code: 'ROUTING_ERR_LOOKUP_REFUSED' });
    const config = testConfig({ numberLookup: { kind: 'http', url: sim.controlUrl, ...LOOKUP } });
    core = await startTestCore({ config });
    const router = routerFromConfig(config, core.clock, core.metrics);
    const refused = await router.routes(['81201234567']);
    expect(refused.size).toBe(0); // no answer, and no prefix covers 020
    expect(await metric(core.metrics, 'denpa_route_fallbacks_total', { reason: 'refused' })).toBe(1);
    const next = await router.routes([numberFor('au', 1)]);
    expect(next.get(numberFor('au', 1))).toEqual({ carrier: sim.simulator.lookup(numberFor('au', 1)).carrier, source: 'lookup' });
  });
});

describe('GET /v1/messages/:id after a reroute', () => {
  it('shows the carrier the message went to, where its route came from and every reroute; a reroute past the TTL ends expired instead', async () => {
    const c = await startTestCore();
    core = c;
    const first = await send(c, numberFor('docomo', 1));
    const late = await send(c, numberFor('docomo', 2));
    expect(first).toMatchObject({ carrier: 'docomo', route_source: 'prefix' });
    const now = c.clock.now();
    const claimed = await c.store.claimDue('docomo', now, 10);
    expect(claimed.map((m) => [m.id, m.reroutes])).toEqual([
      [first.id, 0],
      [late.id, 0],
    ]);
    const error = { code: 'ESME_RINVDSTADR', description: 'Invalid destination address' };
    const expiresAt = (await c.store.getMessage(late.id))!.expiresAt;
    await c.store.applyDispatch([
      { kind: 'reroute', messageId: first.id, from: 'docomo', to: 'au', at: now + 5, error },
      { kind: 'reroute', messageId: late.id, from: 'docomo', to: 'au', at: expiresAt, error },
    ]);
    const view = (await c.app.inject({ method: 'GET', url: `/v1/messages/${first.id}`, headers: { authorization: `Bearer ${KEY}` } })).json() as Record<string, unknown>;
    expect(view).toMatchObject({ status: 'accepted', carrier: 'au', route_source: 'lookup', reroutes: [{ at: now + 5, from: 'docomo', to: 'au', reason: 'ESME_RINVDSTADR' }] });
    expect((view.transitions as { detail: string | null }[]).map((t) => t.detail)).toContain('rerouted docomo -> au: docomo answered ESME_RINVDSTADR');
    // Claimed again from au's lane, now counted as re-routed once.
    expect((await c.store.claimDue('au', now + 5, 10)).map((m) => [m.id, m.reroutes])).toEqual([[first.id, 1]]);
    const lateView = (await c.app.inject({ method: 'GET', url: `/v1/messages/${late.id}`, headers: { authorization: `Bearer ${KEY}` } })).json() as Record<string, unknown>;
    expect(lateView).toMatchObject({ status: 'expired', carrier: 'docomo', reroutes: [] });
  });
});
