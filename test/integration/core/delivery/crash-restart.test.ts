// kill -9 in the middle of a run, restart on the same data directory: every
// accepted message reaches a handset (the simulator's truth ledger), every
// one ends in a final state, and duplicates stay within binds x window.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { withProbe } from '../../../../src/probe/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { startFastSimulator, tempDir, waitUntil } from './fixture.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const KEY = 'denpa-dev-key';
let sim: RunningSimulator | undefined;
const children: ChildProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
  }
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  sim = dir = undefined;
});

function startCore(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'core', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`core not up in 30 s:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`core exited ${code}:\n${out}`));
    });
  });
}

async function waitingCount(url: string): Promise<number> {
  let n = 0;
  for (const state of ['accepted', 'queued', 'submitted']) {
    const res = await fetch(`${url}/v1/messages?state=${state}&limit=1000`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await res.json()) as { messages: unknown[] };
    n += body.messages.length;
  }
  return n;
}

it('restarts after kill -9 and finishes every accepted message (checked against the truth ledger)', async () => {
  // 30 ms per submit_sm_resp keeps plenty on the wire when the core dies.
  sim = await startFastSimulator(11, { latency: { kind: 'constant', ms: 30 } });
  dir = tempDir();
  const configFile = path.join(dir, 'core.json');
  const carrier = (port: number) => ({ port, binds: 2, window: 20, tps: 500, reconnectMinMs: 50, reconnectMaxMs: 500 });
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      http: { port: 0, logLevel: 'warn' },
      store: { dataDir: path.join(dir, 'data') },
      carriers: { docomo: carrier(sim.ports.docomo), au: carrier(sim.ports.au), softbank: carrier(sim.ports.softbank) },
    }),
  );
  const first = await startCore(configFile);
  const total = 3000;
  for (let b = 0; b < total / 1000; b++) {
    const messages = Array.from({ length: 1000 }, (_, i) => {
      const seq = b * 1000 + i;
      return { to: `090${seq % 10}${String(seq).padStart(7, '0')}`, text: withProbe(`crash test ${seq}`, { runId: 'KIL1', seq, category: 'notice', sentAtMs: Date.now() }), category: 'notice', client_ref: `KIL1-${seq}` };
    });
    const res = await fetch(`${first.url}/v1/messages/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    expect(res.status).toBe(202);
  }
  // Let delivery get going, then kill it without warning.
  expect(await waitUntil(() => sim!.simulator.run('KIL1').messages >= 300, 30_000)).toBe(true);
  const exited = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  await exited;
  const atCrash = sim.simulator.run('KIL1').messages;
  expect(atCrash).toBeLessThan(total);

  const second = await startCore(configFile);
  expect(await waitUntil(async () => (await waitingCount(second.url)) === 0, 60_000)).toBe(true);
  const run = sim.simulator.run('KIL1');
  expect(run.messages).toBe(total);
  expect(run.corrupted).toBe(0);
  // At most binds x window per carrier were unanswered or unrecorded at the crash.
  expect(run.duplicates).toBeLessThanOrEqual(3 * 2 * 20);
  const delivered = await fetch(`${second.url}/v1/messages?state=delivered&limit=1`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(delivered.status).toBe(200);
  console.log(`kill -9: ${atCrash} of ${total} had reached a handset at the crash; after restart all ${run.messages}; duplicates ${run.duplicates}`);
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
}, 180_000);
