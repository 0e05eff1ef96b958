// Send windows end to end on a ManualClock: the HTTP API accepts at
// 07:59 JST, the delivery side talks SMPP to the simulator over loopback,
// and time moves only when the test moves it. Dunning waits for 08:00,
// one that cannot go out inside its TTL ends expired and never reaches a
// handset, OTP and promotions go at once, and a dunning message that came
// due outside its window (as after a back-off or a restart) is put back.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '../../../../src/runtime/index.ts';
import { buildApp } from '../../../../src/core/app.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { startDelivery, type Delivery } from '../../../../src/core/delivery/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { openSqliteStore, type MessageState, type SqliteStore } from '../../../../src/core/store/index.ts';
import { withProbe } from '../../../../src/probe/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, probeMessage, startFastSimulator, tempDir, waitUntil } from './fixture.ts';

/** 2026-06-02 at h:m JST (23:00 UTC the day before is 08:00 JST). */
const jst = (h: number, m = 0, s = 0): number => Date.UTC(2026, 5, 2, h - 9, m, s);

let sim: RunningSimulator | undefined;
let store: SqliteStore | undefined;
let delivery: Delivery | undefined;
let app: FastifyInstance | undefined;
let dir: string | undefined;

afterEach(async () => {
  await app?.close();
  await delivery?.close();
  await store?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  sim = store = delivery = app = dir = undefined;
});

describe('send windows (ManualClock, real SMPP)', () => {
  it('holds dunning to 08:00 JST, expires what cannot go out inside its TTL, lets OTP and promotions through', async () => {
    sim = await startFastSimulator(11);
    dir = tempDir();
    store = openSqliteStore({ dataDir: dir });
    const clock = new ManualClock(jst(7, 59));
    const metrics = new CoreMetrics();
    const base = coreConfigFor(sim);
    // 'night' sends dunning at any hour, so the dunning lane is open and a default-tenant message claimed in it must be put back.
    const config = resolveConfig({
      ...base,
      http: { logLevel: 'silent' },
      tenants: [
        { name: 'default', keys: ['default-key-1'], callbackSecret: 'default-secret' },
        { name: 'night', keys: ['night-key-1'], callbackSecret: 'night-secret', sendWindows: { dunning: 'always' } },
      ],
    });
    delivery = await startDelivery({ store, config, clock, random: new SeededRandom(5), metrics, tuning: { claimIntervalMs: 10, sweepIntervalMs: 1000 } });
    const d = delivery;
    app = await buildApp({ config, store, clock, metrics, logger: false, onAccepted: () => d.wake() });
    expect(await waitUntil(() => d.ready(), 5000)).toBe(true);

    const text = (seq: number, category: string) => withProbe(`お知らせ ${seq}`, { runId: 'WIN1', seq, category: category as 'otp', sentAtMs: clock.now() });
    const post = async (seq: number, category: string, extra: object = {}, key = 'default-key-1'): Promise<string> => {
      const res = await app!.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}` }, payload: { to: `0901000000${seq}`, text: text(seq, category), category, ...extra } });
      expect(res.statusCode, res.body).toBe(202);
      return (res.json() as { id: string }).id;
    };
    const dunning = await post(1, 'dunning', { ttl_seconds: 3600 });
    const tooShort = await post(2, 'dunning', { ttl_seconds: 30 });
    const otp = await post(3, 'otp');
    const promotion = await post(4, 'promotion');
    const nightDunning = await post(5, 'dunning', {}, 'night-key-1');
    // As if it came due after a back-off: a default-tenant dunning message without the accept-time hold.
    const cameDue = probeMessage({ runId: 'WIN1', seq: 6, carrier: 'docomo', category: 'dunning', now: clock.now(), ttlMs: 3_600_000 });
    await store.insertMessages([cameDue]);

    const stateOf = async (id: string): Promise<MessageState | undefined> => (await store!.getMessage(id))?.state;
    /** Move the clock in 10 ms steps (the claim interval) until `check` holds, giving the sockets real turns; bounded by `maxMs` of fake time. */
    const runUntil = async (check: () => Promise<boolean>, maxMs: number): Promise<boolean> => {
      for (let t = 0; t <= maxMs; t += 10) {
        if (await check()) return true;
        clock.advance(10);
        d.wake();
        await new Promise((r) => setImmediate(r));
      }
      return check();
    };
    const delivered = (ids: string[]) => async () => (await Promise.all(ids.map(stateOf))).every((s) => s === 'delivered');
    expect(await runUntil(delivered([otp, promotion, nightDunning]), 5_000)).toBe(true);
    expect(await waitUntil(async () => (await store!.getMessage(cameDue.id))?.transitions.some((t) => t.detail?.includes('SEND_WINDOW')) ?? false, 5000)).toBe(true);
    expect(await stateOf(dunning)).toBe('accepted');
    expect(await stateOf(cameDue.id)).toBe('accepted');
    const held = await store.getMessage(cameDue.id);
    expect(held?.transitions.find((t) => t.detail?.includes('SEND_WINDOW'))?.detail).toContain(new Date(jst(8)).toISOString());
    expect((await metrics.registry.getSingleMetric('denpa_send_window_held_total')?.get())?.values).toEqual([
      expect.objectContaining({ labels: { carrier: 'docomo', category: 'dunning' }, value: 1 }),
    ]);

    // 07:59:31: the 30 s dunning message expired in its lane, unsent.
    clock.advance(jst(7, 59, 31) - clock.now());
    expect(await runUntil(async () => (await stateOf(tooShort)) === 'expired', 2_000)).toBe(true);
    expect((await store.getMessage(tooShort))?.error?.code).toBe('TTL_EXPIRED');

    // Up to 07:59:59.990 nothing else goes out; at 08:00 both held dunning messages do.
    clock.advance(jst(8) - 10 - clock.now());
    await new Promise((r) => setImmediate(r));
    expect(await stateOf(dunning)).toBe('accepted');
    expect(await runUntil(delivered([dunning, cameDue.id]), 5_000)).toBe(true);
    for (const id of [dunning, cameDue.id]) expect((await store.getMessage(id))?.submittedAt).toBeGreaterThanOrEqual(jst(8));
    const run = sim.simulator.run('WIN1');
    expect(run).toMatchObject({ messages: 5, duplicates: 0 });
  }, 30_000);
});
