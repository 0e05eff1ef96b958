// The store under load, side by side in one run: the core on SQLite, on
// PostgreSQL with one node, and on PostgreSQL with two nodes sharing one
// database. For each: batch accept throughput, single-message accept
// throughput, and delivered throughput (probes at the simulated handset,
// from the simulator's truth ledger), with the duplicates the ledger saw.
// Prints measured figures only.
//
//   npx tsx bench/store-scale.ts [--deployments sqlite:1,postgres:1,postgres:2]
//        [--batch-messages 20000] [--single-seconds 10] [--single-concurrency 64]
//
// - PostgreSQL is a throwaway local cluster (src/harness/postgres, as
//   `denpa run --store postgres` starts it) with fsync ON, so a commit pays
//   for the WAL flush as on a real server; one cluster per deployment.
// - Every deployment gets a fresh simulator with no injected latency
//   (bench/stack.ts) and fresh data directories.
// - The client rotates its requests over the nodes itself (request i to
//   node i mod N): this measures the store and the cores, not a proxy.
// - batch: POST /v1/messages/batch of 1000, 4 in flight; accepted/s from the
//   first request to the last answer; delivered/s from the first request to
//   the moment the ledger has seen every accepted probe (at most 300 s).
// - single: a closed loop of --single-concurrency POST /v1/messages for
//   --single-seconds; accepted/s, latency p50/p99; then the same delivery wait.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
import { withProbe } from '../src/probe/index.ts';
import { startPostgres, type PostgresCluster } from '../src/harness/postgres/index.ts';
import { SimulatorControl } from '../src/harness/orchestrate/index.ts';
import { cpuMs, freePort, loadAverage, spawnService, startSim, stop, waitReady, writeStackConfig, type Service } from './stack.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const DEPLOYMENTS = opt('deployments', 'sqlite:1,postgres:1,postgres:2')
  .split(',')
  .map((d) => {
    const [store, n] = d.split(':');
    if ((store !== 'sqlite' && store !== 'postgres') || !(Number(n) >= 1) || (store === 'sqlite' && Number(n) !== 1)) throw new Error(`--deployments: ${d} is not sqlite:1 or postgres:N`);
    return { store, nodes: Number(n) } as const;
  });
const BATCH_MESSAGES = Number(opt('batch-messages', '20000'));
const SINGLE_SECONDS = Number(opt('single-seconds', '10'));
const SINGLE_CONCURRENCY = Number(opt('single-concurrency', '64'));
const KEY = 'denpa-dev-key';
const DELIVERY_WAIT_MS = 300_000;

let seqCounter = 0;
function apiMessage(runId: string): string {
  const seq = seqCounter++;
  const to = `090${seq % 10}${String(Math.floor(seq / 10) % 10_000_000).padStart(7, '0')}`;
  return JSON.stringify({ to, text: withProbe(`denpa bench ${seq}`, { runId, seq, category: 'notice', sentAtMs: Date.now() }), category: 'notice', client_ref: `${runId}-${seq}` });
}
function batchBody(runId: string, n: number): string {
  return `{"messages":[${Array.from({ length: n }, () => apiMessage(runId)).join(',')}]}`;
}

interface Deployed {
  pools: Pool[];
  cores: Service[];
  sim: Service;
  simControl: SimulatorControl;
  cluster?: PostgresCluster;
  work: string;
}

async function deploy(store: 'sqlite' | 'postgres', nodes: number): Promise<Deployed> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-bench-scale-'));
  const files = await writeStackConfig(work, { key: KEY, secret: 'denpa-dev-secret' });
  let cluster: PostgresCluster | undefined;
  let storeUrl: string | undefined;
  if (store === 'postgres') {
    cluster = await startPostgres({ fsync: true });
    storeUrl = await cluster.createDatabase();
  }
  const sim = await startSim(files);
  const base = JSON.parse(fs.readFileSync(files.coreConfig, 'utf8')) as { http: { port: number }; store: Record<string, unknown> };
  const cores: Service[] = [];
  for (let i = 0; i < nodes; i++) {
    const config = path.join(work, `core-${i + 1}.json`);
    const port = i === 0 ? base.http.port : await freePort();
    fs.writeFileSync(config, JSON.stringify({ ...base, http: { ...base.http, port }, store: { ...base.store, dataDir: path.join(work, `data-${i + 1}`), ...(storeUrl ? { url: storeUrl } : {}) } }));
    cores.push(await spawnService(['core', '--config', config], /listening on (http:\/\/\S+)/));
  }
  const urls = cores.map((c) => (c.output.match(/listening on (http:\/\/\S+)/) as RegExpMatchArray)[1] as string);
  for (const u of urls) await waitReady(u);
  return { pools: urls.map((u) => new Pool(u, { connections: SINGLE_CONCURRENCY, pipelining: 1 })), cores, sim, simControl: new SimulatorControl(`http://127.0.0.1:${files.simPorts.control}`), ...(cluster ? { cluster } : {}), work };
}

async function undeploy(d: Deployed): Promise<void> {
  for (const p of d.pools) await p.close().catch(() => undefined);
  for (const c of d.cores) await stop(c.child);
  await stop(d.sim.child);
  await d.cluster?.stop();
  fs.rmSync(d.work, { recursive: true, force: true });
}

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
let turn = 0;
async function post(d: Deployed, p: string, body: string): Promise<number> {
  const pool = d.pools[turn++ % d.pools.length] as Pool;
  const res = await pool.request({ method: 'POST', path: p, headers, body });
  await res.body.text();
  return res.statusCode;
}

/** Waits (bounded) until the ledger has seen `accepted` probes of the run; the elapsed ms from t0 and the ledger's figures. */
async function delivered(d: Deployed, runId: string, accepted: number, t0: number): Promise<{ ms: number; messages: number; deliveries: number; duplicates: number }> {
  const deadline = performance.now() + DELIVERY_WAIT_MS;
  let t = await d.simControl.ledgerTotals(runId);
  while (t.messages < accepted && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    t = await d.simControl.ledgerTotals(runId);
  }
  const ms = performance.now() - t0;
  // A moment more for duplicates that follow the last first delivery.
  await new Promise((r) => setTimeout(r, 1000));
  t = await d.simControl.ledgerTotals(runId);
  return { ms, messages: t.messages, deliveries: t.deliveries, duplicates: t.duplicates };
}

function cpuOf(d: Deployed): number {
  return d.cores.reduce((s, c) => s + cpuMs(c.child.pid as number), 0);
}

async function measure(store: 'sqlite' | 'postgres', nodes: number, index: number): Promise<void> {
  const name = `${store} ×${nodes}`;
  const d = await deploy(store, nodes);
  try {
    // Warm-up: binds up, a first batch through every node.
    for (let i = 0; i < nodes; i++) await post(d, '/v1/messages/batch', batchBody(`W${index}00`.slice(0, 4), 100));
    await delivered(d, `W${index}00`.slice(0, 4), 100 * nodes, performance.now());

    const batchRun = `B${index}00`.slice(0, 4);
    const batches = Math.ceil(BATCH_MESSAGES / 1000);
    const bodies = Array.from({ length: batches }, () => batchBody(batchRun, 1000));
    let next = 0;
    let accepted = 0;
    let failed = 0;
    const cpu0 = cpuOf(d);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let b = next++; b < batches; b = next++) {
          if ((await post(d, '/v1/messages/batch', bodies[b] as string)) === 202) accepted += 1000;
          else failed++;
        }
      }),
    );
    const acceptMs = performance.now() - t0;
    const bd = await delivered(d, batchRun, accepted, t0);
    const cpu = cpuOf(d) - cpu0;
    console.log(
      `${name} batch: ${accepted} accepted (${failed} failed batches) in ${(acceptMs / 1000).toFixed(2)} s = ${Math.round(accepted / (acceptMs / 1000))} msg/s accepted; ` +
        `${bd.messages} at a handset in ${(bd.ms / 1000).toFixed(2)} s = ${Math.round(bd.messages / (bd.ms / 1000))} msg/s delivered; ${bd.duplicates} duplicated (${bd.deliveries} deliveries); cores' CPU ${(cpu / accepted).toFixed(3)} ms/message; load ${loadAverage()}`,
    );

    const singleRun = `S${index}00`.slice(0, 4);
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
    let ok = 0;
    let bad = 0;
    const s0 = performance.now();
    const end = s0 + SINGLE_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: SINGLE_CONCURRENCY }, async () => {
        // Bounded by time and by count.
        for (let k = 0; k < 1_000_000 && performance.now() < end; k++) {
          const body = apiMessage(singleRun);
          const t = performance.now();
          const status = await post(d, '/v1/messages', body).catch(() => 0);
          h.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
          if (status === 202) ok++;
          else bad++;
        }
      }),
    );
    const singleMs = performance.now() - s0;
    const sd = await delivered(d, singleRun, ok, s0);
    console.log(
      `${name} single: ${ok} accepted (${bad} not 202) in ${(singleMs / 1000).toFixed(2)} s by ${SINGLE_CONCURRENCY} concurrent clients = ${Math.round(ok / (singleMs / 1000))} msg/s accepted, latency p50 ${(h.getValueAtPercentile(50) / 1000).toFixed(2)} ms p99 ${(h.getValueAtPercentile(99) / 1000).toFixed(2)} ms; ` +
        `${sd.messages} at a handset in ${(sd.ms / 1000).toFixed(2)} s = ${Math.round(sd.messages / (sd.ms / 1000))} msg/s delivered; ${sd.duplicates} duplicated (${sd.deliveries} deliveries)`,
    );
  } finally {
    await undeploy(d);
  }
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}; load average ${loadAverage()}`);
  console.log(`batch ${BATCH_MESSAGES} messages per deployment; single: ${SINGLE_CONCURRENCY} concurrent clients for ${SINGLE_SECONDS} s; PostgreSQL fsync on`);
  for (const [i, dep] of DEPLOYMENTS.entries()) await measure(dep.store, dep.nodes, i);
}

await main();
