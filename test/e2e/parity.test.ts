// Cross-engine parity, end to end: the same scenario once on the built-in
// engine and once on the real k6, each through `denpa run` against a fresh
// embedded core and simulator. They must agree on which thresholds pass and
// fail, on the achieved iteration rate (within 3 %), on HTTP p50 (within
// 25 %) and p99 (within 50 %): both measure the same gateway with different
// clients, and on the message counts in the simulator's ledger.
// Skipped, with the reason on stderr, when the user has no k6 1.x (PATH or K6_BIN).
// Prints the measured figures.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/harness/k6-binary/binary.ts';
import { realK6 } from '../support/real-k6.ts';

const k6 = await realK6('parity e2e');

// 1,200 samples per engine: p99 is the twelfth-largest, so one stretch
// without a CPU or one GC pause on a shared machine no longer decides it (at
// 20/s for 10 s it was the third-largest of 200, and the test passed 6 of 13
// runs; see docs/k6.md). 60/s stays inside the local links (3 x 30/s).
const RATE = 60;
const SECONDS = 20;

// A steady OTP scenario built from the release suite's own library. Its
// thresholds are chosen far from the figures a healthy run gives, some to
// pass and some to fail, so that only a real disagreement between the
// engines flips one (the suite's own SLAs sit near the figures on a busy
// 2-core machine). Generous VUs: a dropped iteration is not what is compared.
const SCENARIO = `
import type { Options } from 'k6/options';
import { sendMessage } from ${JSON.stringify(join(REPO_ROOT, 'scenarios/lib/traffic.ts'))};
import ${JSON.stringify(join(REPO_ROOT, 'scenarios/lib/delivery.ts'))};

export const options: Options = {
  scenarios: {
    otp: { executor: 'constant-arrival-rate', rate: ${RATE}, timeUnit: '1s', duration: '${SECONDS}s', preAllocatedVUs: 40, maxVUs: 80, exec: 'otp', tags: { category: 'otp' } },
  },
  thresholds: {
    'http_req_duration{category:otp}': ['p(99)<30000', 'max<1'],
    'http_req_failed{category:otp}': ['rate<0.05'],
    checks: ['rate>0.95'],
    'messages_accepted{category:otp}': ['count>=${RATE * SECONDS * 0.9}', 'count<${RATE * SECONDS * 0.5}'],
    // otp_on_time's denominator: OTPs accepted for handsets that exist.
    'messages_accepted{category:otp,deliverable:true}': ['count>=0'],
    otp_on_time: ['rate>=0.5'],
    messages_lost: ['count==0'],
    messages_duplicated: ['count==0'],
    'delivery_latency{category:otp}': ['p(95)<60000', 'min<0'],
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}
`;

interface Thresholds {
  state: string;
  metric: string;
  expression: string;
}

interface RunFile {
  engine: string;
  exitCode: number;
  summary: { metrics: Record<string, { values: Record<string, number> } | undefined> };
  delivery?: { details: { seen: number; lost: number; accepted: { total: number } } };
  verdict: { outcome: string; thresholds: Thresholds[] };
}

interface CliResult {
  code: number | null;
  stderr: string;
}

function denpa(args: string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/denpa.js', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function figures(run: RunFile): { iterations: number; rate: number; p50: number; p99: number; accepted: number; ledger: number } {
  const m = run.summary.metrics;
  const d = m['http_req_duration{category:otp}']?.values ?? {};
  const iterations = m.iterations?.values.count ?? 0;
  return {
    iterations,
    rate: iterations / SECONDS,
    p50: d.med ?? Number.NaN,
    p99: d['p(99)'] ?? Number.NaN,
    accepted: run.delivery?.details.accepted.total ?? Number.NaN,
    ledger: run.delivery?.details.seen ?? Number.NaN,
  };
}

/** Where the time went, phase by phase (k6's definitions on both engines). */
const phases = (run: RunFile): string =>
  ['blocked', 'sending', 'waiting', 'receiving'].map((p) => run.summary.metrics[`http_req_${p}`]?.values.med?.toFixed(3) ?? '-').join('/');

const states = (run: RunFile): Record<string, string> =>
  Object.fromEntries(run.verdict.thresholds.map((t) => [`${t.metric}: ${t.expression}`, t.state]));

describe.skipIf(!k6)('parity: the same scenario on the built-in engine and on k6', () => {
  let out: string;
  let scenario: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-parity-e2e-'));
    scenario = join(out, 'parity-otp.ts');
    await writeFile(scenario, SCENARIO);
  });
  afterAll(async () => {
    // DENPA_KEEP_PARITY_RUNS=1 keeps both run directories (summary.json with
    // per-second intervals, reports) to see where a disagreement came from.
    if (process.env.DENPA_KEEP_PARITY_RUNS === '1') process.stdout.write(`parity runs kept in ${out}\n`);
    else await rm(out, { recursive: true, force: true });
  });

  it('agrees on thresholds, rate, latency and ledger counts', async () => {
    const runs: Record<string, RunFile> = {};
    for (const [engine, runId] of [['builtin', 'PAB1'], ['k6', 'PAK1']] as const) {
      const r = await denpa(['run', scenario, '--engine', engine, '--run-id', runId, '--out', out, '--progress', 'off', '--settle-timeout', '60'], 240_000);
      expect([0, 99], `${engine}: ${r.stderr.slice(-500)}`).toContain(r.code);
      runs[engine] = JSON.parse(await readFile(join(out, runId, 'summary.json'), 'utf8')) as RunFile;
    }
    const builtin = runs.builtin as RunFile;
    const onK6 = runs.k6 as RunFile;
    const b = figures(builtin);
    const k = figures(onK6);
    const pct = (x: number, ref: number): string => `${((100 * (x - ref)) / ref).toFixed(1)} %`;
    process.stdout.write(
      `parity (${RATE}/s for ${SECONDS}s through the embedded core and simulator; load average ${loadavg()[0]?.toFixed(1)})\n  k6 ${k6?.version.text}: ${JSON.stringify(k)}\n  built-in: ${JSON.stringify(b)}\n` +
        `  built-in vs k6: rate ${pct(b.rate, k.rate)}, p50 ${pct(b.p50, k.p50)}, p99 ${pct(b.p99, k.p99)}\n` +
        `  medians (blocked/sending/waiting/receiving ms): k6 ${phases(onK6)}; built-in ${phases(builtin)}\n`,
    );

    expect(builtin.engine).toBe('builtin');
    expect(onK6.engine).toBe('k6');
    // The same thresholds pass and fail, and the designed failures are failures.
    expect(states(onK6)).toEqual(states(builtin));
    expect(states(onK6)['http_req_duration{category:otp}: max<1']).toBe('failed');
    expect(states(onK6)['messages_lost: count==0']).toBe('passed');
    expect(onK6.verdict.outcome).toBe('fail');
    expect(builtin.exitCode).toBe(99);
    expect(onK6.exitCode).toBe(99);

    expect(Math.abs(b.rate - k.rate) / k.rate).toBeLessThanOrEqual(0.03);
    // Latency: within 25 % (p50) and 50 % (p99), the parity rule of docs/k6.md. Both
    // engines time http_req_duration the same way (sending + waiting +
    // receiving; the wait for a connection is http_req_blocked), so no
    // allowance for the client is needed.
    expect(Math.abs(b.p50 - k.p50) / k.p50).toBeLessThanOrEqual(0.25);
    expect(Math.abs(b.p99 - k.p99) / k.p99).toBeLessThanOrEqual(0.5);

    // The ledger saw every accepted message, on both engines, and as many.
    expect(b.ledger).toBe(b.accepted);
    expect(k.ledger).toBe(k.accepted);
    expect(Math.abs(b.ledger - k.ledger)).toBeLessThanOrEqual(Math.max(1, Math.round(k.ledger * 0.01)));
    expect(builtin.delivery?.details.lost).toBe(0);
    expect(onK6.delivery?.details.lost).toBe(0);
  }, 600_000);
});
