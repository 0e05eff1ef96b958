// The harness finds loss: a gateway stand-in accepts every message (202) but
// silently discards a known share, and reports a final failure for the rest
// without delivering them. messages_lost must count exactly the discarded
// ones: a reported failure is not a loss, a silent drop is.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunOptions, runScenario, simulatorOptions, liveServiceCount } from '../../src/harness/orchestrate/index.ts';
import { signBody } from '../../src/harness/sink/index.ts';
import { startSimulator } from '../../simulator/index.ts';
import { expectLossOf } from '../support/loss-expectations.ts';

const SECRET = 'stand-in-secret';
const MESSAGES = 30;

describe('loss accounting against a gateway that drops messages', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let gateway: Server;
  let gatewayUrl: string;
  let out: string;
  const discarded = new Set<string>();
  const failed = new Set<string>();
  const callbacks: Promise<unknown>[] = [];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-loss-'));
    sim = await startSimulator(simulatorOptions(11) as Parameters<typeof startSimulator>[0]);
    gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as { client_ref: string; to: string; category: string; callback_url: string };
        const seq = Number(body.client_ref.split('-')[1]);
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `m${seq}`, status: 'accepted', to: body.to, category: body.category, encoding: 'UCS-2', segments: 1, characters: 10, client_ref: body.client_ref }));
        if (seq % 3 === 0) {
          discarded.add(body.client_ref);
          return;
        }
        failed.add(body.client_ref);
        const cb = JSON.stringify({ id: `m${seq}`, status: 'failed', client_ref: body.client_ref, to: body.to, category: body.category, at: Date.now(), error: { code: 'STAND_IN', description: 'gave up' }, segments: 1 });
        callbacks.push(fetch(body.callback_url, { method: 'POST', body: cb, headers: { 'content-type': 'application/json', 'x-denpa-signature': signBody(SECRET, cb) } }).catch(() => undefined));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const address = gateway.address();
    gatewayUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await Promise.all(callbacks);
    await new Promise<void>((resolve) => gateway?.close(() => resolve()));
    await sim?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('counts exactly the discarded messages as lost and names the broken SLA', async () => {
    const options = resolveRunOptions(
      {
        scenario: 'scenarios/otp-smoke.ts',
        engine: 'builtin',
        target: gatewayUrl,
        sim: sim.controlUrl,
        callbackSecret: SECRET,
        out,
        settleTimeout: 4,
        warmUp: 0,
        progress: 'off',
        env: { SMOKE_MESSAGES: String(MESSAGES) },
      },
      { stderr: new Writable({ write: (_c, _e, cb) => cb() }) },
    );
    const outcome = await runScenario(options);
    expect(discarded.size + failed.size).toBe(MESSAGES);
    expect(discarded.size).toBe(10);
    expectLossOf(outcome, discarded, failed);
    expect(liveServiceCount()).toBe(0);
  });
});
