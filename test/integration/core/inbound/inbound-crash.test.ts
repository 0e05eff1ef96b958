// kill -9 after an MO was acknowledged: the MO, its opt-out and its forward
// were committed before deliver_sm_resp, so a restarted core on the same
// data directory still delivers the forward (signed, same event id) and
// still has the number on the opt-out list.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { verifySignature } from '../../../../src/core/callback/index.ts';
import { KEY, processTest, writeCoreConfig } from '../delivery/core-process.ts';
import { startFastSimulator, tempDir, waitUntil } from '../delivery/fixture.ts';
import { startInboundSink } from './receiver.ts';

const t = processTest();

it('an acknowledged MO is forwarded after kill -9 and restart', async () => {
  t.sim = await startFastSimulator(13);
  t.dir = tempDir();
  const sink = await startInboundSink();
  try {
    // The receiver refuses at first: the forward is attempted, fails, and stays in the outbox across the crash.
    sink.answer(503);
    const configFile = writeCoreConfig(t.dir, t.sim);
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    config.tenants = [{ name: 'default', keys: [KEY], callbackSecret: 'default-secret', inboundNumbers: ['0120123456'], inboundUrl: sink.url }];
    config.callbacks = { initialDelayMs: 100, maxDelayMs: 200, pollIntervalMs: 50 };
    fs.writeFileSync(configFile, JSON.stringify(config));

    const first = await t.cores.start(configFile);
    expect(await waitUntil(async () => (await fetch(`${first.url}/readyz`)).status === 200, 15_000)).toBe(true);
    const sent = t.sim.simulator.injectMo('docomo', { from: '09012345678', to: '0120123456', text: '停止' });
    expect(sent.from).toBe('819012345678');
    expect(await waitUntil(() => t.sim!.simulator.counters().docomo.moAcked === 1, 10_000)).toBe(true);
    expect(await waitUntil(() => sink.posts.some((p) => p.answered === 503), 10_000)).toBe(true);
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    const refused = sink.posts.length;

    sink.answer(200);
    const second = await t.cores.start(configFile);
    expect(await waitUntil(() => sink.posts.some((p) => p.answered === 200), 15_000)).toBe(true);
    const delivered = sink.posts.filter((p) => p.answered === 200);
    expect(delivered).toHaveLength(1);
    const forward = delivered[0]!;
    expect(verifySignature('default-secret', forward.body, forward.signature)).toBe(true);
    expect(JSON.parse(forward.body)).toMatchObject({ type: 'inbound', from: '819012345678', to: '0120123456', text: '停止', opt_out: true });
    // The same event as the refused attempts before the crash (a receiver de-duplicates by it).
    expect(new Set(sink.posts.map((p) => p.eventId)).size).toBe(1);
    const auth = { headers: { authorization: `Bearer ${KEY}` } };
    expect(await (await fetch(`${second.url}/v1/opt-outs/09012345678`, auth)).json()).toEqual({ number: '819012345678', opted_out: true });
    const listed = (await (await fetch(`${second.url}/v1/inbound-messages`, auth)).json()) as { inbound_messages: unknown[] };
    expect(listed.inbound_messages).toHaveLength(1);
    // The SMSC got its answer before the crash, so it did not send the MO again.
    expect(t.sim.simulator.counters().docomo.moSent).toBe(1);
    console.log(`kill -9 after the MO ack: ${refused} refused attempt(s) before the crash, delivered once after the restart`);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  } finally {
    await sink.close();
  }
}, 90_000);
