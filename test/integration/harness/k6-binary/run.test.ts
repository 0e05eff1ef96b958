// The user's real k6 (PATH or K6_BIN) against a local HTTP server. Skipped,
// with the reason on stderr, when there is no k6 1.x.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as hdr from 'hdr-histogram-js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../../src/harness/k6-binary/binary.ts';
import { realK6 } from '../../../support/real-k6.ts';
import { runScenarioOnK6, type K6RunResult } from '../../../../src/harness/k6-binary/run.ts';
import { K6Error } from '../../../../src/harness/k6-binary/errors.ts';
import type { K6Progress } from '../../../../src/harness/k6-binary/progress.ts';
import { decodeProbe } from '../../../../src/probe/index.ts';

const k6 = await realK6('runK6 on the real k6');

const PROBE = JSON.stringify(join(REPO_ROOT, 'src', 'probe', 'index.ts'));

// 20 iterations/s for 2 s: 40 POSTs, each carrying a probe token.
const scenario = (thresholds: string): string => `
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { withProbe } from ${PROBE};

const accepted = new Counter('messages_accepted');

export const options: Options = {
  scenarios: {
    otp: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 4, maxVUs: 8, tags: { category: 'otp' } },
  },
  thresholds: ${thresholds},
};

export default async function (): Promise<void> {
  const seq = exec.scenario.iterationInTest;
  const text = withProbe('認証コード 123456', { runId: 'AB12', seq, category: 'otp', sentAtMs: Date.now() });
  const res = await http.asyncRequest('POST', __ENV.TARGET_URL + '/v1/messages', JSON.stringify({ text }), { headers: { 'Content-Type': 'application/json' } });
  if (check(res, { 'accepted (202)': (r) => r.status === 202 })) accepted.add(1, { category: 'otp' });
}
`;

describe.skipIf(!k6)('runK6 on the real k6', () => {
  let server: Server;
  let url: string;
  let dir: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-k6-run-'));
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        bodies.push(body);
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

  async function run(name: string, source: string, env: Record<string, string> = {}, progress?: K6Progress[]): Promise<K6RunResult> {
    const file = join(dir, `${name}.ts`);
    await writeFile(file, source);
    return runScenarioOnK6({
      scenarioPath: file,
      env: { TARGET_URL: url, ...env },
      outDir: join(dir, name),
      k6,
      timeoutMs: 60_000,
      ...(progress ? { onProgress: (p: K6Progress) => progress.push(p) } : {}),
    });
  }

  it('returns k6\'s end-of-test data in handleSummary shape, thresholds held', async () => {
    bodies.length = 0;
    const progress: K6Progress[] = [];
    const result = await run('healthy', scenario(`{
      'http_req_duration{category:otp}': ['p(95)<2000', 'p(99.9)<3000'],
      http_req_failed: ['rate<0.01'],
      checks: ['rate>0.99'],
      'messages_accepted{category:otp}': ['count>=0'],
      otp_on_time: ['rate>=0.99'],
      messages_lost: ['count==0'],
    }`), {}, progress);

    expect(result.exitCode).toBe(0);
    expect(result.outcome).toEqual({ state: 'passed', exitCode: 0 });
    const { summary } = result;
    expect(summary.denpa).toMatchObject({ engine: 'k6', k6Version: k6?.version.text, k6ExitCode: 0 });
    expect(summary.denpa.samplesError).toBeUndefined();
    expect(summary.state.testRunDurationMs).toBeGreaterThan(1900);
    expect(summary.root_group).toMatchObject({ name: '', path: '' });

    // Every request reached the server and was counted once.
    expect(summary.metrics.http_reqs).toMatchObject({ type: 'counter', contains: 'default' });
    expect(summary.metrics.http_reqs?.values.count).toBe(bodies.length);
    expect(bodies.length).toBeGreaterThanOrEqual(39);
    expect(bodies.length).toBeLessThanOrEqual(41);
    expect(summary.metrics.iterations?.values.count).toBe(bodies.length);
    expect(summary.metrics['messages_accepted{category:otp}']?.values.count).toBe(bodies.length);

    // The probe token code ran inside k6 and produced valid tokens.
    const seqs = bodies.map((b) => decodeProbe((JSON.parse(b) as { text: string }).text, Date.now()));
    expect(seqs.every((d) => d?.intact === true && d.runId === 'AB12' && d.category === 'otp')).toBe(true);
    expect(new Set(seqs.map((d) => d?.seq)).size).toBe(bodies.length);

    // Trends carry the default stats, p(99) and the percentiles thresholds name.
    const duration = summary.metrics['http_req_duration{category:otp}'];
    expect(duration).toMatchObject({ type: 'trend', contains: 'time' });
    expect(Object.keys(duration?.values ?? {}).sort()).toEqual(['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)']);
    expect(duration?.thresholds).toEqual({ 'p(95)<2000': { ok: true }, 'p(99.9)<3000': { ok: true } });
    expect(summary.metrics.checks).toMatchObject({ type: 'rate', values: { rate: 1, passes: bodies.length, fails: 0 }, thresholds: { 'rate>0.99': { ok: true } } });
    expect(summary.metrics.vus_max).toMatchObject({ type: 'gauge', values: { value: expect.any(Number), min: expect.any(Number), max: expect.any(Number) } });

    // Delivery thresholds were not given to k6 but are reported for the judge.
    expect(summary.metrics.otp_on_time).toBeUndefined();
    expect(summary.options.thresholds?.otp_on_time).toEqual(['rate>=0.99']);
    expect(summary.options.thresholds?.messages_lost).toEqual(['count==0']);

    // Per-second figures from k6's samples add up to the totals.
    const intervals = summary.denpa.intervals ?? [];
    expect(intervals.length).toBeGreaterThanOrEqual(2);
    expect(intervals.length).toBeLessThanOrEqual(4);
    const sum = (key: string): number => intervals.reduce((n, i) => n + (i.counts[key] ?? 0), 0);
    expect(sum('iterations')).toBe(bodies.length);
    expect(sum('http_reqs')).toBe(bodies.length);
    expect(sum('messages_accepted')).toBe(bodies.length);
    expect(sum('http_req_failed')).toBe(0);
    expect(intervals.filter((i) => i.histograms.http_req_duration !== undefined).length).toBeGreaterThanOrEqual(2);
    const whole = hdr.decodeFromCompressedBase64(summary.denpa.histograms?.http_req_duration ?? '');
    expect(whole.totalCount).toBe(bodies.length);
    // µs in the histogram vs ms in k6's summary: the same maximum within HDR's 0.1 %.
    expect(whole.maxValue / 1000).toBeCloseTo(summary.metrics.http_req_duration?.values.max ?? 0, 0);
    await expect(access(join(dir, 'healthy', 'k6-samples.json.gz'))).rejects.toThrow();

    // Live progress came through while k6 ran.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)?.completeIterations).toBe(bodies.length);
    expect(progress.some((p) => p.achievedItersPerSecond > 10 && p.achievedItersPerSecond < 30)).toBe(true);
    expect(progress.some((p) => p.scenarios.some((s) => s.name === 'otp' && s.targetItersPerSecond === 20))).toBe(true);
  });

  it('reports a failed threshold as exit 99 with a valid summary', async () => {
    const result = await run('failing', scenario(`{ http_req_duration: ['max<0'], checks: ['rate>0.99'] }`));
    expect(result.exitCode).toBe(99);
    expect(result.outcome).toEqual({ state: 'failed', exitCode: 99, reason: 'thresholds' });
    expect(result.summary.metrics.http_req_duration?.thresholds).toEqual({ 'max<0': { ok: false } });
    expect(result.summary.metrics.checks?.thresholds).toEqual({ 'rate>0.99': { ok: true } });
    expect(result.summary.denpa.k6ExitCode).toBe(99);
  });

  it('maps an invalid configuration (exit 104) to a run that could not be made', async () => {
    const err = await run('invalid', scenario(`{ no_such_metric: ['count>0'] }`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(K6Error);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_INVALID_CONFIG');
    expect((err as K6Error).k6ExitCode).toBe(104);
    expect((err as K6Error).exitCode).toBe(104);
    expect((err as K6Error).message).toContain('no_such_metric');
  });

  it('maps an exception in init (exit 107) to a run that could not be made', async () => {
    const err = await run('throws', `throw new Error('boom at init');\nexport default function () {}\n`).catch((e: unknown) => e);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_SCRIPT_EXCEPTION');
    expect((err as K6Error).k6ExitCode).toBe(107);
    expect((err as K6Error).message).toContain('boom at init');
  });

  it('maps test.abort() (exit 108)', async () => {
    const source = `import exec from 'k6/execution';\nexport const options = { vus: 1, iterations: 1 };\nexport default function () { exec.test.abort('stop here'); }\n`;
    const err = await run('aborts', source).catch((e: unknown) => e);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_SCRIPT_ABORTED');
    expect((err as K6Error).k6ExitCode).toBe(108);
  });

  it('gives __ENV only the run\'s env, not the harness\'s process env', async () => {
    process.env.DENPA_K6_LEAK_CHECK = 'leaked';
    try {
      const source = `import { check } from 'k6';\nexport const options = { vus: 1, iterations: 1, thresholds: { checks: ['rate==1'] } };\nexport default function () { check(0, { isolated: () => __ENV.DENPA_K6_LEAK_CHECK === undefined && __ENV.GIVEN === 'yes' && __ENV.DURATION_SCALE === '2' }); }\n`;
      const file = join(dir, 'env.ts');
      await writeFile(file, source);
      const result = await runScenarioOnK6({ scenarioPath: file, env: { GIVEN: 'yes' }, durationScale: 2, outDir: join(dir, 'env'), k6, timeoutMs: 60_000 });
      expect(result.summary.metrics.checks?.values).toMatchObject({ passes: 1, fails: 0 });
      expect(result.exitCode).toBe(0);
    } finally {
      delete process.env.DENPA_K6_LEAK_CHECK;
    }
  });

  it('interrupts k6 at the time bound', async () => {
    const source = `import { sleep } from 'k6';\nexport const options = { vus: 1, duration: '60s' };\nexport default function () { sleep(1); }\n`;
    const file = join(dir, 'slow.ts');
    await writeFile(file, source);
    const started = Date.now();
    const err = await runScenarioOnK6({ scenarioPath: file, env: {}, outDir: join(dir, 'slow'), k6, timeoutMs: 1500 }).catch((e: unknown) => e);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
