// One core per data dir, over real sockets: while a core delivers under
// load, a second `denpa core` on the same directory exits 2 with one line,
// recovers nothing, sends nothing; the first finishes every message once.
// And the lock goes with its process: after kill -9 a new core takes it.
import { expect, it } from 'vitest';
import { withProbe } from '../../../../src/probe/index.ts';
import { KEY, postBatches, processTest, waitingCount, writeCoreConfig } from './core-process.ts';
import { startFastSimulator, tempDir, waitUntil } from './fixture.ts';

const t = processTest();

it('a second core on a held data dir exits 2 with one line and sends nothing; the first is unaffected', async () => {
  // 30 ms per submit_sm_resp keeps messages in flight when the second core starts.
  t.sim = await startFastSimulator(17, { latency: { kind: 'constant', ms: 30 } });
  t.dir = tempDir();
  const configFile = writeCoreConfig(t.dir, t.sim, { tps: 200 });
  const first = await t.cores.start(configFile);
  const total = 2000;
  await postBatches(first.url, 'LCK1', total, (seq) => withProbe(`lock test ${seq}`, { runId: 'LCK1', seq, category: 'notice', sentAtMs: Date.now() }));
  expect(await waitUntil(() => t.sim!.simulator.run('LCK1').messages >= 200, 30_000)).toBe(true);
  const inFlight = await waitingCount(first.url);
  expect(inFlight).toBeGreaterThan(0);

  const second = t.cores.spawn(configFile);
  // Without the lock it would recover the first one's messages and run on: give it 20 s to exit.
  const exit = await Promise.race([second.exited, new Promise((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
  expect(exit).toBe(2);
  const lines = second.output().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/data dir .* is held by another denpa core/);

  expect(await waitUntil(async () => (await waitingCount(first.url)) === 0, 60_000)).toBe(true);
  const run = t.sim.simulator.run('LCK1');
  expect(run.messages).toBe(total);
  expect(run.duplicates).toBe(0);
  const delivered = await fetch(`${first.url}/v1/messages?state=delivered&limit=1`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(delivered.status).toBe(200);
  console.log(`two cores: ${inFlight} waiting in the first when the second started; second exited 2 (${lines[0]}); ${run.messages} delivered, ${run.duplicates} duplicates`);

  // kill -9 leaves no stale lock: the kernel drops it with the process.
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const third = await t.cores.start(configFile);
  expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
}, 180_000);
