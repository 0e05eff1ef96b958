// kill -9 with status callbacks owed: some answered, some in flight (the
// receiver holds them), the rest still in the outbox. After a restart on the
// same data directory every final-state callback reaches the receiver (at
// least once), and the outbox is empty on /metrics.
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { KEY, processTest, writeCoreConfig } from './core-process.ts';
import { startFastSimulator, tempDir, waitUntil } from './fixture.ts';

const t = processTest();

it('loses no callback across kill -9: answered, in flight and still owed are all received after the restart', async () => {
  const received = new Map<string, number>();
  let answering = 150;
  const held: ServerResponse[] = [];
  const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const event = String(req.headers['x-denpa-event-id']);
      // The first 150 are answered; after that the receiver holds every request (the core dies with them in flight).
      if (answering > 0) {
        answering--;
        received.set(event, (received.get(event) ?? 0) + 1);
        res.end();
      } else if (answering === 0) held.push(res);
      else {
        received.set(event, (received.get(event) ?? 0) + 1);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    t.sim = await startFastSimulator(12);
    t.dir = tempDir();
    const configFile = writeCoreConfig(t.dir, t.sim);
    // A short POST timeout keeps the crashed process's leases (3 x timeout + 1 s) short; a short back-off cap
    // keeps a loaded machine's timeouts (an origin backing off) from outlasting the wait below.
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(configFile, JSON.stringify({ ...config, callbacks: { timeoutMs: 2000, maxDelayMs: 2000, perOriginConcurrency: 16, concurrency: 32 } }));
    const first = await t.cores.start(configFile);
    const total = 1000;
    const messages = Array.from({ length: total }, (_, i) => ({ to: `0901${String(i).padStart(7, '0')}`, text: `crash callbacks ${i}`, category: 'otp', client_ref: `CBK-${i}`, callback_url: hook }));
    const res = await fetch(`${first.url}/v1/messages/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    expect(res.status).toBe(202);
    const ids = ((await res.json()) as { messages: { id: string }[] }).messages.map((m) => m.id);
    expect(ids).toHaveLength(total);
    // Some callbacks answered, the sender's bound of them held in flight: then kill -9.
    expect(await waitUntil(() => held.length >= 16, 30_000)).toBe(true);
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    const atCrash = received.size;
    expect(atCrash).toBe(150);
    for (const r of held.splice(0)) r.destroy();
    answering = -1; // from now on, answer everything

    const second = await t.cores.start(configFile);
    // Each message's one final-state callback (submitted ones are not configured), whatever the final state.
    const finals = (): number => new Set([...received.keys()].map((e) => e.slice(0, e.lastIndexOf('.')))).size;
    expect(await waitUntil(() => finals() === total, 90_000)).toBe(true);
    expect(new Set([...received.keys()].map((e) => e.slice(0, e.lastIndexOf('.'))))).toEqual(new Set(ids));
    // Every accepted message's final callback arrived; only those in flight at the crash (or leased) may have come twice.
    const twice = [...received.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(32);
    const scrape = async (): Promise<string> => (await fetch(`${second.url}/metrics`)).text();
    expect(await waitUntil(async () => /^denpa_callback_outbox 0$/m.test(await scrape()), 10_000)).toBe(true);
    expect(await scrape()).toMatch(/^denpa_callback_latency_seconds_count\{category="otp"\} \d+$/m);
    console.log(`kill -9 with callbacks owed: ${atCrash} of ${total} answered at the crash; after restart all ${finals()}; received twice ${twice}`);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  } finally {
    const closed = new Promise<void>((resolve) => receiver.close(() => resolve()));
    receiver.closeAllConnections();
    await closed;
  }
}, 180_000);
