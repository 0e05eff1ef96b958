// Off-hours alerts on fake time: a login or a change outside working hours
// (JST office hours by default, or the operator's own) is counted in
// denpa_ops_off_hours_total, logged at warn and handed to the alert outbox;
// reads are not alerted. The outbox is the callbacks table: the existing
// callback sender POSTs the alert signed with the alert secret and retries
// it until it is answered.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackSender, verifySignature } from '../../../../src/core/callback/index.ts';
import { OPS_ALERT_TENANT } from '../../../../src/core/store/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { PASSWORD, startOpsCore, type OpsTestCore } from './ops-harness.ts';

/** Monday 2026-06-01 23:30 JST. */
const LATE = Date.UTC(2026, 5, 1, 14, 30);

let core: OpsTestCore | undefined;
let server: Server | undefined;
afterEach(async () => {
  await core?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  core = undefined;
  server = undefined;
});

async function offHoursCount(c: OpsTestCore, kind: string): Promise<number> {
  const text = await c.metrics.registry.getSingleMetricAsString('denpa_ops_off_hours_total');
  const m = new RegExp(`denpa_ops_off_hours_total\\{kind="${kind}"\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}

describe('off-hours alerts', () => {
  it('in office hours nothing is raised; at 23:30 JST a login and a change are, a read is not', async () => {
    core = await startOpsCore();
    await core.addOperator('alice', 'operator');
    const day = await core.login('alice');
    await core.app.inject({ method: 'POST', url: '/v1/ops/carriers/au/pause', headers: day, payload: { reason: 'x' } });
    expect(core.alerts).toEqual([]);
    expect(await offHoursCount(core, 'login')).toBe(0);

    core.clock.advance(LATE - core.clock.now());
    const night = await core.login('alice');
    await core.app.inject({ url: '/v1/ops/status', headers: night });
    await core.app.inject({ method: 'POST', url: '/v1/ops/carriers/docomo/pause', headers: night, payload: { reason: 'y' } });
    expect(core.alerts.map((a) => `${a.operator} ${a.action} ${a.at}`)).toEqual([
      'alice login 2026-06-01T14:30:00.000Z',
      'alice request.file:carrier.pause 2026-06-01T14:30:00.000Z',
    ]);
    expect(core.alerts[0]).toMatchObject({ kind: 'off-hours', role: 'operator', from: '127.0.0.1', system: 'denpa-core@test', working_hours: { timeZone: 'Asia/Tokyo', start: '09:00', end: '18:00' } });
    expect(core.warnings).toEqual(['off-hours login by alice from 127.0.0.1', 'off-hours request.file:carrier.pause by alice from 127.0.0.1']);
    expect(await offHoursCount(core, 'login')).toBe(1);
    expect(await offHoursCount(core, 'action')).toBe(1);
    // A failed login raises nothing (no account is proven); it is in the audit trail as denied.
    await core.app.inject({ method: 'POST', url: '/v1/ops/login', payload: { name: 'alice', password: 'wrong password' } });
    expect(core.alerts).toHaveLength(2);
  });

  it("an operator's own hours override the default: the night shift logs in at 23:30 without an alert, a day person with one", async () => {
    core = await startOpsCore();
    await core.ops.desk.accounts.add({ name: 'night', role: 'operator', password: PASSWORD, workingHours: { timeZone: 'Asia/Tokyo', days: [0, 1, 2, 3, 4, 5, 6], start: '22:00', end: '07:00' } }, 'test');
    await core.addOperator('day', 'operator');
    core.clock.advance(LATE - core.clock.now());
    await core.login('night');
    await core.login('day');
    expect(core.alerts.map((a) => a.operator)).toEqual(['day']);
    const me = (await core.app.inject({ url: '/v1/ops/me', headers: await core.login('night') })).json<{ within_working_hours: boolean }>();
    expect(me.within_working_hours).toBe(true);
  });

  it('an alert in the outbox is POSTed signed with the alert secret, retried after a failure, delivered once', async () => {
    core = await startOpsCore();
    const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
    const answers = [503];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.statusCode = answers.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    const secret = 'alert-secret-0123456789';
    await core.store.queueOperatorAlert({ id: 'alert_0123456789abcdef', url, body: JSON.stringify({ kind: 'off-hours', operator: 'alice' }), at: core.clock.now() });
    const sender = new CallbackSender({
      store: core.store,
      clock: core.clock,
      random: new SeededRandom(1),
      policy: { concurrency: 2, perOriginConcurrency: 2, timeoutMs: 2000, pollIntervalMs: 100, initialDelayMs: 1000, maxDelayMs: 8000, maxAgeSeconds: 3600 },
      secretFor: (t) => (t === OPS_ALERT_TENANT ? secret : undefined),
    });
    try {
      expect(await sender.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      expect(await core.store.pendingCallbackCount()).toBe(1);
      core.clock.advance(8000);
      expect(await sender.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(await core.store.pendingCallbackCount()).toBe(0);
      core.clock.advance(60_000);
      expect(await sender.runOnce()).toMatchObject({ claimed: 0 });
    } finally {
      await sender.close();
    }
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(JSON.parse(r.body)).toEqual({ kind: 'off-hours', operator: 'alice' });
      expect(verifySignature(secret, r.body, r.headers['x-denpa-signature'] as string)).toBe(true);
    }
  });
});
