// The same script on both engines, against the same local HTTP server that
// answers every request after a fixed 20 ms: the built-in engine must agree
// with the real k6 on which thresholds pass and fail, on the achieved
// iteration rate (within 3 %), on HTTP p50 (within 25 %) and p99 (within
// 50 %), and on the request count. (The stack-level parity test, with
// the core and the simulator, is test/e2e/parity.test.ts.) Skipped, with the
// reason on stderr, when the user has no k6 1.x (PATH or K6_BIN). Prints the
// measured figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realK6 } from '../../../support/real-k6.ts';
import { runScenarioOnK6 } from '../../../../src/harness/k6-binary/run.ts';
import { runScript } from '../../../../src/harness/engine/index.ts';

const k6 = await realK6('engine parity');

const RATE = 100;
const SECONDS = 4;
const SERVER_DELAY_MS = 20;

const SCRIPT = `
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';

const accepted = new Counter('messages_accepted');

export const options: Options = {
  scenarios: {
    otp: { executor: 'constant-arrival-rate', rate: ${RATE}, timeUnit: '1s', duration: '${SECONDS}s', preAllocatedVUs: 20, maxVUs: 50, tags: { category: 'otp' } },
  },
  thresholds: {
    'http_req_duration{category:otp}': ['p(99)<2000', 'med<${SERVER_DELAY_MS}'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    'messages_accepted{category:otp}': ['count>=${RATE * SECONDS * 0.9}', 'count>${RATE * SECONDS * 1.1}'],
  },
};

export default async function (): Promise<void> {
  const res = await http.asyncRequest('POST', __ENV.TARGET_URL + '/v1/messages', '{"text":"x"}', { headers: { 'Content-Type': 'application/json' } });
  if (check(res, { 'accepted (202)': (r) => r.status === 202 })) accepted.add(1, { category: 'otp' });
}
`;

interface Figures {
  thresholds: Record<string, boolean>;
  iterations: number;
  ratePerSecond: number;
  p50: number;
  p99: number;
  requests: number;
}

// The stand-in gateway runs in its own process: in the test's process it
// would share the event loop with the built-in engine and slow it down.
const SERVER = `
const http = require('node:http');
let served = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/served') { res.end(String(served)); served = 0; return; }
  req.resume();
  req.on('end', () => { served++; setTimeout(() => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}'), ${SERVER_DELAY_MS}); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

function figures(summary: { metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> } | undefined> }, served: number): Figures {
  const thresholds: Record<string, boolean> = {};
  for (const [name, m] of Object.entries(summary.metrics)) for (const [expr, t] of Object.entries(m?.thresholds ?? {})) thresholds[`${name}: ${expr}`] = t.ok;
  const d = summary.metrics['http_req_duration{category:otp}']?.values ?? {};
  const iterations = summary.metrics.iterations?.values.count ?? 0;
  return { thresholds, iterations, ratePerSecond: iterations / SECONDS, p50: d.med ?? Number.NaN, p99: d['p(99)'] ?? Number.NaN, requests: served };
}

describe.skipIf(!k6)('engine parity: built-in engine vs the real k6', () => {
  let server: ChildProcess;
  let url: string;
  let dir: string;
  const served = async (): Promise<number> => Number(await (await fetch(`${url}/served`)).text());

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-parity-'));
    await writeFile(join(dir, 'parity.ts'), SCRIPT);
    server = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('server did not start in 10 s')), 10_000);
      server.stdout?.once('data', (chunk: Buffer) => {
        clearTimeout(timer);
        done(chunk.toString().trim());
      });
    });
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.stdin?.end();
    if (server.exitCode === null) await new Promise((done) => server.once('exit', done));
    await rm(dir, { recursive: true, force: true });
  });

  it('agrees on thresholds, rate, latency and counts', async () => {
    await served();
    const onK6 = await runScenarioOnK6({ scenarioPath: join(dir, 'parity.ts'), env: { TARGET_URL: url }, outDir: join(dir, 'k6'), k6, timeoutMs: 60_000 });
    const k6Figures = figures(onK6.summary, await served());

    const builtin = await runScript({ scriptPath: join(dir, 'parity.ts'), env: { TARGET_URL: url }, log: () => undefined });
    const builtinFigures = figures(builtin.summary as unknown as Parameters<typeof figures>[0], await served());

    process.stdout.write(`engine parity (${RATE}/s for ${SECONDS}s, server delay ${SERVER_DELAY_MS} ms)\n` +
      `  k6 ${k6?.version.text}: ${JSON.stringify({ ...k6Figures, thresholds: undefined })}\n` +
      `  built-in: ${JSON.stringify({ ...builtinFigures, thresholds: undefined })}\n`);

    // Thresholds built to pass (p99, failed rate, checks, count>=) and to fail
    // (med below the server's own delay, more requests than sent), each far
    // from its limit so that only a real disagreement flips one.
    expect(k6Figures.thresholds).toEqual({
      'http_req_duration{category:otp}: p(99)<2000': true,
      [`http_req_duration{category:otp}: med<${SERVER_DELAY_MS}`]: false,
      'http_req_failed: rate<0.01': true,
      'checks: rate>0.99': true,
      [`messages_accepted{category:otp}: count>=${RATE * SECONDS * 0.9}`]: true,
      [`messages_accepted{category:otp}: count>${RATE * SECONDS * 1.1}`]: false,
    });
    expect(builtinFigures.thresholds).toEqual(k6Figures.thresholds);
    expect(onK6.exitCode).toBe(99);
    expect(builtin.exitCode).toBe(99);

    expect(Math.abs(builtinFigures.ratePerSecond - k6Figures.ratePerSecond) / k6Figures.ratePerSecond).toBeLessThanOrEqual(0.03);
    expect(Math.abs(builtinFigures.p50 - k6Figures.p50) / k6Figures.p50).toBeLessThanOrEqual(0.25);
    expect(Math.abs(builtinFigures.p99 - k6Figures.p99) / k6Figures.p99).toBeLessThanOrEqual(0.5);
    expect(builtinFigures.requests).toBe(builtinFigures.iterations);
    expect(k6Figures.requests).toBe(k6Figures.iterations);
    expect(Math.abs(builtinFigures.requests - k6Figures.requests) / k6Figures.requests).toBeLessThanOrEqual(0.03);
  });
});
