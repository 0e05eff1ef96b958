// The delivery side against the real simulator over loopback SMPP.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import { startDelivery, type Delivery } from '../../../../src/core/delivery/index.ts';
import { isFinalState, openSqliteStore, type MessageState, type NewMessage, type SqliteStore } from '../../../../src/core/store/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, probeMessage, startFastSimulator, tempDir, waitUntil } from './fixture.ts';

let sim: RunningSimulator | undefined;
let store: SqliteStore | undefined;
let delivery: Delivery | undefined;
let dir: string | undefined;

afterEach(async () => {
  await delivery?.close();
  await store?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  sim = store = delivery = dir = undefined;
});

const clock = new SystemClock();

async function setUp(profile?: object, carriers: Record<string, object> = {}, tuning = {}): Promise<{ sim: RunningSimulator; store: SqliteStore; delivery: Delivery }> {
  sim = await startFastSimulator(7, profile);
  dir = tempDir();
  store = openSqliteStore({ dataDir: dir });
  delivery = await startDelivery({ store, config: coreConfigFor(sim, carriers), clock, random: new SeededRandom(3), tuning: { claimIntervalMs: 5, ...tuning } });
  return { sim, store, delivery };
}

async function statesOf(s: SqliteStore, ms: readonly NewMessage[]): Promise<MessageState[]> {
  return Promise.all(ms.map(async (m) => (await s.getMessage(m.id))?.state ?? 'accepted'));
}

async function allFinal(s: SqliteStore, ms: readonly NewMessage[], timeoutMs = 20_000): Promise<MessageState[]> {
  await waitUntil(async () => (await statesOf(s, ms)).every(isFinalState), timeoutMs);
  return statesOf(s, ms);
}

describe('delivery against the simulator', () => {
  it('delivers single and concatenated messages on all three carriers, each exactly once and intact', async () => {
    const { sim, store, delivery } = await setUp();
    await waitUntil(() => delivery.ready(), 5000);
    const now = clock.now();
    const long = 'お知らせ：'.padEnd(150, 'あ');
    const ms = [
      ...['docomo', 'au', 'softbank'].flatMap((carrier, c) =>
        Array.from({ length: 20 }, (_, i) => probeMessage({ runId: 'DLV1', seq: c * 100 + i, carrier: carrier as 'docomo', now, category: i % 4 === 0 ? 'otp' : 'notice' })),
      ),
      probeMessage({ runId: 'DLV1', seq: 900, carrier: 'au', now, body: long, callbackUrl: 'http://127.0.0.1:9/cb' }),
    ];
    expect(ms[ms.length - 1]?.segments).toBe(3);
    await store.insertMessages(ms);
    delivery.wake();
    const states = await allFinal(store, ms);
    expect(states.filter((s) => s !== 'delivered')).toEqual([]);
    const run = sim.simulator.run('DLV1');
    expect(run).toMatchObject({ messages: ms.length, duplicates: 0, corrupted: 0 });
    const longMsg = await store.getMessage(ms[ms.length - 1]!.id);
    expect(longMsg?.transitions.map((t) => t.state)).toEqual(['accepted', 'queued', 'submitted', 'delivered']);
    expect(longMsg?.segmentStates.every((s) => s.state === 'delivered' && s.smscId !== undefined)).toBe(true);
    const jobs = await store.claimDueCallbacks(clock.now() + 1, 10);
    expect(jobs.map((j) => j.status)).toEqual(['delivered']);
  });

  it('a paused carrier claims nothing while the others deliver; resumed, it delivers what waited', async () => {
    const { store, delivery } = await setUp();
    await waitUntil(() => delivery.ready(), 5000);
    delivery.setPaused('au', true);
    const now = clock.now();
    const onAu = Array.from({ length: 5 }, (_, i) => probeMessage({ runId: 'PAU1', seq: i, carrier: 'au', now }));
    const onDocomo = Array.from({ length: 5 }, (_, i) => probeMessage({ runId: 'PAU1', seq: 100 + i, carrier: 'docomo', now }));
    await store.insertMessages([...onAu, ...onDocomo]);
    delivery.wake();
    // docomo's messages being final proves claims ran meanwhile; au's are still waiting, unclaimed.
    expect(await allFinal(store, onDocomo)).toEqual(Array(5).fill('delivered'));
    expect(await statesOf(store, onAu)).toEqual(Array(5).fill('accepted'));
    delivery.setPaused('au', false);
    expect(await allFinal(store, onAu)).toEqual(Array(5).fill('delivered'));
  });

  it('backs off on ESME_RTHROTTLED / ESME_RMSGQFUL and still delivers everything', async () => {
    const profile = { errors: [{ status: 'ESME_RTHROTTLED', rate: 0.2 }, { status: 'ESME_RMSGQFUL', rate: 0.1 }] };
    const { sim, store } = await setUp(profile, {}, { throttleBackoff: { baseMs: 10, maxMs: 100, jitter: 0.5 } });
    const now = clock.now();
    const ms = Array.from({ length: 100 }, (_, i) => probeMessage({ runId: 'THR1', seq: i, carrier: 'docomo', now }));
    await store.insertMessages(ms);
    const states = await allFinal(store, ms);
    expect(states.filter((s) => s !== 'delivered')).toEqual([]);
    const counters = sim.simulator.counters().docomo;
    expect(counters.responsesByStatus['0x00000058'] ?? 0).toBeGreaterThan(0);
    expect(counters.responsesByStatus['0x00000014'] ?? 0).toBeGreaterThan(0);
    expect(sim.simulator.run('THR1')).toMatchObject({ messages: 100, duplicates: 0 });
    const details = await Promise.all(ms.map((m) => store.getMessage(m.id)));
    const retried = details.filter((d) => d?.transitions.some((t) => t.detail?.includes('ESME_RTHROTTLED') || t.detail?.includes('ESME_RMSGQFUL')));
    expect(retried.length).toBeGreaterThan(0);
  });

  it('learns a carrier cap below its configured rate instead of collapsing under ESME_RTHROTTLED', async () => {
    // The core may send 2,000/s to docomo; the carrier takes 100/s and throttles the rest.
    const { sim, store, delivery } = await setUp({ throttle: { perBindTps: 0, perCarrierTps: 100 } }, { docomo: { tps: 1000, window: 50 } });
    await waitUntil(() => delivery.ready(), 5000);
    const now = clock.now();
    const ms = Array.from({ length: 600 }, (_, i) => probeMessage({ runId: 'CAP1', seq: i, carrier: 'docomo', now }));
    const t0 = Date.now();
    await store.insertMessages(ms);
    delivery.wake();
    const states = await allFinal(store, ms, 40_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(states.filter((s) => s !== 'delivered')).toEqual([]);
    expect(sim.simulator.counters().docomo.responsesByStatus['0x00000058'] ?? 0).toBeGreaterThan(0);
    expect(sim.simulator.run('CAP1')).toMatchObject({ messages: 600, duplicates: 0 });
    // The cap allows 6 s. Escalating the pause once per throttled answer took 25.6 s here;
    // the link now cuts its rate once per episode and took 6.0 s.
    expect(seconds).toBeLessThan(20);
  });

  it('ends ESME_RINVDSTADR rejected at once and ESME_RSYSERR failed after bounded retries', async () => {
    const { sim, store } = await setUp(undefined, {}, { transientBackoff: { baseMs: 10, maxMs: 20, jitter: 0 }, maxTransientAttempts: 3 });
    sim.simulator.patchProfile('au', { errors: [{ status: 'ESME_RINVDSTADR', rate: 1 }] });
    sim.simulator.patchProfile('softbank', { errors: [{ status: 'ESME_RSYSERR', rate: 1 }] });
    const now = clock.now();
    const bad = probeMessage({ runId: 'ERR1', seq: 1, carrier: 'au', now });
    const sys = probeMessage({ runId: 'ERR1', seq: 2, carrier: 'softbank', now });
    await store.insertMessages([bad, sys]);
    expect(await allFinal(store, [bad, sys])).toEqual(['rejected', 'failed']);
    const b = await store.getMessage(bad.id);
    expect(b?.error?.code).toBe('ESME_RINVDSTADR');
    expect(b?.attempts).toBe(0);
    const s = await store.getMessage(sys.id);
    expect(s?.error?.code).toBe('ESME_RSYSERR');
    expect(sim.simulator.counters().softbank.submits).toBe(3);
  });

  it('never sends late: a message whose TTL ends before its schedule ends expired, unsent', async () => {
    const { sim, store } = await setUp(undefined, {}, { });
    const now = clock.now();
    const late = probeMessage({ runId: 'TTL1', seq: 1, carrier: 'docomo', now, ttlMs: 300, scheduledAt: now + 600 });
    const fine = probeMessage({ runId: 'TTL1', seq: 2, carrier: 'docomo', now, scheduledAt: now + 300 });
    await store.insertMessages([late, fine]);
    expect(await allFinal(store, [late, fine])).toEqual(['expired', 'delivered']);
    expect(sim.simulator.run('TTL1').messages).toBe(1);
    const f = await store.getMessage(fine.id);
    expect(f?.submittedAt).toBeGreaterThanOrEqual(now + 300);
  });

  it('survives sessions dropped in the middle of a run: everything delivered, duplicates bounded by the windows', async () => {
    const { sim, store } = await setUp({ latency: { kind: 'constant', ms: 20 } }, {}, {});
    const now = clock.now();
    const ms = Array.from({ length: 600 }, (_, i) => probeMessage({ runId: 'DRP1', seq: i, carrier: 'docomo', now }));
    await store.insertMessages(ms);
    await waitUntil(async () => (await store.listMessages('default', { state: 'delivered' }, undefined, 100)).messages.length >= 50, 10_000);
    sim.simulator.addFault({ carrier: 'docomo', kind: 'drop_sessions', startInMs: 0, durationMs: 200, params: {} });
    const states = await allFinal(store, ms, 30_000);
    expect(states.filter((s) => s !== 'delivered')).toEqual([]);
    const run = sim.simulator.run('DRP1');
    expect(run.messages).toBe(600);
    // 2 binds x window 20: at most 40 submits can be unanswered when a session drops.
    expect(run.duplicates).toBeLessThanOrEqual(40);
    expect(sim.simulator.counters().docomo.binds).toBeGreaterThan(2);
  });
});
