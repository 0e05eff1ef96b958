// A tenant created over the admin API on a running core, without a restart:
// its first key issued through the key API authenticates a message at once,
// the message takes the tenant's callback URL, and its callback arrives
// signed with the tenant's secret (from the delivery thread). The tenant
// outlives a restart; disabling it ends its key at the next request.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startCore, type RunningCore } from '../../../../src/core/index.ts';
import { verifySignature } from '../../../../src/core/callback/index.ts';
import { OperatorAccounts, openOpsDb, DEFAULT_ACCOUNT_POLICY } from '../../../../src/core/operator/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import { startSimulator } from '../../../../simulator/index.ts';
import { testConfig } from '../api/harness.ts';
import { waitUntil } from '../delivery/fixture.ts';
import { startInboundSink } from '../inbound/receiver.ts';
import { CHEAP, PASSWORD } from './ops-harness.ts';

let core: RunningCore | undefined;
/** What else a test started (receivers, the simulator, its data directory), undone newest first after the core closes. */
const started: (() => unknown)[] = [];
afterEach(async () => {
  await core?.close();
  core = undefined;
  for (const undo of started.splice(0).reverse()) await undo();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A callback receiver; next() resolves with the next POST, or rejects after `ms`. */
async function startReceiver(): Promise<{ url: string; next(ms: number): Promise<Received> }> {
  const queue: Received[] = [];
  const waiting: ((r: Received) => void)[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(204).end();
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const w = waiting.shift();
      if (w) w(r);
      else queue.push(r);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  started.push(() => new Promise<void>((r) => receiver.close(() => r())));
  return {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    next: (ms) =>
      new Promise<Received>((resolve, reject) => {
        const got = queue.shift();
        if (got) return resolve(got);
        const timer = setTimeout(() => reject(new Error(`no callback within ${ms} ms`)), ms);
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      }),
  };
}

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** A data directory with the first admin in it, as `denpa operator add` makes it (a cheap scrypt cost: the hash records its cost). */
async function dataDirWithAdmin(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'denpa-tenants-'));
  started.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openOpsDb(dir);
  await new OperatorAccounts(db, new SystemClock(), { ...DEFAULT_ACCOUNT_POLICY, cost: CHEAP }).add({ name: 'root', role: 'admin', password: PASSWORD }, 'test');
  db.close();
  return dir;
}

const ALWAYS = { timeZone: 'Asia/Tokyo', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' };

describe('tenants over the admin API', () => {
  it('create, first key, a message accepted with it, its callback signed with the tenant secret; after a restart too; disable ends the key', async () => {
    const dataDir = await dataDirWithAdmin();
    const hook = await startReceiver();
    const config = testConfig({ http: { port: 0, logLevel: 'silent' }, store: { dataDir }, operators: { workingHours: ALWAYS } });
    core = await startCore(config, { carriers: [], random: new SeededRandom(14) });
    const login = async () => ((await call('POST', `${core!.url}/v1/ops/login`, '', { name: 'root', password: PASSWORD })).body as { token: string }).token;
    let admin = await login();

    // The egress rules refuse an internal address before anything is stored.
    const refused = await call('POST', `${core.url}/v1/ops/tenants`, admin, { name: 'shop', callback_url: 'http://169.254.169.254/latest/meta-data' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('"field":"callback_url"');

    const created = await call('POST', `${core.url}/v1/ops/tenants`, admin, { name: 'shop', callback_url: hook.url, send_windows: { promotion: '09:00-20:00' }, rate_limit: { max: 50, window_ms: 1000 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = created.body.callback_secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(created.body.tenant).toMatchObject({ name: 'shop', source: 'api', state: 'active', callback_url: hook.url, created_by: 'root' });
    const listed = (await call('GET', `${core.url}/v1/ops/tenants`, admin)).body.tenants as { name: string; source: string }[];
    expect(listed.map((t) => `${t.name}:${t.source}`)).toEqual(['default:config', 'other:config', 'shop:api']);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const issued = await call('POST', `${core.url}/v1/ops/tenants/shop/keys`, admin);
    expect(issued.status).toBe(201);
    const key = issued.body.key as string;

    const sendAndCancel = async () => {
      const sent = await call('POST', `${core!.url}/v1/messages`, key, { to: '090-1234-5678', text: 'ご注文ありがとうございます', category: 'notice', scheduled_at: Date.now() + 3_600_000 });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const id = sent.body.id as string;
      expect((await call('GET', `${core!.url}/v1/messages/${id}`, key)).body).toMatchObject({ id, callback_url: hook.url });
      expect((await call('DELETE', `${core!.url}/v1/messages/${id}`, key)).status).toBe(200);
      const cb = await hook.next(10_000);
      expect(verifySignature(secret, cb.body, cb.headers['x-denpa-signature'] as string)).toBe(true);
      expect(JSON.parse(cb.body)).toMatchObject({ id, status: 'canceled' });
      return id;
    };
    await sendAndCancel();

    // A restart: the tenant, its key and its secret come back from operators.db.
    await core.close();
    core = await startCore(config, { carriers: [], random: new SeededRandom(15) });
    await sendAndCancel();

    admin = await login();
    const disabled = await call('POST', `${core.url}/v1/ops/tenants/shop/disable`, admin);
    expect(disabled.body).toMatchObject({ name: 'shop', state: 'disabled' });
    const after = await call('POST', `${core.url}/v1/messages`, key, { to: '090-1234-5678', text: 'x', category: 'notice' });
    expect(after.status).toBe(401);
  });

  it("an added tenant's inbound number reaches the delivery thread at once: an MO to it is forwarded, signed with the tenant's secret", async () => {
    const dataDir = await dataDirWithAdmin();
    const sim = await startSimulator({ seed: 14, portedShare: 0, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    started.push(() => sim.close());
    const sink = await startInboundSink();
    started.push(() => sink.close());
    const carrier = (name: 'docomo' | 'au' | 'softbank') => ({ port: sim.ports[name], binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir },
      carriers: { docomo: carrier('docomo'), au: carrier('au'), softbank: carrier('softbank') },
      operators: { workingHours: ALWAYS },
    });
    core = await startCore(config, { random: new SeededRandom(16) });
    expect(await waitUntil(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);
    const admin = ((await call('POST', `${core.url}/v1/ops/login`, '', { name: 'root', password: PASSWORD })).body as { token: string }).token;
    const created = await call('POST', `${core.url}/v1/ops/tenants`, admin, { name: 'cafe', inbound_numbers: ['0120-555-777'], inbound_url: sink.url });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret = created.body.callback_secret as string;

    const mo = await request(`${sim.controlUrl}/v1/carriers/au/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '09012345678', to: '0120555777', text: 'テーブル予約したい' }) });
    expect(mo.statusCode).toBe(202);
    expect(await waitUntil(() => sink.posts.length >= 1, 10_000)).toBe(true);
    const post = sink.posts[0]!;
    expect(verifySignature(secret, post.body, post.signature)).toBe(true);
    expect(JSON.parse(post.body)).toMatchObject({ type: 'inbound', to: '0120555777', text: 'テーブル予約したい' });
  });
});
