// The project's own scenarios on the real k6, unchanged: every one is
// accepted by k6 (`k6 inspect`), and the steady OTP scenario runs against a
// stand-in gateway that accepts everything. Skipped, with the reason on
// stderr, when the user has no k6 1.x (PATH or K6_BIN).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../src/harness/k6-binary/binary.ts';
import { realK6 } from '../../../support/real-k6.ts';
import { bundleForK6 } from '../../../../src/harness/k6-binary/bundle.ts';
import { runScenarioOnK6 } from '../../../../src/harness/k6-binary/run.ts';
import { decodeProbe } from '../../../../src/probe/index.ts';
import { buildFixture, type Recipient } from '../../../../scenarios/lib/fixture.ts';

const k6 = await realK6('the scenarios on the real k6');
const SCENARIOS = join(REPO_ROOT, 'scenarios');

const recipients: Recipient[] = [
  { to: '09012345678', number: '819012345678', carrier: 'docomo', fate: 'deliverable' },
  { to: '+818045671234', number: '818045671234', carrier: 'au', fate: 'deliverable' },
  { to: '07077778888', number: '817077778888', carrier: 'softbank', fate: 'unreachable' },
];

describe.skipIf(!k6)('the scenarios on the real k6', () => {
  let dir: string;
  let fixtureFile: string;
  let server: Server;
  let url: string;
  const requests: { path: string; body: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-k6-scenarios-'));
    fixtureFile = join(dir, 'fixture.json');
    await writeFile(fixtureFile, JSON.stringify(buildFixture({ runId: 'K6K6', seed: 7, recipients, poolSize: 20 })));
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', body, auth: req.headers.authorization });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await rm(dir, { recursive: true, force: true });
  });

  it('k6 accepts every scenario\'s options', async () => {
    const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bundled = await bundleForK6(join(SCENARIOS, file), join(dir, 'inspect', file.replace(/\.ts$/, '.js')));
      const out = await new Promise<string>((done, fail) => {
        execFile(k6!.path, ['inspect', '--execution-requirements', '-e', `FIXTURE=${fixtureFile}`, bundled.outFile], { timeout: 30_000, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } }, (err, stdout, stderr) =>
          err ? fail(new Error(`${file}: ${stderr || err.message}`)) : done(stdout));
      });
      const inspected = JSON.parse(out) as { scenarios?: Record<string, unknown>; summaryTrendStats?: string[] };
      expect(Object.keys(inspected.scenarios ?? {}).length, file).toBeGreaterThan(0);
      expect(inspected.summaryTrendStats, file).toContain('p(99)');
    }
  });

  it('otp-steady runs unchanged and sends valid probes', async () => {
    requests.length = 0;
    const result = await runScenarioOnK6({
      scenarioPath: join(SCENARIOS, 'otp-steady.ts'),
      env: { CORE_URL: url, API_KEY: 'k6-test-key', SINK_URL: 'http://127.0.0.1:9', SIM_URL: 'http://127.0.0.1:9', RUN_ID: 'K6K6', FIXTURE: fixtureFile },
      durationScale: 0.1,
      outDir: join(dir, 'otp-steady'),
      k6,
      timeoutMs: 120_000,
    });
    const sends = requests.filter((r) => r.path === '/v1/messages');
    expect(sends.length).toBeGreaterThan(10);
    expect(sends.every((r) => r.auth === 'Bearer k6-test-key')).toBe(true);
    const seen = sends.map((r) => JSON.parse(r.body) as { text: string; category: string; client_ref: string });
    for (const m of seen) {
      const probe = decodeProbe(m.text, Date.now());
      expect(probe).toMatchObject({ runId: 'K6K6', category: 'otp', intact: true });
      expect(m.client_ref).toBe(`K6K6-${probe?.seq}`);
    }
    const { metrics } = result.summary;
    expect(metrics['messages_accepted_otp']?.values.count).toBe(sends.length);
    const deliverable = metrics['messages_accepted_otp_deliverable']?.values.count ?? 0;
    expect(deliverable).toBeGreaterThan(0);
    expect(deliverable).toBeLessThanOrEqual(sends.length);
    // k6 judged only its own metrics; the delivery SLAs are left for the harness.
    expect(result.summary.options.thresholds?.otp_on_time).toBeDefined();
    expect(metrics.otp_on_time?.thresholds).toBeUndefined();
    expect(result.exitCode).toBe(0);
  });
});
