// `denpa run --core-nodes 2 --store postgres`, as a user runs it: a local
// PostgreSQL cluster, two cores on one database, the round-robin proxy in
// front. The smoke scenario must pass end to end through the proxy, both
// nodes must take requests, the reports must name the deployment, and every
// process the run started (cluster, cores, proxy, simulator, sink) must be
// gone when the command returns.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDenpa } from '../../../support/denpa-cli.ts';
import { havePostgres } from '../../../support/postgres.ts';

/**
 * Whether a process still runs. A zombie has exited: pg_ctl leaves the
 * postmaster to init, and an init that does not reap (a container's) keeps
 * it as a zombie.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.runIf(havePostgres('multi-node run'))('denpa run --core-nodes 2 --store postgres', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-multi-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('judges otp-smoke through the proxy on two nodes and stops everything it started', async () => {
    const r = await runDenpa(['run', 'scenarios/otp-smoke.ts', '--core-nodes', '2', '--store', 'postgres', '--engine', 'builtin', '--run-id', 'MN01', '--out', out, '--progress', 'lines', '--warm-up', '10'], { SMOKE_MESSAGES: '30' }, 120_000);
    expect(r.stderr).toMatch(/otp-smoke on 2×core\/postgres \[MN01\] PASS: 5\/5 thresholds held/);
    expect(r.code).toBe(0);
    const runDir = join(out, 'MN01');
    const runJson = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { deployment: unknown; stackPids: number[] };
    expect(runJson.deployment).toEqual({ nodes: 2, store: 'postgres', externalStore: false });
    // simulator, sink, PostgreSQL, two cores, the proxy
    expect(runJson.stackPids).toHaveLength(6);
    for (const pid of runJson.stackPids) expect(alive(pid), `pid ${pid}`).toBe(false);
    const proxyLog = await readFile(join(runDir, 'logs', 'proxy.log'), 'utf8');
    const counts = Object.values(JSON.parse(/requests per node (\{.*\})/.exec(proxyLog)?.[1] ?? '{}') as Record<string, number>);
    expect(counts).toHaveLength(2);
    // 30 sends + 10 warm-up OTPs + status reads, alternating: each node took about half.
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(20);
    expect(Math.abs((counts[0] as number) - (counts[1] as number))).toBeLessThanOrEqual(1);
    expect(await readFile(join(runDir, 'summary.md'), 'utf8')).toContain('2 core nodes on PostgreSQL (local cluster), round-robin proxy in front');
  }, 150_000);
});
