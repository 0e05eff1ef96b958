// The delivery side on its own thread, as startCore runs it: against the
// real simulator over loopback SMPP, with the store on its thread and the
// delivery thread reaching it over a port of its own.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { DeliveryThread } from '../../../../src/core/delivery-thread/index.ts';
import { isFinalState, type Carrier } from '../../../../src/core/store/index.ts';
import { openWorkerStore, type WorkerStore } from '../../../../src/core/store-thread/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, probeMessage, startFastSimulator, tempDir, waitUntil } from './fixture.ts';

let sim: RunningSimulator | undefined;
let store: WorkerStore | undefined;
let thread: DeliveryThread | undefined;
let dir: string | undefined;

afterEach(async () => {
  await thread?.close().catch(() => undefined);
  await store?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  sim = store = thread = dir = undefined;
});

describe('DeliveryThread', () => {
  it('re-routes a refused ported number with its own lookup and tells the API thread what it learnt', async () => {
    sim = await startFastSimulator(5, {}, 1); // every number has left its prefix's carrier
    dir = tempDir();
    store = await openWorkerStore({ dataDir: dir });
    const config = resolveConfig({ ...coreConfigFor(sim), numberLookup: { kind: 'http', url: sim.controlUrl } }, 'test');
    const learnt: Array<[string, Carrier]> = [];
    thread = await DeliveryThread.start({ config, store, random: new SeededRandom(4), writeLog: () => {}, onRouteLearned: (n, c) => learnt.push([n, c]) });
    const running = thread;
    expect(await waitUntil(() => Object.values(running.linkStates()).every((states) => states.includes('bound')), 5000)).toBe(true);
    const m = probeMessage({ runId: 'DTH3', seq: 1, carrier: 'docomo', now: new SystemClock().now(), category: 'otp' });
    const serving = sim.simulator.lookup(m.to).carrier;
    await store.insertMessages([m]);
    running.wake(['docomo']);
    const owner = store;
    expect(await waitUntil(async () => (await owner.getMessage(m.id))?.state === 'delivered', 10_000)).toBe(true);
    expect(await owner.getMessage(m.id)).toMatchObject({ carrier: serving, reroutes: [{ from: 'docomo', to: serving, reason: 'ESME_RINVDSTADR' }] });
    expect(await waitUntil(() => learnt.length > 0, 2000)).toBe(true);
    expect(learnt).toEqual([[m.to, serving]]);
  });

  it('delivers what the API thread stored, reports link states, forwards its logs and serves its metrics', async () => {
    sim = await startFastSimulator(5);
    dir = tempDir();
    store = await openWorkerStore({ dataDir: dir });
    const lines: string[] = [];
    const base = coreConfigFor(sim);
    const config = { ...base, http: { ...base.http, logLevel: 'info' as const } };
    thread = await DeliveryThread.start({ config, store, random: new SeededRandom(4), writeLog: (l) => lines.push(l) });
    const running = thread;
    // Link states are pushed on every change: /readyz reads them without asking the thread.
    expect(await waitUntil(() => Object.values(running.linkStates()).every((states) => states.includes('bound')), 5000)).toBe(true);
    expect(Object.keys(running.linkStates()).sort()).toEqual(['au', 'docomo', 'softbank']);

    const now = new SystemClock().now();
    const ms = (['docomo', 'au', 'softbank'] as const).map((carrier, i) => probeMessage({ runId: 'DTH1', seq: i, carrier, now, category: 'otp' }));
    await store.insertMessages(ms);
    running.wake(ms.map((m) => m.carrier));
    const owner = store;
    expect(await waitUntil(async () => (await Promise.all(ms.map((m) => owner.getMessage(m.id)))).every((m) => m && isFinalState(m.state)), 10_000)).toBe(true);
    expect((await Promise.all(ms.map((m) => owner.getMessage(m.id)))).map((m) => m?.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(sim.simulator.run('DTH1')).toMatchObject({ messages: 3, duplicates: 0, corrupted: 0 });

    const json = await running.metrics();
    const messages = json.find((m) => m.name === 'denpa_messages_total');
    const delivered = messages?.values.filter((v) => v.labels.state === 'delivered').reduce((n, v) => n + v.value, 0);
    expect(delivered).toBe(3);
    expect(lines.some((l) => JSON.parse(l).msg === 'SMPP bind up')).toBe(true);

    await running.close();
    // After close the thread is gone; the store is still open for its owner.
    expect((await owner.getMessage(ms[0]!.id))?.state).toBe('delivered');
  });

  it('a delivery that cannot start rejects start() with its reason and leaves the store usable', async () => {
    sim = await startFastSimulator(6);
    dir = tempDir();
    store = await openWorkerStore({ dataDir: dir });
    const config = coreConfigFor(sim);
    await expect(
      DeliveryThread.start({ config, store, random: new SeededRandom(1), carriers: ['nowhere' as Carrier], writeLog: () => {} }),
    ).rejects.toThrow(/no carriers\.nowhere configured/);
    expect(await store.insertMessages([probeMessage({ runId: 'DTH2', seq: 1, carrier: 'docomo', now: Date.now() })])).toEqual({ kind: 'inserted' });
  });

  it('a thread that dies is reported once, its metrics calls fail, and close() still returns', async () => {
    dir = tempDir();
    store = await openWorkerStore({ dataDir: dir });
    const failures: Error[] = [];
    const config = resolveConfig({}, 'test');
    thread = await DeliveryThread.start({ config, store, random: new SeededRandom(2), carriers: [], writeLog: () => {}, onFailure: (e) => failures.push(e) });
    const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    expect(await waitUntil(() => failures.length === 1, 2000)).toBe(true);
    expect(failures[0]?.message).toMatch(/exited/);
    expect(thread.failed).toBe(failures[0]);
    await expect(thread.metrics()).rejects.toThrow(/exited/);
    await thread.close();
  });
});
