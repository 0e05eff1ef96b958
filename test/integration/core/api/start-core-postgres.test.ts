// startCore with store.url on a throwaway PostgreSQL cluster: accepted (202
// after the commit), delivered to the simulator's handsets, and reported
// delivered by GET /v1/messages/:id, with the rows in PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type RunningCore } from '../../../../src/core/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { startSimulator, type RunningSimulator } from '../../../../simulator/index.ts';
import { havePostgres, startPostgres, type PostgresCluster } from '../../../support/postgres.ts';
import { KEY, testConfig } from './harness.ts';

const SUITE = 'startCore on PostgreSQL';

describe.skipIf(!havePostgres(SUITE))(SUITE, () => {
  let cluster: PostgresCluster | undefined;
  let core: RunningCore | undefined;
  let sim: RunningSimulator | undefined;
  let dataDir = '';

  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    await core?.close();
    await sim?.close();
    core = sim = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return check();
  }

  it('accepts, delivers to the simulator and reports delivered', async () => {
    const url = await cluster!.createDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'denpa-core-pg-'));
    sim = await startSimulator({ seed: 11, portedShare: 0, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    for (const c of ['docomo', 'au', 'softbank']) {
      sim.simulator.patchProfile(c, {
        latency: { kind: 'constant', ms: 1 },
        handset: { delay: { kind: 'constant', ms: 5 }, unreachableShare: 0, undeliverableShare: 0 },
        receipts: { delay: { kind: 'constant', ms: 5 } },
      });
    }
    const carrier = (name: 'docomo' | 'au' | 'softbank') => ({ port: sim!.ports[name], binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir, url },
      carriers: { docomo: carrier('docomo'), au: carrier('au'), softbank: carrier('softbank') },
    });
    core = await startCore(config, { random: new SeededRandom(3) });
    expect(await waitFor(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);

    const ids: string[] = [];
    for (const [to, text] of [
      ['09011110001', 'code 482913'],
      ['08051110002', '長いお知らせ。'.repeat(30)],
      ['07081110003', 'notice'],
    ] as const) {
      const res = await request(`${core.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to, text, category: 'notice' }),
      });
      expect(res.statusCode).toBe(202);
      ids.push(((await res.body.json()) as { id: string }).id);
    }
    // A 202 means committed: the rows are in PostgreSQL already.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect(Number((await client.query('SELECT COUNT(*) AS n FROM messages')).rows[0].n)).toBe(3);
    } finally {
      await client.end();
    }
    const status = async (id: string) =>
      ((await (await request(`${core!.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${KEY}` } })).body.json()) as {
        status: string;
        transitions: { status: string }[];
        segment_states: { state: string }[];
      });
    expect(await waitFor(async () => (await Promise.all(ids.map(status))).every((m) => m.status === 'delivered'), 20_000)).toBe(true);
    const long = await status(ids[1]!);
    expect(long.transitions.map((t) => t.status)).toEqual(['accepted', 'queued', 'submitted', 'delivered']);
    expect(long.segment_states.map((s) => s.state)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  }, 60_000);
});
