import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baselineFromRun,
  compareWithBaseline,
  DEFAULT_TOLERANCE,
  gateExitCode,
  judgeGate,
  readBaseline,
  writeBaseline,
  type Baseline,
  type BaselineFigure,
} from '../../../../src/harness/judge/index.ts';
import type { RunResult } from '../../../../src/harness/run-result/index.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';
import { buildRunResult } from '../report/run-fixture.ts';

function baselineWith(figures: BaselineFigure[], scenario = 'otp-steady'): Baseline {
  return { schema: 'denpa.baseline/1', scenario, runId: 'BASE', recordedAt: 0, engine: 'builtin', durationScale: 1, environment: { cpus: 2, node: 'v20', platform: 'linux' }, figures };
}

/** A run whose only figures are the given metric values. */
function runWith(values: Record<string, Record<string, number>>): RunResult {
  const run = buildRunResult({ seconds: 2, ratePerSecond: 10, thresholds: {} });
  const metrics: RunResult['summary']['metrics'] = {};
  for (const [name, v] of Object.entries(values)) metrics[name] = { type: 'trend', contains: 'time', values: v };
  return { ...run, summary: { ...run.summary, metrics }, delivery: undefined, verdict: { outcome: 'pass', thresholds: [], failed: 0 } };
}

describe('the tolerance rule: worse by more than max(relative × baseline, floor)', () => {
  it.each([
    // latency, lower is better: 50 % relative, 50 ms floor
    { kind: 'latency', better: 'lower', baseline: 200, current: 299, regressed: false },
    { kind: 'latency', better: 'lower', baseline: 200, current: 301, regressed: true },
    { kind: 'latency', better: 'lower', baseline: 100, current: 20, regressed: false },
    { kind: 'latency', better: 'lower', baseline: 14, current: 63.9, regressed: false }, // floor: +49.9 ms on a 14 ms p95 is scheduler noise
    { kind: 'latency', better: 'lower', baseline: 14, current: 64.5, regressed: true },
    // throughput, higher is better: 10 % relative, 1/s floor
    { kind: 'throughput', better: 'higher', baseline: 500, current: 451, regressed: false },
    { kind: 'throughput', better: 'higher', baseline: 500, current: 449, regressed: true },
    { kind: 'throughput', better: 'higher', baseline: 500, current: 900, regressed: false },
    // ratios: 0.02 absolute
    { kind: 'ratio', better: 'higher', baseline: 0.99, current: 0.975, regressed: false },
    { kind: 'ratio', better: 'higher', baseline: 0.99, current: 0.96, regressed: true },
    { kind: 'ratio', better: 'lower', baseline: 0.001, current: 0.03, regressed: true },
    // counts: 10 %, floor 1
    { kind: 'count', better: 'lower', baseline: 0, current: 1, regressed: false },
    { kind: 'count', better: 'lower', baseline: 0, current: 2, regressed: true },
  ] as const)('$kind $better-is-better: $baseline -> $current regressed=$regressed', ({ kind, better, baseline, current, regressed }) => {
    const [c] = compareWithBaseline(runWith({ m: { x: current } }), baselineWith([{ metric: 'm', aggregation: 'x', value: baseline, better, kind }]));
    expect(c).toMatchObject({ regressed, baseline, current });
    const rule = DEFAULT_TOLERANCE[kind];
    expect(c?.allowed).toBeCloseTo(Math.max(rule.relative * baseline, rule.absolute), 10);
  });

  it('skips figures the current run does not have', () => {
    expect(compareWithBaseline(runWith({}), baselineWith([{ metric: 'gone', aggregation: 'p(95)', value: 1, better: 'lower', kind: 'latency' }]))).toEqual([]);
  });
});

describe('baselineFromRun', () => {
  it('records every SLA figure with its direction, plus throughput and latency', () => {
    const b = baselineFromRun(buildRunResult());
    const find = (metric: string, aggregation: string) => b.figures.find((f) => f.metric === metric && f.aggregation === aggregation);
    expect(find('http_req_duration', 'p(95)')).toMatchObject({ better: 'lower', kind: 'latency' });
    expect(find('otp_on_time', 'rate')).toMatchObject({ better: 'higher', kind: 'ratio', value: 1 });
    expect(find('messages_lost', 'count')).toMatchObject({ better: 'lower', kind: 'count', value: 0 });
    expect(find('http_reqs', 'rate')).toMatchObject({ better: 'higher', kind: 'throughput', value: 50 });
    // '==' gives no direction, but counters of trouble are lower-is-better
    expect(find('dropped_iterations', 'count')).toMatchObject({ better: 'lower', kind: 'count', value: 0 });
    expect(compareWithBaseline(buildRunResult(), b).every((c) => !c.regressed && c.worseBy === 0)).toBe(true);
  });

  it('leaves out volume counts (more-is-better counts depend on the scenario and its duration scale)', () => {
    const run = buildRunResult({ thresholds: { 'messages_accepted{category:otp}': ['count>=0'], http_reqs: ['count>10'], messages_lost: ['count==0'] } });
    const metrics = baselineFromRun(run).figures.map((f) => `${f.metric} ${f.aggregation}`);
    expect(metrics).toContain('messages_lost count');
    expect(metrics).not.toContain('messages_accepted{category:otp} count');
    expect(metrics).not.toContain('http_reqs count');
    expect(metrics).toContain('http_reqs rate');
  });
});

describe('judgeGate', () => {
  const healthy = buildRunResult();
  const broken = buildRunResult({ blackHole: 'docomo' });

  it('is GO when every SLA holds and nothing regressed', () => {
    const sheet = judgeGate({ runs: [healthy], baselines: { 'otp-steady': baselineFromRun(healthy) }, generatedAt: 1 });
    expect(sheet).toMatchObject({ decision: 'GO', reasons: [] });
    expect(gateExitCode(sheet)).toBe(0);
  });

  it('is NO-GO naming the broken SLA with figure and limit', () => {
    const sheet = judgeGate({ runs: [healthy, broken], baselines: {}, generatedAt: 1 });
    expect(sheet.decision).toBe('NO-GO');
    expect(gateExitCode(sheet)).toBe(99);
    expect(sheet.reasons).toEqual(['otp-black-hole: SLA otp_on_time: rate>=0.95 failed (figure 0.6660, limit >= 0.9500)']);
    expect(sheet.scenarios.map((s) => s.state === 'judged' && s.baseline.state)).toEqual(['missing', 'missing']);
  });

  it('is NO-GO on a regression beyond tolerance, unless regressions do not block', () => {
    const base = baselineFromRun(healthy);
    const faster = { ...base, figures: base.figures.map((f) => (f.metric === 'http_req_duration' && f.aggregation === 'p(95)' ? { ...f, value: f.value / 3 } : f)) };
    const sheet = judgeGate({ runs: [healthy], baselines: { 'otp-steady': faster }, generatedAt: 1 });
    expect(sheet.decision).toBe('NO-GO');
    expect(sheet.reasons).toHaveLength(1);
    expect(sheet.reasons[0]).toMatch(/^otp-steady: regression http_req_duration p\(95\) 171\.9 ms vs baseline 57\.30 ms/);
    const lenient = judgeGate({ runs: [healthy], baselines: { 'otp-steady': faster }, regressionsBlock: false, generatedAt: 1 });
    expect(lenient.decision).toBe('GO');
    expect(lenient.scenarios[0]?.state === 'judged' && lenient.scenarios[0].regressions).toHaveLength(1);
  });

  it('is NO-GO when a scenario could not be run, or none ran', () => {
    expect(judgeGate({ runs: [healthy], notRun: [{ scenario: 'outage', reason: 'port in use' }], baselines: {}, generatedAt: 1 }).reasons).toEqual([
      'outage: not run (port in use)',
    ]);
    expect(judgeGate({ runs: [], baselines: {}, generatedAt: 1 })).toMatchObject({ decision: 'NO-GO', reasons: ['no scenario ran'] });
  });
});

describe('baseline files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-baseline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through reports/baselines/<scenario>.json', async () => {
    const run = buildRunResult();
    const path = await writeBaseline(dir, run);
    expect(path).toBe(join(dir, 'otp-steady.json'));
    expect(await readBaseline(dir, 'otp-steady')).toEqual(baselineFromRun(run));
    expect(await readBaseline(dir, 'never-recorded')).toBeUndefined();
  });

  it.each([
    { text: '{', message: /not JSON/ },
    { text: '{"schema":"other"}', message: /schema must be/ },
    { text: '{"schema":"denpa.baseline/1","scenario":"bad","figures":[]}', message: /scenario must be "bad-file"/ },
    { text: '{"schema":"denpa.baseline/1","scenario":"bad-file","figures":[{"metric":"m","aggregation":"x","value":"1","better":"lower","kind":"latency"}]}', message: /figures\[0\]\.value must be a finite number/ },
    { text: '{"schema":"denpa.baseline/1","scenario":"bad-file","figures":[{"metric":"m","aggregation":"x","value":1,"better":"up","kind":"latency"}]}', message: /figures\[0\]\.better/ },
  ])('rejects a malformed file naming the key: $message', async ({ text, message }) => {
    await writeFile(join(dir, 'bad-file.json'), text);
    await expect(readBaseline(dir, 'bad-file')).rejects.toBeInstanceOf(RunFailure);
    await expect(readBaseline(dir, 'bad-file')).rejects.toThrow(message);
  });

  it('refuses a scenario name that is not a plain file name', async () => {
    await expect(writeBaseline(dir, { ...buildRunResult(), scenario: '../escape' })).rejects.toThrow(/cannot name a baseline file/);
    expect(await readFile(join(dir, 'otp-steady.json'), 'utf8')).toContain('"schema": "denpa.baseline/1"');
  });
});
