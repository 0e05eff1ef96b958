// Gateways other than ours, through their adapters end to end:
//  - an in-house gateway (the http adapter, configured by a JSON file) that
//    accepts every message but silently discards a known share and reports
//    a failure for the rest: messages_lost is exactly what it discarded;
//  - Jasmin, as a stand-in written from Jasmin's HTTP API documentation
//    (test/support/jasmin-stand-in.ts) forwarding over SMPP to the
//    simulator: the run passes and every DLR was acknowledged ACK/Jasmin.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunOptions, runScenario, simulatorOptions, liveServiceCount } from '../../src/harness/orchestrate/index.ts';
import { startSimulator } from '../../simulator/index.ts';
import { defaultProfile } from '../../simulator/profile.ts';
import { carrierPrefixes, CARRIERS } from '../../src/harness/gateway/kannel-config.ts';
import { startJasminStandIn, type JasminStandIn } from '../support/jasmin-stand-in.ts';
import { expectLossOf } from '../support/loss-expectations.ts';

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
const MESSAGES = 30;
const SECRET = 'in-house-secret';

describe('gateway stand-ins', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-standin-'));
    sim = await startSimulator(simulatorOptions(12) as Parameters<typeof startSimulator>[0]);
  });
  afterAll(async () => {
    await sim?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('http adapter: a gateway that accepts and discards loses exactly what it discarded', async () => {
    const discarded = new Set<string>();
    const failed = new Set<string>();
    const callbacks: Promise<unknown>[] = [];
    const gateway: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as { msisdn: string; body: string; reference: string; webhook: string };
        const seq = Number(body.reference.split('-')[1]);
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"queued":true}');
        if (seq % 3 === 0) {
          discarded.add(body.reference);
          return;
        }
        failed.add(body.reference);
        const cb = JSON.stringify({ result: { code: 'GAVE_UP' } });
        const sig = createHmac('sha256', SECRET).update(cb).digest('hex');
        callbacks.push(fetch(body.webhook, { method: 'POST', body: cb, headers: { 'content-type': 'application/json', 'x-signature': `sha256=${sig}` } }).catch(() => undefined));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const address = gateway.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const configPath = join(out, 'in-house.json');
    await writeFile(
      configPath,
      JSON.stringify({
        request: { method: 'POST', url: '{{baseUrl}}/sms', headers: { 'X-Api-Key': '{{apiKey}}' }, bodyFormat: 'json', body: '{"msisdn": {{toInternational}}, "body": {{text}}, "reference": {{clientRef}}, "webhook": {{callbackUrl}}}', accepted: [201] },
        callback: { status: { json: 'result.code' }, statuses: { OK: 'delivered', GAVE_UP: 'failed' }, signature: { header: 'X-Signature', secret: SECRET, prefix: 'sha256=' } },
      }),
    );
    try {
      const options = resolveRunOptions(
        { scenario: 'scenarios/otp-smoke.ts', engine: 'builtin', gateway: 'http', gatewayConfig: configPath, target: url, sim: sim.controlUrl, out, settleTimeout: 4, warmUp: 0, progress: 'off', env: { SMOKE_MESSAGES: String(MESSAGES) } },
        { stderr: quiet() },
      );
      const outcome = await runScenario(options);
      await Promise.all(callbacks);
      expect(discarded.size + failed.size).toBe(MESSAGES);
      expect(discarded.size).toBe(10);
      expectLossOf(outcome, discarded, failed);
      expect(liveServiceCount()).toBe(0);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  }, 120_000);

  it('jasmin adapter: a run through the Jasmin stand-in passes, every DLR acknowledged', async () => {
    let jasmin: JasminStandIn | undefined;
    try {
      jasmin = await startJasminStandIn({
        username: 'jasmin_user',
        password: 'jasmin_pass',
        connectors: CARRIERS.map((c) => ({ cid: c, prefixes: carrierPrefixes(c), host: '127.0.0.1', port: sim.ports[c], systemId: defaultProfile(c).credentials.systemId, password: defaultProfile(c).credentials.password })),
      });
      // Without ported numbers: the stand-in's connectors route by number prefix, so a
      // ported number goes to the carrier that no longer serves it (a finding about
      // such a gateway, not what this test is about: the adapter and the DLR path).
      const options = resolveRunOptions(
        { scenario: 'scenarios/otp-smoke.ts', engine: 'builtin', gateway: 'jasmin', target: jasmin.url, sim: sim.controlUrl, apiKey: 'jasmin_user:jasmin_pass', out, settleTimeout: 15, warmUp: 0, progress: 'off', excludePorted: true, env: { SMOKE_MESSAGES: String(MESSAGES) } },
        { stderr: quiet() },
      );
      const outcome = await runScenario(options);
      const failed = outcome.result.verdict.thresholds.filter((t) => t.state !== 'passed').map((t) => `${t.metric} ${t.expression}`);
      expect(failed).toEqual([]);
      expect(outcome.exitCode).toBe(0);
      expect(jasmin.stats.accepted).toBe(MESSAGES);
      // dlr-level 3: one SMS-C level and one terminal DLR per message, each answered ACK/Jasmin at once.
      expect(jasmin.stats.dlrsThrown).toBe(2 * MESSAGES);
      expect(jasmin.stats.dlrsAcked).toBe(jasmin.stats.dlrsThrown);
      expect(jasmin.stats.dlrRetries).toBe(0);
      expect(outcome.result.delivery?.details.lost).toBe(0);
      expect(liveServiceCount()).toBe(0);
    } finally {
      await jasmin?.close();
    }
  }, 120_000);
});
