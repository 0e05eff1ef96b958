// startCore and `denpa core` as processes: real sockets on 127.0.0.1:0.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startCore, type RunningCore } from '../../../../src/core/index.ts';
import { verifySignature } from '../../../../src/core/callback/index.ts';
import { openSqliteStore } from '../../../../src/core/store/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { decodeProbe, withProbe } from '../../../../src/probe/index.ts';
import { startSimulator, type RunningSimulator } from '../../../../simulator/index.ts';
import { testConfig, KEY } from './harness.ts';
import { FAST_PROFILE, startFastSimulator } from '../delivery/fixture.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const dirs: string[] = [];
let core: RunningCore | undefined;
let sim: RunningSimulator | undefined;
let receiver: Server | undefined;

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'denpa-core-'));
  dirs.push(d);
  return d;
}

afterEach(async () => {
  await core?.close();
  await sim?.close();
  if (receiver) await new Promise<void>((r) => receiver!.close(() => r()));
  core = sim = receiver = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('startCore', () => {
  it('listens, accepts durably, and a graceful close finishes in-flight requests', async () => {
    const dataDir = tempDir();
    const config = testConfig({ http: { port: 0, logLevel: 'silent' }, store: { dataDir } });
    core = await startCore(config, { carriers: [], random: new SeededRandom(1) });
    expect(core.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await request(`${core.url}/readyz`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();

    const one = await post(`${core.url}/v1/messages`, { to: '09012345678', text: 'hello', category: 'otp' });
    expect(one.status).toBe(202);
    // A batch in flight while shutdown starts: it is answered and stored.
    const messages = Array.from({ length: 500 }, (_, i) => ({ to: `0801234${String(i).padStart(4, '0')}`, text: `notice ${i}`, category: 'notice' }));
    // Close only once the server has the request (its headers parsed), so the
    // batch is really in flight and not still connecting on a busy machine.
    const running = core;
    const arrived = new Promise<void>((resolve) => running.app.server.once('request', () => resolve()));
    const inFlight = post(`${core.url}/v1/messages/batch`, { messages });
    await arrived;
    const closing = core.close();
    const batch = await inFlight;
    await closing;
    core = undefined;
    expect(batch.status).toBe(202);

    const store = await openSqliteStore({ dataDir });
    try {
      expect(await store.getMessage(one.body.id as string)).toMatchObject({ state: 'accepted' });
      const page = await store.listMessages('default', { category: 'notice' }, undefined, 1000);
      expect(page.messages).toHaveLength(500);
    } finally {
      await store.close();
    }
  });

  it('end to end against the simulator: accepted, delivered to the handset, signed callback', async () => {
    sim = await startSimulator({ seed: 11, portedShare: 0, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    for (const c of ['docomo', 'au', 'softbank']) {
      sim.simulator.patchProfile(c, {
        latency: { kind: 'constant', ms: 1 },
        handset: { delay: { kind: 'constant', ms: 5 }, unreachableShare: 0, undeliverableShare: 0 },
        receipts: { delay: { kind: 'constant', ms: 5 } },
      });
    }
    const callbacks: { body: string; signature: string | undefined }[] = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        callbacks.push({ body: Buffer.concat(chunks).toString(), signature: req.headers['x-denpa-signature'] as string | undefined });
        res.end();
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;

    const carrier = (name: 'docomo' | 'au' | 'softbank') => ({ port: sim!.ports[name], binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir: tempDir() },
      carriers: { docomo: carrier('docomo'), au: carrier('au'), softbank: carrier('softbank') },
      // Far beyond the test's wait: final-state callbacks must leave because delivery wakes the sender.
      callbacks: { pollIntervalMs: 60_000 },
    });
    core = await startCore(config, { random: new SeededRandom(2) });
    expect(await waitFor(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);

    const sentAt = Date.now();
    const texts = [
      withProbe('認証コードは 482913 です。', { runId: 'E2E1', seq: 1, category: 'otp', sentAtMs: sentAt }),
      withProbe('Your statement is ready. '.repeat(12), { runId: 'E2E1', seq: 2, category: 'notice', sentAtMs: sentAt }),
      withProbe('長いお知らせ。'.repeat(30), { runId: 'E2E1', seq: 3, category: 'notice', sentAtMs: sentAt }),
    ];
    const tos = ['09011110001', '08051110002', '07081110003'];
    const accepted = [];
    for (let i = 0; i < texts.length; i++) {
      const r = await post(`${core.url}/v1/messages`, { to: tos[i], text: texts[i], category: i === 0 ? 'otp' : 'notice', callback_url: hook, client_ref: `E2E1-${i + 1}` });
      expect(r.status).toBe(202);
      accepted.push(r.body);
    }
    expect(accepted.map((a) => [a.encoding, a.segments])).toEqual([
      ['UCS-2', 1],
      ['GSM-7', 3],
      ['UCS-2', 4],
    ]);
    expect(await waitFor(() => callbacks.length >= 3, 20_000)).toBe(true);
    for (const cb of callbacks) {
      expect(verifySignature('default-secret', cb.body, cb.signature)).toBe(true);
      expect(JSON.parse(cb.body)).toMatchObject({ status: 'delivered' });
    }
    const detail = await request(`${core.url}/v1/messages/${accepted[2]!.id as string}`, { headers: { authorization: `Bearer ${KEY}` } });
    const m = (await detail.body.json()) as { status: string; transitions: { status: string }[]; segment_states: { state: string }[] };
    expect(m.status).toBe('delivered');
    expect(m.transitions.map((t) => t.status)).toEqual(['accepted', 'queued', 'submitted', 'delivered']);
    expect(m.segment_states.map((s) => s.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    // The simulator reassembled every message intact, once.
    const ledger = await request(`${sim.controlUrl}/v1/ledger/runs/E2E1`);
    expect(await ledger.body.json()).toMatchObject({ messages: 3, deliveries: 3, duplicates: 0, corrupted: 0 });
    expect(decodeProbe(texts[2]!, Date.now())?.intact).toBe(true);
    // /metrics on the API thread includes the delivery thread's series (dispatch, links, callbacks).
    const scrape = await (await request(`${core.url}/metrics`)).body.text();
    const delivered = [...scrape.matchAll(/^denpa_messages_total\{[^}]*state="delivered"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(delivered).toBe(3);
    expect(scrape).toMatch(/^denpa_messages_total\{carrier="docomo",category="otp",state="accepted"\} 1$/m);
    expect(scrape).toMatch(/^denpa_link_state\{carrier="au",link="0",state="bound"\} 1$/m);
    expect(scrape).toMatch(/^denpa_callbacks_total\{outcome="delivered"\} 3$/m);
  });

  it('setRouteOverrides on the running core: the delivery thread takes the standing list and sends through the aggregator, then direct again', async () => {
    sim = await startFastSimulator(11);
    sim.simulator.patchProfile('aggregator', FAST_PROFILE);
    const link = (port: number) => ({ port, binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir: tempDir() },
      carriers: { docomo: link(sim.ports.docomo), au: link(sim.ports.au), softbank: link(sim.ports.softbank) },
      fallback: { aggregator: link(sim.ports.aggregator) },
    });
    core = await startCore(config, { random: new SeededRandom(4) });
    expect(await waitFor(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);
    expect(await waitFor(() => (core!.delivery.linkStates().aggregator ?? []).includes('bound'), 5_000)).toBe(true);
    const send = async (seq: number) => {
      const r = await post(`${core!.url}/v1/messages`, { to: '09011110001', text: withProbe('認証コードは 482913 です。', { runId: 'OVRC', seq, category: 'otp', sentAtMs: Date.now() }), category: 'otp' });
      expect(r.status).toBe(202);
      return r.body.id as string;
    };
    const routeOf = async (id: string) => {
      let m: { status: string; route: string | null } = { status: '', route: null };
      await waitFor(async () => {
        m = (await (await request(`${core!.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).body.json()) as typeof m;
        return m.status === 'delivered';
      }, 10_000);
      return [m.status, m.route];
    };
    core.delivery.setRouteOverrides([{ carrier: 'docomo', mode: 'fallback' }]);
    expect(await routeOf(await send(1))).toEqual(['delivered', 'aggregator']);
    core.delivery.setRouteOverrides([]);
    expect(await routeOf(await send(2))).toEqual(['delivered', 'direct']);
    const probes = (await (await request(`${sim.controlUrl}/v1/ledger/runs/OVRC/probes`)).body.json()) as { probes: { seq: number; route: string; carrier: string }[] };
    expect(probes.probes.map((p) => [p.seq, p.carrier, p.route])).toEqual([
      [1, 'docomo', 'aggregator'],
      [2, 'docomo', 'direct'],
    ]);
  });
});

describe('denpa core (the command)', () => {
  function run(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'core', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      for (const line of d.toString().split('\n')) if (line) onLine?.(line, child);
    });
    child.stdout.resume();
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('exit', (code) => {
        clearTimeout(kill);
        resolve({ code, stderr });
      });
    });
  }

  it('prints where it listens, serves, and stops on SIGTERM with exit 0', async () => {
    const dataDir = tempDir();
    const cfg = path.join(dataDir, 'core.json');
    // Carriers on ports nobody listens on: the core starts anyway and keeps reconnecting.
    writeFileSync(cfg, JSON.stringify({ http: { logLevel: 'warn' }, carriers: { docomo: { port: 1 }, au: { port: 1 }, softbank: { port: 1 } } }));
    let health = 0;
    let readyz = 0;
    const result = await run(['--config', cfg, '--port', '0', '--data-dir', dataDir], (line, child) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (!m) return;
      void (async () => {
        health = (await request(`${m[1]}/healthz`)).statusCode;
        readyz = (await request(`${m[1]}/readyz`)).statusCode;
        child.kill('SIGTERM');
      })();
    });
    expect(result.stderr).toMatch(/denpa core listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(health).toBe(200);
    expect(readyz).toBe(503); // no carrier link is bound
    expect(result.stderr).toMatch(/SIGTERM, shutting down/);
    expect(result.code).toBe(0);
  }, 120_000);

  it('refuses a bad config with one line naming the file and key, exit 2', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ carriers: { docomo: { window: 'big' } }, htp: {} }));
    const result = await run(['--config', cfg]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${cfg}`);
    expect(result.stderr).toContain('carriers.docomo.window');
    expect(result.stderr).toContain('htp: unknown key');
  }, 120_000);
});
