// Scheduled and immediate faults over real sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandStatus, SmppClient } from '../../../src/smpp/index.ts';
import { ManualClock } from '../../../src/runtime/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, NUMBERS, PASSWORDS, startFastSimulator, textSubmit, type TestClient } from './fixture.ts';

let sim: RunningSimulator;
const open: TestClient[] = [];
beforeAll(async () => {
  sim = await startFastSimulator();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.client.close()));
  await api(sim, 'POST', '/v1/reset');
});
afterAll(async () => {
  await sim?.close();
});
const bind = async (carrier: 'docomo' | 'au' | 'softbank', over = {}) => {
  const c = await bindClient(sim, carrier, over);
  open.push(c);
  return c;
};
const fault = (body: Record<string, unknown>) => api<{ id: string; startsAt: number; endsAt: number }>(sim, 'POST', '/v1/faults', body);
const connectAu = (to: RunningSimulator = sim) => SmppClient.connect({ host: '127.0.0.1', port: to.ports.au, systemId: 'denpa', password: PASSWORDS.au, bindMode: 'transceiver', enquireLinkMs: 0, closeTimeoutMs: 500 });

describe('faults', () => {
  it('refuse_binds: binds get ESME_RBINDFAIL while it lasts', async () => {
    const f = await fault({ carrier: 'au', kind: 'refuse_binds', durationMs: 60_000 });
    expect(f.status).toBe(201);
    await expect(connectAu()).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    expect((await api(sim, 'DELETE', `/v1/faults/${f.body.id}`)).status).toBe(204);
    const c = await connectAu();
    await c.close();
  });

  it('drop_sessions: every session is closed at the start', async () => {
    const a = await bind('docomo');
    const b = await bind('docomo', { bindMode: 'receiver' });
    const other = await bind('au');
    const closed = Promise.all([a.client.closed(), b.client.closed()]);
    await fault({ carrier: 'docomo', kind: 'drop_sessions', durationMs: 200 });
    await closed;
    expect(other.client.state.state).toBe('bound');
    open.splice(0, 2);
  });

  it('outage: sessions dropped and binds refused', async () => {
    const a = await bind('au');
    await fault({ carrier: 'au', kind: 'outage', durationMs: 60_000 });
    await a.client.closed();
    open.splice(0, 1);
    await expect(connectAu()).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
  });

  it('black_hole: submits are read and never answered', async () => {
    const c = await bind('softbank', { responseTimeoutMs: 300 });
    await fault({ carrier: 'softbank', kind: 'black_hole', durationMs: 60_000 });
    await expect(c.client.submit(textSubmit(NUMBERS.softbank, 'into the void'))).rejects.toMatchObject({ code: 'SMPP_ERR_TIMEOUT' });
    await expect(c.client.enquireLink()).resolves.toBeUndefined();
    const counters = (await api<{ carriers: { softbank: { submits: number; unanswered: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.softbank;
    expect(counters).toMatchObject({ submits: 1, unanswered: 1 });
  });

  it('slow_answers: every answer takes params.delayMs longer', async () => {
    const c = await bind('docomo');
    await fault({ carrier: 'docomo', kind: 'slow_answers', durationMs: 60_000, params: { delayMs: 250 } });
    const t0 = performance.now();
    expect((await c.client.submit(textSubmit(NUMBERS.docomo, 'x'))).ok).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('receipt_backlog: receipts are held, then released in a burst', async () => {
    const c = await bind('au');
    const f = await fault({ carrier: 'au', kind: 'receipt_backlog', durationMs: 60_000 });
    for (let i = 0; i < 20; i++) expect((await c.client.submit(textSubmit(NUMBERS.au, `held ${i}`))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // 300 ms in which nothing may arrive
    expect(c.receipts).toHaveLength(0);
    const queued = (await api<{ carriers: { au: { receiptsQueued: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.au.receiptsQueued;
    expect(queued).toBe(20);
    await api(sim, 'DELETE', `/v1/faults/${f.body.id}`);
    await c.waitReceipts(20, 5_000);
    expect(c.receipts).toHaveLength(20);
  });
});

// The fault schedule runs on the simulator's clock: on a ManualClock the test
// moves time past the start and the end instead of sleeping through them.
describe('a scheduled fault, on fake time', () => {
  const clock = new ManualClock();
  let timed: RunningSimulator;
  beforeAll(async () => {
    timed = await startFastSimulator({ clock });
  });
  afterAll(async () => {
    await timed?.close();
  });

  it('starts later and ends after its duration', async () => {
    const f = await api<{ id: string; startsAt: number; endsAt: number }>(timed, 'POST', '/v1/faults', { carrier: 'au', kind: 'refuse_binds', startInMs: 300, durationMs: 400 });
    expect(f.body.startsAt).toBe(clock.now() + 300);
    expect(f.body.endsAt - f.body.startsAt).toBe(400);
    const before = await connectAu(timed);
    await before.close();
    clock.advance(299);
    const stillBefore = await connectAu(timed);
    await stillBefore.close();
    clock.advance(1);
    await expect(connectAu(timed)).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    clock.advance(399);
    await expect(connectAu(timed)).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    clock.advance(1);
    const after = await connectAu(timed);
    await after.close();
    expect((await api<{ faults: unknown[] }>(timed, 'GET', '/v1/faults')).body.faults).toEqual([]);
  });
});
