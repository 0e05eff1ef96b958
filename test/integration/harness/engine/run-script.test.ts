// runScript end to end: real k6-style scripts bundled by esbuild, a real HTTP
// server on 127.0.0.1:0, real time (each run lasts about a second).

import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineConfigError, EXIT_CODE, runScript, UnsupportedApiError, type ProgressSnapshot } from '../../../../src/harness/engine/index.ts';

let server: Server;
let base = '';
let dir = '';
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') bodies.push(body);
      const url = new URL(req.url ?? '/', 'http://x');
      const status = Number(url.searchParams.get('status') ?? 200);
      const delay = Number(url.searchParams.get('delay') ?? 0);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: status < 400, path: url.pathname }));
      }, delay);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
  dir = mkdtempSync(join(tmpdir(), 'denpa-engine-'));
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  server.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function script(source: string, ext = 'ts'): string {
  const p = join(dir, `s${n++}.${ext}`);
  writeFileSync(p, source);
  return p;
}

const quiet = { log: () => undefined };

describe('runScript', () => {
  it('runs a TypeScript scenario and returns k6 summary data, checks, custom metrics and thresholds', async () => {
    const progress: ProgressSnapshot[] = [];
    const path = script(`
      import http from 'k6/http';
      import { check, group } from 'k6';
      import { Counter, Trend, Rate, Gauge } from 'k6/metrics';
      import exec from 'k6/execution';
      const accepted = new Counter('messages_accepted');
      const size = new Trend('body_size');
      const good = new Rate('good');
      const last = new Gauge('last_vu');
      export const options = {
        scenarios: {
          // One VU per iteration: no drops even when a loaded machine stalls the answers.
          otp: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 20, tags: { category: 'otp' } },
        },
        thresholds: {
          http_req_duration: ['p(95)<10000', 'p(99.9)<20000'],
          'http_req_duration{category:otp}': ['max<20000'],
          'messages_accepted{deliverable:true}': ['count==20'],
          checks: ['rate==1'],
          http_req_failed: ['rate==0'],
        },
      };
      export default async function (): Promise<void> {
        const res = await group('send', () => http.asyncRequest('POST', __ENV.BASE + '/v1/messages', JSON.stringify({ to: '09012345678' }), {
          headers: { 'content-type': 'application/json' }, tags: { name: 'send' },
        }));
        check(res, { 'is 202-ish': (r) => r.status === 200, 'has json': (r) => (r.json() as { ok: boolean }).ok === true && r.headers['Content-Type'] === 'application/json' });
        accepted.add(1, { deliverable: 'true', category: 'otp' });
        size.add(String(res.body).length);
        good.add(true);
        last.add(exec.vu.idInTest);
      }
      export function handleSummary(data: { metrics: Record<string, unknown> }) {
        return { stdout: 'metrics: ' + Object.keys(data.metrics).length, 'out/summary.json': JSON.stringify(data) };
      }
    `);
    const out = await runScript({ scriptPath: path, env: { BASE: base }, onProgress: (p) => progress.push(p), ...quiet });
    expect(out.summary.denpa.failedThresholds, JSON.stringify([out.summary.denpa.errors, out.summary.metrics['messages_accepted{deliverable:true}'], out.summary.denpa.scenarios])).toEqual([]);
    expect(out.exitCode).toBe(EXIT_CODE.OK);
    const s = out.summary;
    expect(Object.keys(s).sort()).toEqual(['denpa', 'metrics', 'options', 'root_group', 'state']);
    expect(s.options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(s.state.testRunDurationMs).toBeGreaterThanOrEqual(1000);
    expect(s.metrics.iterations?.values.count).toBe(20);
    expect(s.metrics.http_reqs).toMatchObject({ type: 'counter', contains: 'default', values: { count: 20 } });
    expect(Object.keys(s.metrics.http_req_duration?.values ?? {}).sort()).toEqual(['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99.9)'].sort());
    expect(s.metrics.http_req_duration?.thresholds).toEqual({ 'p(95)<10000': { ok: true }, 'p(99.9)<20000': { ok: true } });
    expect(s.metrics['http_req_duration{expected_response:true}']?.values.max).toBeGreaterThan(0);
    expect(s.metrics['http_req_duration{category:otp}']?.thresholds).toEqual({ 'max<20000': { ok: true } });
    expect(s.metrics['messages_accepted{deliverable:true}']?.values.count).toBe(20);
    expect(s.metrics.checks?.values).toEqual({ rate: 1, passes: 40, fails: 0 });
    expect(s.metrics.good).toMatchObject({ type: 'rate', values: { rate: 1, passes: 20, fails: 0 } });
    expect(s.metrics.last_vu?.type).toBe('gauge');
    expect(s.metrics.body_size?.type).toBe('trend');
    expect(s.metrics.body_size?.contains).toBe('default');
    expect(s.metrics.http_req_failed?.values.rate).toBe(0);
    expect(s.metrics.data_sent?.contains).toBe('data');
    expect(s.metrics.vus_max?.values.value).toBe(20);
    expect(s.metrics.http_req_duration_intended?.values.avg).toBeGreaterThanOrEqual(s.metrics.http_req_duration?.values.avg as number);
    // root_group: checks inside group "send"? No: check() ran after the group returned.
    expect(s.root_group.groups.map((g) => g.path)).toEqual(['::send']);
    expect(s.root_group.checks.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['is 202-ish', 20, 0],
      ['has json', 20, 0],
    ]);
    expect(s.root_group.id).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(out.handleSummaryOutput?.stdout).toMatch(/^metrics: \d+$/);
    expect(JSON.parse(out.handleSummaryOutput?.['out/summary.json'] as string).metrics.iterations.values.count).toBe(20);
    // denpa extras
    expect(s.denpa.engine).toBe('builtin');
    expect(s.denpa.scenarios.otp).toMatchObject({ executor: 'constant-arrival-rate', planned: 20, started: 20, completed: 20, dropped: 0 });
    expect(s.denpa.intervals.length).toBeGreaterThanOrEqual(1);
    const reqs = s.denpa.intervals.reduce((a, i) => a + (i.metrics.http_reqs?.sink.type === 'counter' ? i.metrics.http_reqs.sink.count : 0), 0);
    expect(reqs).toBe(20);
    expect(typeof s.denpa.histograms.http_req_duration).toBe('string');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // One snapshot per second and a last one at the end, with live totals.
    expect(progress.at(-1)).toMatchObject({ totalMs: 1000, iterations: 20, droppedIterations: 0, httpReqs: 20, errors: 0 });
    expect(typeof progress.at(-1)?.targetRate).toBe('number');
    expect(progress.at(-1)?.counters.messages_accepted).toBe(20);
    expect(bodies.some((b) => b.includes('09012345678'))).toBe(true);
  });

  it('exits 99 when a threshold fails, naming it', async () => {
    const path = script(`
      import http from 'k6/http';
      export const options = { vus: 1, iterations: 3, thresholds: { http_req_failed: ['rate<0.5'], http_req_duration: ['p(95)<10000'] } };
      export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/x?status=503'); }
    `);
    const out = await runScript({ scriptPath: path, env: { BASE: base }, ...quiet });
    expect(out.exitCode).toBe(99);
    expect(out.summary.metrics.http_req_failed?.thresholds).toEqual({ 'rate<0.5': { ok: false } });
    expect(out.summary.metrics.http_req_failed?.values).toEqual({ rate: 1, passes: 3, fails: 0 });
    expect(out.summary.denpa.failedThresholds).toEqual(['http_req_failed: rate<0.5']);
    expect(out.summary.metrics['http_req_duration{expected_response:true}']).toBeUndefined();
  });

  it('abortOnFail stops the run early with 99', async () => {
    const path = script(`
      import http from 'k6/http';
      export const options = {
        scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, duration: '20s', preAllocatedVUs: 5 } },
        thresholds: { http_req_failed: [{ threshold: 'rate<0.1', abortOnFail: true }] },
      };
      export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/x?status=500'); }
    `);
    const t0 = Date.now();
    const out = await runScript({ scriptPath: path, env: { BASE: base }, ...quiet });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(out.exitCode).toBe(99);
    expect(out.summary.denpa.end).toMatchObject({ state: 'aborted', by: 'threshold' });
  });

  it('exec.test.abort() ends with 108; setup() throwing ends with 107', async () => {
    const aborting = script(`
      import exec from 'k6/execution';
      export const options = { vus: 1, iterations: 5 };
      export default function () { if (exec.scenario.iterationInTest === 1) exec.test.abort('enough'); }
    `);
    const a = await runScript({ scriptPath: aborting, ...quiet });
    expect(a.exitCode).toBe(108);
    expect(a.summary.denpa.end).toMatchObject({ state: 'aborted', by: 'script', reason: 'enough' });
    expect(a.summary.denpa.errors).toEqual([]);
    expect(a.summary.denpa.scenarios.default?.started).toBe(2);
    const throwing = script(`
      export function setup() { throw new Error('no carrier'); }
      export default function () {}
    `);
    const lines: string[] = [];
    const b = await runScript({ scriptPath: throwing, log: (l) => lines.push(l) });
    expect(b.exitCode).toBe(107);
    expect(lines.join('\n')).toContain('setup() threw: no carrier');
    expect(b.summary.metrics.iterations).toBeUndefined();
  });

  it('gives each VU its own JSON copy of setup data and its own module state; teardown gets the data', async () => {
    const path = script(`
      import exec from 'k6/execution';
      import { Counter } from 'k6/metrics';
      const seen = new Counter('seen');
      const bad = new Counter('bad');
      let mine = 0;
      export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } }, thresholds: { bad: ['count==0'] } };
      export function setup() { return { list: [1, 2, 3], at: new Date(0) }; }
      export default function (data: { list: number[]; at: string }) {
        mine++;
        if (mine !== exec.vu.iterationInScenario + 1) bad.add(1);
        if (data.list.length !== 3 + exec.vu.iterationInScenario) bad.add(1);
        if (typeof data.at !== 'string') bad.add(1);
        data.list.push(exec.vu.idInTest);
        seen.add(1, { vu: String(exec.vu.idInTest) });
      }
      export function teardown(data: { list: number[] }) { if (data.list.length !== 3) throw new Error('teardown saw ' + data.list.length); }
    `);
    const out = await runScript({ scriptPath: path, ...quiet });
    expect(out.summary.metrics.bad?.values.count).toBe(0);
    expect(out.summary.metrics.seen?.values.count).toBe(12);
    expect(out.exitCode).toBe(0);
  });

  it('counts dropped_iterations when every VU is busy (no queueing)', async () => {
    const path = script(`
      import http from 'k6/http';
      export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 1, maxVUs: 1 } } };
      export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/slow?delay=230'); }
    `);
    const out = await runScript({ scriptPath: path, env: { BASE: base }, ...quiet });
    const started = out.summary.metrics.iterations?.values.count as number;
    const dropped = out.summary.metrics.dropped_iterations?.values.count as number;
    expect(started + dropped).toBe(20);
    // One VU busy ~230 ms per iteration: starts at 0, 250, 500, 750 (every 5th slot).
    // (a loaded machine may stall an answer past a slot: allow one either way)
    expect(started).toBeGreaterThanOrEqual(2);
    expect(started).toBeLessThanOrEqual(6);
    expect(dropped).toBeGreaterThanOrEqual(14);
    expect(out.summary.denpa.scenarios.s?.dropped).toBe(dropped);
  });

  it('fails at once, naming the API, for unsupported k6 APIs and modules', async () => {
    const batch = script(`
      import http from 'k6/http';
      export default function () { http.batch([['GET', 'http://127.0.0.1:1/']]); }
    `);
    await expect(runScript({ scriptPath: batch, ...quiet })).rejects.toThrow(UnsupportedApiError);
    await expect(runScript({ scriptPath: batch, ...quiet })).rejects.toThrow(/http\.batch/);
    const named = script(`
      import { get } from 'k6/http';
      export default function () { get('http://127.0.0.1:1/'); }
    `);
    await expect(runScript({ scriptPath: named, ...quiet })).rejects.toThrow(/http\.get/);
    const ws = script(`
      import ws from 'k6/ws';
      export default function () { ws.connect('ws://127.0.0.1:1', {}, () => {}); }
    `);
    await expect(runScript({ scriptPath: ws, ...quiet })).rejects.toThrow(/k6\/ws/);
    const remote = script(`
      import { x } from 'https://jslib.k6.io/x/1.0.0/index.js';
      export default function () { x(); }
    `);
    await expect(runScript({ scriptPath: remote, ...quiet })).rejects.toThrow(/remote import/);
  });

  it('a threshold on an unknown metric is a configuration error (k6 exit 104)', async () => {
    const path = script(`
      export const options = { thresholds: { nope_metric: ['count==0'] } };
      export default function () {}
    `);
    const err = await runScript({ scriptPath: path, ...quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineConfigError);
    expect((err as EngineConfigError).exitCode).toBe(104);
    expect((err as Error).message).toContain('nope_metric');
  });

  it('durationScale stretches the schedule', async () => {
    const path = script(`
      export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 2 } } };
      export default function () {}
    `);
    const out = await runScript({ scriptPath: path, durationScale: 0.5, ...quiet });
    expect(out.summary.metrics.iterations?.values.count).toBe(5);
  });

  it('sleep() that is not awaited still paces the iteration; checks inside groups are nested', async () => {
    const path = script(`
      import { check, group, sleep } from 'k6';
      export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 2 } } };
      export default function () {
        group('outer', () => { group('inner', () => { check(1, { 'one is one': (v) => v === 1 }); }); });
        sleep(0.2);
      }
    `);
    const out = await runScript({ scriptPath: path, ...quiet });
    expect(out.summary.metrics.iteration_duration?.values.min).toBeGreaterThanOrEqual(195);
    const outer = out.summary.root_group.groups[0];
    expect(outer?.path).toBe('::outer');
    expect(outer?.groups[0]?.path).toBe('::outer::inner');
    expect(outer?.groups[0]?.checks[0]).toMatchObject({ name: 'one is one', path: '::outer::inner::one is one', passes: 2, fails: 0 });
    expect(out.summary.metrics.group_duration?.values).toBeDefined();
  });

  it('a refused connection is a failed request with status 0 and k6 error code 1212', async () => {
    const path = script(`
      import http from 'k6/http';
      import { check } from 'k6';
      export const options = { thresholds: { 'http_reqs{error_code:1212}': ['count==1'] } };
      export default async function () {
        const res = await http.asyncRequest('GET', 'http://127.0.0.1:1/nothing');
        check(res, { 'status 0': (r) => r.status === 0, 'error text': (r) => r.error.length > 0 });
      }
    `);
    const out = await runScript({ scriptPath: path, ...quiet });
    expect(out.exitCode).toBe(0);
    expect(out.summary.metrics.http_req_failed?.values).toEqual({ rate: 1, passes: 1, fails: 0 });
    expect(out.summary.metrics.checks?.values.passes).toBe(2);
  });

  it('SharedArray runs its callback once and open() reads files next to the script', async () => {
    writeFileSync(join(dir, 'numbers.json'), JSON.stringify(['09012345678', '08011112222']));
    const path = script(`
      import { SharedArray } from 'k6/data';
      import { Counter } from 'k6/metrics';
      const loads = new Counter('loads');
      let calls = 0;
      const numbers = new SharedArray('numbers', () => { calls++; return JSON.parse(open('./numbers.json')); });
      const frozen = new Counter('frozen');
      export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 1 } } };
      export default function () {
        loads.add(calls);
        try { (numbers as unknown as string[]).push('x'); } catch { frozen.add(1); }
        if (numbers.length !== 2 || numbers[0] !== '09012345678') throw new Error('bad shared array');
      }
    `);
    const out = await runScript({ scriptPath: path, ...quiet });
    // Only the first VU to initialise (VU 0) ran the callback: the others saw calls = 0.
    expect(out.summary.metrics.loads?.values.count).toBe(0);
    expect(out.summary.metrics.frozen?.values.count).toBe(3);
    expect(out.summary.denpa.errors).toEqual([]);
  });
});

