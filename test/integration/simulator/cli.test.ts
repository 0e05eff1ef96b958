// `denpa sim` as a user runs it: prints where everything listens, serves,
// stops cleanly on SIGTERM; a bad config file exits 2 naming file and key.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function denpa(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('denpa sim', () => {
  it('prints where each carrier and the control API listen, serves, and stops on SIGTERM', async () => {
    const p = denpa(['sim', '--seed', '3', '--docomo-port', '0', '--au-port', '0', '--softbank-port', '0', '--aggregator-port', '0', '--control-port', '0']);
    await until(() => /control\s+HTTP\s+http:\/\/127\.0\.0\.1:\d+/.test(p.out()), 50_000);
    for (const c of ['docomo', 'au', 'softbank', 'aggregator']) expect(p.out()).toMatch(new RegExp(`${c}\\s+SMPP\\s+127\\.0\\.0\\.1:\\d+`));
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())?.[1] as string;
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('exits 2 with the file and key of a bad profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'denpa-sim-cli-'));
    const file = join(dir, 'sim.json');
    writeFileSync(file, JSON.stringify({ carriers: { au: { latency: { kind: 'lognormal', p50: 10, p99: 5 } } } }));
    const p = denpa(['sim', '--config', file, '--docomo-port', '0', '--au-port', '0', '--softbank-port', '0', '--aggregator-port', '0', '--control-port', '0']);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('sim.json: carriers.au.latency.p99: must be >= p50');
  });
});
