// A four-eyes route change on a running core, end to end: an admin files
// "docomo through the fallback route", an approver approves it, and the next
// OTP to a docomo subscriber goes out through the simulator's aggregator
// (the message's route and the simulator's truth ledger both say so); a
// second approved change clears it and traffic is direct again. The
// override also comes back after a restart, from operators.db.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startCore, type RunningCore } from '../../../../src/core/index.ts';
import { DEFAULT_ACCOUNT_POLICY, OperatorAccounts, openOpsDb } from '../../../../src/core/operator/index.ts';
import { withProbe } from '../../../../src/probe/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { KEY, testConfig } from '../api/harness.ts';
import { FAST_PROFILE, startFastSimulator, waitUntil } from '../delivery/fixture.ts';
import { CHEAP, PASSWORD } from './ops-harness.ts';

let core: RunningCore | undefined;
let sim: RunningSimulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await core?.close();
  core = undefined;
  await sim?.close();
  sim = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ALWAYS = { timeZone: 'Asia/Tokyo', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' };

async function call(method: 'GET' | 'POST', url: string, token: string, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('a four-eyes route change on a running core', () => {
  it('approved: docomo OTPs go through the aggregator; after a restart still; cleared: direct again', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'denpa-route-live-'));
    dirs.push(dataDir);
    const db = openOpsDb(dataDir);
    const accounts = new OperatorAccounts(db, new SystemClock(), { ...DEFAULT_ACCOUNT_POLICY, cost: CHEAP });
    await accounts.add({ name: 'root', role: 'admin', password: PASSWORD }, 'test');
    await accounts.add({ name: 'boss', role: 'approver', password: PASSWORD }, 'test');
    db.close();

    sim = await startFastSimulator(21);
    sim.simulator.patchProfile('aggregator', FAST_PROFILE);
    const link = (port: number) => ({ port, binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir },
      carriers: { docomo: link(sim.ports.docomo), au: link(sim.ports.au), softbank: link(sim.ports.softbank) },
      fallback: { aggregator: link(sim.ports.aggregator) },
      operators: { workingHours: ALWAYS },
    });
    const start = async (seed: number) => {
      core = await startCore(config, { random: new SeededRandom(seed) });
      expect(await waitUntil(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);
      expect(await waitUntil(() => (core!.delivery.linkStates().aggregator ?? []).includes('bound'), 5_000)).toBe(true);
    };
    const login = async (name: string) => ((await call('POST', `${core!.url}/v1/ops/login`, '', { name, password: PASSWORD })).body as { token: string }).token;
    const changeRoute = async (mode: string) => {
      const filed = await call('POST', `${core!.url}/v1/ops/routes/docomo/override`, await login('root'), { mode, reason: 'docomo SMSC degraded' });
      expect(filed.status, JSON.stringify(filed.body)).toBe(202);
      const id = (filed.body.request as { id: string }).id;
      const approved = await call('POST', `${core!.url}/v1/ops/requests/${id}/approve`, await login('boss'));
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body).toMatchObject({ state: 'done' });
    };
    const sendOtp = async (seq: number): Promise<string> => {
      const r = await request(`${core!.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: '09011110001', text: withProbe('認証コードは 482913 です。', { runId: 'RTLV', seq, category: 'otp', sentAtMs: Date.now() }), category: 'otp' }),
      });
      expect(r.statusCode).toBe(202);
      return ((await r.body.json()) as { id: string }).id;
    };
    const routeOf = async (id: string) => {
      let m: { status: string; route: string | null } = { status: '', route: null };
      await waitUntil(async () => {
        m = (await (await request(`${core!.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).body.json()) as typeof m;
        return m.status === 'delivered';
      }, 10_000);
      return [m.status, m.route];
    };

    await start(31);
    expect(await routeOf(await sendOtp(1))).toEqual(['delivered', 'direct']);
    await changeRoute('fallback');
    expect(await routeOf(await sendOtp(2))).toEqual(['delivered', 'aggregator']);

    // The standing override is operators.db's: a restarted core hands it to its new delivery thread.
    await core!.close();
    core = undefined;
    await start(32);
    expect(await routeOf(await sendOtp(3))).toEqual(['delivered', 'aggregator']);

    await changeRoute('clear');
    expect(await routeOf(await sendOtp(4))).toEqual(['delivered', 'direct']);

    const probes = (await (await request(`${sim.controlUrl}/v1/ledger/runs/RTLV/probes`)).body.json()) as { probes: { seq: number; route: string; carrier: string }[] };
    expect(probes.probes.map((p) => [p.seq, p.carrier, p.route]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'docomo', 'direct'],
      [2, 'docomo', 'aggregator'],
      [3, 'docomo', 'aggregator'],
      [4, 'docomo', 'direct'],
    ]);
  });
});
