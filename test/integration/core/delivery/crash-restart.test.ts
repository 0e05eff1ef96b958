// kill -9 in the middle of a run, restart on the same data directory: every
// accepted message reaches a handset (the simulator's truth ledger), every
// one ends in a final state, and duplicates stay within binds x window.
import { expect, it } from 'vitest';
import { withProbe } from '../../../../src/probe/index.ts';
import { KEY, postBatches, processTest, waitingCount, writeCoreConfig } from './core-process.ts';
import { startFastSimulator, tempDir, waitUntil } from './fixture.ts';

const t = processTest();

it('restarts after kill -9 and finishes every accepted message (checked against the truth ledger)', async () => {
  // 30 ms per submit_sm_resp keeps plenty on the wire when the core dies.
  t.sim = await startFastSimulator(11, { latency: { kind: 'constant', ms: 30 } });
  t.dir = tempDir();
  const configFile = writeCoreConfig(t.dir, t.sim);
  const first = await t.cores.start(configFile);
  const total = 3000;
  await postBatches(first.url, 'KIL1', total, (seq) => withProbe(`crash test ${seq}`, { runId: 'KIL1', seq, category: 'notice', sentAtMs: Date.now() }));
  // Let delivery get going, then kill it without warning.
  expect(await waitUntil(() => t.sim!.simulator.run('KIL1').messages >= 300, 30_000)).toBe(true);
  const exited = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  await exited;
  const atCrash = t.sim.simulator.run('KIL1').messages;
  expect(atCrash).toBeLessThan(total);

  const second = await t.cores.start(configFile);
  expect(await waitUntil(async () => (await waitingCount(second.url)) === 0, 60_000)).toBe(true);
  const run = t.sim.simulator.run('KIL1');
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
