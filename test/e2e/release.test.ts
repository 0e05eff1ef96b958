// The release gate end to end, through the CLI a user runs: the healthy
// suite ends GO (exit 0) and the deliberately broken scenario ends NO-GO
// (exit 99) with reports naming the broken threshold. Every service is a
// child process of the CLI; the test checks none outlives it.
// Durations are scaled down (CI has 2 cores); the SLAs are the same.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const children = new Set<ReturnType<typeof spawn>>();

function denpa(args: string[], timeoutMs: number): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/denpa.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** pids of processes whose command line mentions `text` (Linux /proc). */
async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmd.includes(text)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

describe('denpa gate and denpa run, end to end', () => {
  let out: string;
  let baselines: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-e2e-'));
    baselines = await mkdtemp(join(tmpdir(), 'denpa-e2e-baselines-'));
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await rm(out, { recursive: true, force: true });
    await rm(baselines, { recursive: true, force: true });
  });

  it('the broken scenario (docomo black hole during OTP) ends NO-GO with exit 99, naming otp_on_time', async () => {
    const r = await denpa(['run', 'scenarios/broken-otp-blackhole.ts', '--engine', 'builtin', '--out', out, '--run-id', 'BRKN', '--duration-scale', '0.7', '--settle-timeout', '15', '--progress', 'lines'], 150_000);
    expect(r.stderr).toContain('FAIL');
    expect(r.code).toBe(99);
    const md = await readFile(join(out, 'BRKN', 'summary.md'), 'utf8');
    expect(md).toMatch(/otp_on_time/);
    const junit = await readFile(join(out, 'BRKN', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure[^>]*>[^<]*otp_on_time|otp_on_time[^\n]*\n?[^\n]*<failure/);
    const summary = JSON.parse(await readFile(join(out, 'BRKN', 'summary.json'), 'utf8')) as { verdict: { thresholds: Array<{ metric: string; state: string }> } };
    expect(summary.verdict.thresholds.find((t) => t.metric === 'otp_on_time')?.state).toBe('failed');
    expect(await processesMentioning(join(out, 'BRKN'))).toEqual([]);
  }, 180_000);

  it('the healthy release suite ends GO with exit 0 and one release-judgement sheet', async () => {
    // Ported numbers are in the traffic (the default): the core looks up each
    // number's serving carrier, and mnp-ported judges OTPs to ported numbers.
    const r = await denpa(['gate', '--engine', 'builtin', '--out', out, '--baselines', baselines, '--duration-scale', '0.5', '--progress', 'lines'], 280_000);
    const sheetDir = (await readdir(out)).find((d) => d.startsWith('gate-'));
    expect(sheetDir, r.stderr.slice(-2000)).toBeDefined();
    const sheet = JSON.parse(await readFile(join(out, sheetDir as string, 'gate.json'), 'utf8')) as { decision: string; reasons: string[]; scenarios: Array<{ scenario: string; state: string }> };
    expect(sheet.reasons).toEqual([]);
    expect(sheet.decision).toBe('GO');
    expect(r.code).toBe(0);
    expect(sheet.scenarios.map((s) => s.scenario)).toEqual(['otp-steady', 'otp-promotion-blast', 'carrier-outage', 'receipt-backlog', 'throttling-carrier', 'mnp-ported', 'carrier-outage-fallback']);
    expect(r.stdout).toContain('GO');
    const md = await readFile(join(out, sheetDir as string, 'gate.md'), 'utf8');
    expect(md).toContain('otp_on_time');
  }, 300_000);
});
