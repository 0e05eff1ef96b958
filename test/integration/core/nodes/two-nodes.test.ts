// Two `denpa core` processes on one PostgreSQL database (a throwaway
// cluster), one simulator whose SMSCs allow 2 binds per account, each core
// configured with the carrier's 2: they share the binds (1 each), traffic
// goes through both, receipts come back on either node's bind (the
// simulator hands them out round-robin over the account's sessions) and are
// matched through the store, and each status callback is POSTed once. Then
// kill -9 of one node mid-flight: the other takes its leased work after the
// lease, grows to both binds, and every accepted message reaches a handset
// (the simulator's truth ledger) with duplicates only within the dead
// node's window, every final-state callback received.
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProbe } from '../../../../src/probe/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { havePostgres, queryDatabase, startPostgres, type PostgresCluster } from '../../../support/postgres.ts';
import { KEY, processTest, waitingCount } from '../delivery/core-process.ts';
import { startFastSimulator, tempDir, waitUntil } from '../delivery/fixture.ts';

const SUITE = 'two core nodes on one PostgreSQL database';
const LEASE_MS = 3000;
const BINDS = 2;
const WINDOW = 20;
const CARRIERS = ['docomo', 'au', 'softbank'] as const;

/** Counts POSTs per event id (X-Denpa-Event-Id), answering 200. */
async function startReceiver(): Promise<{ url: string; received: Map<string, number>; close(): Promise<void> }> {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const event = String(req.headers['x-denpa-event-id']);
      received.set(event, (received.get(event) ?? 0) + 1);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      return closed;
    },
  };
}

function writeNodeConfig(dir: string, id: string, sim: RunningSimulator, url: string): string {
  const nodeDir = path.join(dir, id);
  fs.mkdirSync(nodeDir, { recursive: true });
  const file = path.join(nodeDir, 'core.json');
  const carrier = (port: number) => ({ port, binds: BINDS, window: WINDOW, tps: 500, reconnectMinMs: 50, reconnectMaxMs: 500 });
  fs.writeFileSync(
    file,
    JSON.stringify({
      http: { port: 0, logLevel: 'warn' },
      store: { dataDir: path.join(nodeDir, 'data'), url },
      node: { id, leaseMs: LEASE_MS },
      carriers: { docomo: carrier(sim.ports.docomo), au: carrier(sim.ports.au), softbank: carrier(sim.ports.softbank) },
      // A short POST timeout keeps a dead node's callback leases (3 x timeout + 1 s) short.
      callbacks: { timeoutMs: 2000, maxDelayMs: 2000, perOriginConcurrency: 16, concurrency: 32 },
    }),
  );
  return file;
}

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

async function readiness(url: string): Promise<Readiness> {
  return (await (await fetch(`${url}/readyz`)).json()) as Readiness;
}

/** Binds held of each carrier, read from /readyz ("holds H of N"). */
async function held(url: string): Promise<number[]> {
  const r = await readiness(url);
  return CARRIERS.map((c) => Number(/holds (\d+) of/.exec(r.checks[`carrier:${c}`]?.detail ?? '')?.[1] ?? NaN));
}

async function post(url: string, runId: string, from: number, count: number, hook: string): Promise<void> {
  for (let start = from; start < from + count; start += 500) {
    const messages = Array.from({ length: Math.min(500, from + count - start) }, (_, i) => {
      const seq = start + i;
      const carrierDigit = [1, 5, 8][seq % 3];
      return {
        to: `090${carrierDigit}${String(seq).padStart(7, '0')}`,
        text: withProbe(`two nodes ${seq}`, { runId, seq, category: 'notice', sentAtMs: Date.now() }),
        category: 'notice',
        client_ref: `${runId}-${seq}`,
        callback_url: hook,
      };
    });
    const res = await fetch(`${url}/v1/messages/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    if (res.status !== 202) throw new Error(`batch at ${start}: ${res.status} ${await res.text()}`);
  }
}

/** Messages that reached a final-state callback (event ids are `<messageId>.<status>`). */
const finalsOf = (received: Map<string, number>): Set<string> => new Set([...received.keys()].map((e) => e.slice(0, e.lastIndexOf('.'))));

describe.skipIf(!havePostgres(SUITE))(SUITE, () => {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const t = processTest();

  async function twoNodes(latencyMs: number): Promise<{ a: Awaited<ReturnType<typeof t.cores.start>>; b: Awaited<ReturnType<typeof t.cores.start>>; db: string }> {
    const db = await cluster!.createDatabase();
    t.sim = await startFastSimulator(21, { latency: { kind: 'constant', ms: latencyMs }, maxBindsPerSystemId: BINDS });
    t.dir = tempDir();
    const a = await t.cores.start(writeNodeConfig(t.dir, 'node-a', t.sim, db));
    expect(await waitUntil(async () => (await held(a.url)).every((n) => n === BINDS), 20_000)).toBe(true);
    const b = await t.cores.start(writeNodeConfig(t.dir, 'node-b', t.sim, db));
    // a sheds one bind of each carrier at its next heartbeat, b takes it at its second.
    expect(await waitUntil(async () => (await held(a.url)).every((n) => n === 1) && (await held(b.url)).every((n) => n === 1), 20_000)).toBe(true);
    expect(await waitUntil(async () => (await readiness(b.url)).ready, 20_000)).toBe(true);
    return { a, b, db };
  }

  const rows = <T>(db: string, sql: string): Promise<T[]> => queryDatabase<T>(db, sql);

  const openMessages = (db: string): Promise<unknown[]> =>
    rows(db, `SELECT state, claimed_by, COUNT(*) AS n, MIN(queued_at) AS queued, MIN(submitted_at) AS submitted FROM messages WHERE state IN ('accepted', 'queued', 'submitted') GROUP BY 1, 2`);

  async function claimedBy(db: string): Promise<Record<string, number>> {
    const counts = await rows<{ claimed_by: string | null; n: string }>(db, 'SELECT claimed_by, COUNT(*) AS n FROM messages GROUP BY claimed_by');
    return Object.fromEntries(counts.map((r) => [r.claimed_by ?? 'none', Number(r.n)]));
  }

  it('both live: binds shared, no double submit, receipts matched across nodes, each callback POSTed once', async () => {
    const receiver = await startReceiver();
    try {
      const { a, b, db } = await twoNodes(5);
      const r = await readiness(a.url);
      expect(r.checks.node?.detail).toBe('node-a; 2 live nodes (node-a, node-b)');
      expect(r.checks['carrier:docomo']?.detail).toMatch(/holds 1 of 2 \(share 1\)/);
      const total = 1200;
      await Promise.all([post(a.url, 'TWO1', 0, total / 2, receiver.url), post(b.url, 'TWO1', total / 2, total / 2, receiver.url)]);
      const done = await waitUntil(() => finalsOf(receiver.received).size === total, 60_000);
      if (!done) console.log('callbacks missing', total - finalsOf(receiver.received).size, JSON.stringify(await openMessages(db)), JSON.stringify(await readiness(a.url)), JSON.stringify(await readiness(b.url)));
      expect(done).toBe(true);
      const run = t.sim!.simulator.run('TWO1');
      expect(run.messages).toBe(total);
      expect(run.duplicates).toBe(0);
      expect(run.corrupted).toBe(0);
      // Every message delivered (a receipt on the other node's bind matched through the store, or it would end unknown).
      const delivered = await fetch(`${a.url}/v1/messages?state=delivered&limit=1000`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(((await delivered.json()) as { messages: unknown[] }).messages).toHaveLength(1000);
      expect(await waitingCount(b.url)).toBe(0);
      expect([...receiver.received.values()].every((n) => n === 1)).toBe(true);
      const byNode = await claimedBy(db);
      expect(byNode['node-a']).toBeGreaterThan(0);
      expect(byNode['node-b']).toBeGreaterThan(0);
      // Never more binds than the SMSCs allow: none was refused.
      for (const c of CARRIERS) expect(t.sim!.simulator.counters()[c].bindsRefused).toBe(0);
      console.log(`two live nodes: ${total} delivered, submitted by node-a ${byNode['node-a']}, node-b ${byNode['node-b']}; duplicates ${run.duplicates}; callbacks ${receiver.received.size}, none twice`);
      for (const n of [a, b]) {
        n.child.kill('SIGTERM');
        await new Promise((res) => n.child.once('exit', res));
      }
    } finally {
      await receiver.close();
    }
  }, 180_000);

  it('kill -9 of one node of two: the other takes its leased work after the lease; nothing accepted is lost', async () => {
    const receiver = await startReceiver();
    try {
      // 30 ms per submit_sm_resp keeps plenty on the wire when a node dies.
      const { a, b, db } = await twoNodes(30);
      const total = 3000;
      await Promise.all([post(a.url, 'TWO2', 0, total / 2, receiver.url), post(b.url, 'TWO2', total / 2, total / 2, receiver.url)]);
      expect(await waitUntil(() => t.sim!.simulator.run('TWO2').messages >= 300, 30_000)).toBe(true);
      const exited = new Promise((res) => a.child.once('exit', res));
      a.child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      const atCrash = t.sim!.simulator.run('TWO2').messages;
      expect(atCrash).toBeLessThan(total);
      // b grows to the whole limit once a's lease is over (and one beat later).
      expect(await waitUntil(async () => (await held(b.url)).every((n) => n === BINDS), 30_000)).toBe(true);
      const grewMs = Date.now() - killedAt;
      // node-b put node-a's in-flight messages back in their lanes when node-a's lease ran out.
      expect(b.output()).toMatch(/took over in-flight messages of a node whose lease expired/);
      expect(grewMs).toBeGreaterThanOrEqual(LEASE_MS - LEASE_MS / 3);
      const drained = await waitUntil(async () => (await waitingCount(b.url)) === 0, 90_000);
      // On failure, what was left and why: the open messages by state and claimer, and node-b's log.
      if (!drained) console.log('still open after the kill', JSON.stringify(await openMessages(db)), b.output().slice(-3000));
      expect(drained).toBe(true);
      const run = t.sim!.simulator.run('TWO2');
      expect(run.messages).toBe(total);
      expect(run.corrupted).toBe(0);
      // At most a's binds x window per carrier were unanswered or unrecorded when it died.
      expect(run.duplicates).toBeLessThanOrEqual(CARRIERS.length * 1 * WINDOW);
      expect(await waitUntil(() => finalsOf(receiver.received).size === total, 60_000)).toBe(true);
      const twice = [...receiver.received.values()].filter((n) => n > 1).length;
      // Only callbacks a had in flight (its sender's concurrency) may come twice.
      expect(twice).toBeLessThanOrEqual(32);
      const r = await readiness(b.url);
      expect(r.checks.node?.detail).toBe('node-b; 1 live node (node-b)');
      for (const c of CARRIERS) expect(t.sim!.simulator.counters()[c].bindsRefused).toBe(0);
      console.log(
        `kill -9 of one node of two: ${atCrash} of ${total} had reached a handset at the kill; node-b held all binds ${grewMs} ms after it (lease ${LEASE_MS} ms); all ${run.messages} delivered; duplicates ${run.duplicates}; callbacks received twice ${twice}`,
      );
      b.child.kill('SIGTERM');
      await new Promise((res) => b.child.once('exit', res));
    } finally {
      await receiver.close();
    }
  }, 240_000);
});
