// End-to-end benchmark of the delivery core: the simulator (no injected
// latency) and `denpa core` as two child processes on this machine, this
// process as the client. Prints measured figures only; targets are printed
// beside them for reading, never asserted.
//
//   npx tsx bench/core-e2e.ts [--phases batch,single,backlog] [--batch-messages 60000]
//        [--single-rate 3000] [--single-seconds 10] [--single-warmup 5] [--single-connections 256] [--backlog 1000000]
//
// batch:   POST /v1/messages/batch (1000 each, 4 in flight); messages/s from the
//          first request to the last message's final state (core /metrics).
// single:  POST /v1/messages at a fixed rate (open loop, bench/open-loop.ts); accept
//          latency p50/p99 measured from each request's intended start (no coordinated
//          omission), after a warm-up at the same rate whose figures are printed, not
//          counted; with how often the client itself made a request wait for a connection.
// backlog: 1,000,000 promotions written into the stopped core's store, core
//          restarted on it; its RSS while the backlog drains, and how long an
//          OTP sent into it takes to reach the simulated handset (truth ledger).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { segmentMessage } from '../src/core/message/index.ts';
import { createMessageId, openSqliteStore, type NewMessage } from '../src/core/store/index.ts';
import { withProbe } from '../src/probe/index.ts';
import { openLoop } from './open-loop.ts';
import { cpuMs, loadAverage, rssMb, spawnService, startSim, stop, waitReady, writeStackConfig } from './stack.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const PHASES = opt('phases', 'batch,single,backlog').split(',');
const BATCH_MESSAGES = Number(opt('batch-messages', '60000'));
const SINGLE_RATE = Number(opt('single-rate', '3000'));
const SINGLE_SECONDS = Number(opt('single-seconds', '10'));
const SINGLE_WARMUP = Number(opt('single-warmup', '5'));
// Enough that no request waits inside the client for a connection below ~85 ms of latency at 3,000/s (see open-loop.ts).
const SINGLE_CONNECTIONS = Number(opt('single-connections', '256'));
const BACKLOG = Number(opt('backlog', '1000000'));
// 'http' (default): the core asks the simulator's lookup API, as in production; 'none': the prefix table alone, to measure what the lookup costs.
const NUMBER_LOOKUP = opt('number-lookup', 'http');
const KEY = 'denpa-dev-key';

const FINALS = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled', 'unknown'];

async function finalCount(coreUrl: string): Promise<number> {
  const res = await request(`${coreUrl}/metrics`);
  const text = await res.body.text();
  let n = 0;
  for (const line of text.split('\n')) {
    const m = /^denpa_messages_total\{([^}]*)\} (\d+)/.exec(line);
    if (m && FINALS.some((s) => (m[1] as string).includes(`state="${s}"`))) n += Number(m[2]);
  }
  return n;
}

let seqCounter = 0;
function number(i: number): string {
  const d = i % 10;
  return `090${d}${String(Math.floor(i / 10) % 10_000_000).padStart(7, '0')}`;
}

function apiMessage(runId: string, category: 'otp' | 'notice' | 'promotion'): object {
  const seq = seqCounter++;
  return { to: number(seq), text: withProbe(`denpa bench ${seq}`, { runId, seq, category, sentAtMs: Date.now() }), category, client_ref: `${runId}-${seq}` };
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-bench-'));
  const files = await writeStackConfig(work, { key: KEY, secret: 'denpa-dev-secret' }, {}, NUMBER_LOOKUP === 'none' ? 'none' : 'http');
  const { coreConfig, dataDir } = files;
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}; load average ${loadAverage()}; work dir ${work}`);
  const sim = await startSim(files);
  const simUrl = `http://127.0.0.1:${files.simPorts.control}`;
  const startCore = () => spawnService(['core', '--config', coreConfig], /listening on (http:\/\/\S+)/);
  let core = await startCore();
  const coreUrl = core.match[1] as string;
  const pool = new Pool(coreUrl, { connections: SINGLE_CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const post = async (p: string, body: object): Promise<{ status: number; body: string }> => {
    const res = await pool.request({ method: 'POST', path: p, headers, body: JSON.stringify(body) });
    return { status: res.statusCode, body: await res.body.text() };
  };
  try {
    // Warm-up: wait for binds, send a few.
    await waitReady(coreUrl);
    await post('/v1/messages/batch', { messages: Array.from({ length: 100 }, () => apiMessage('WARM', 'notice')) });
    // Let the warm-up finish so its finals do not count in the batch figure.
    for (let i = 0; i < 600 && (await finalCount(coreUrl)) < 100; i++) await new Promise((res) => setTimeout(res, 50));

    if (PHASES.includes('batch')) {
      const before = await finalCount(coreUrl);
      const cpu0 = { core: cpuMs(core.child.pid as number), sim: cpuMs(sim.child.pid as number) };
      const batches = Math.ceil(BATCH_MESSAGES / 1000);
      const t0 = performance.now();
      let next = 0;
      let accepted = 0;
      let failures = 0;
      const worker = async () => {
        for (let b = next++; b < batches; b = next++) {
          const r = await post('/v1/messages/batch', { messages: Array.from({ length: 1000 }, () => apiMessage('BTCH', 'notice')) });
          if (r.status === 202) accepted += 1000;
          else failures++;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const tAccepted = performance.now();
      const deadline = Date.now() + 600_000;
      let finals = 0;
      while (Date.now() < deadline) {
        finals = (await finalCount(coreUrl)) - before;
        if (finals >= accepted) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const tFinal = performance.now();
      console.log(`batch: ${accepted} accepted (${failures} failed batches) in ${((tAccepted - t0) / 1000).toFixed(2)} s = ${Math.round(accepted / ((tAccepted - t0) / 1000))} msg/s accepted`);
      const cpu = { core: cpuMs(core.child.pid as number) - cpu0.core, sim: cpuMs(sim.child.pid as number) - cpu0.sim };
      console.log(`batch: CPU used: core ${cpu.core} ms (${(cpu.core / accepted).toFixed(3)} ms/message), simulator ${cpu.sim} ms (${(cpu.sim / accepted).toFixed(3)} ms/message); load average ${loadAverage()}`);
      console.log(`batch: ${finals} final in ${((tFinal - t0) / 1000).toFixed(2)} s = ${Math.round(finals / ((tFinal - t0) / 1000))} msg/s accept->final   (target >= 5000)`);
    }

    if (PHASES.includes('single')) {
      // An open loop at a fixed rate (bench/open-loop.ts); bodies are built before the clock starts.
      const load = (rate: number, seconds: number) =>
        openLoop({ pool, connections: SINGLE_CONNECTIONS, path: '/v1/messages', headers, rate, okStatus: 202, bodies: Array.from({ length: Math.round(rate * seconds) }, () => JSON.stringify(apiMessage('SNGL', 'notice'))) });
      // A running core is warm: the first seconds of a fresh process (JIT, caches) are shown, not measured.
      if (SINGLE_WARMUP > 0) {
        const w = await load(SINGLE_RATE, SINGLE_WARMUP);
        console.log(
          `single: warm-up ${w.done} requests at ${SINGLE_RATE}/s over ${SINGLE_WARMUP} s (not measured): p99 ${(w.latency.getValueAtPercentile(99) / 1000).toFixed(2)} ms, slowest per second ${w.worstBySecond.map((us) => (us / 1000).toFixed(0)).join(' ')} ms`,
        );
        for (let i = 0; i < 200 && (await finalCount(coreUrl)) < 100 + w.done; i++) await new Promise((res) => setTimeout(res, 50));
      }
      const cpu0 = { core: cpuMs(core.child.pid as number), sim: cpuMs(sim.child.pid as number), client: cpuMs(process.pid) };
      const eld = monitorEventLoopDelay({ resolution: 1 });
      eld.enable();
      const { latency: h, done, bad, worstBySecond, elapsedSeconds: elapsed, inFlight } = await load(SINGLE_RATE, SINGLE_SECONDS);
      eld.disable();
      console.log(`single: slowest accept per second of the run: ${worstBySecond.map((us) => (us / 1000).toFixed(0)).join(' ')} ms`);
      const coreCpu = cpuMs(core.child.pid as number) - cpu0.core;
      const simCpu = cpuMs(sim.child.pid as number) - cpu0.sim;
      const clientCpu = cpuMs(process.pid) - cpu0.client;
      console.log(
        `single: CPU used: core ${coreCpu} ms (${(coreCpu / done).toFixed(3)} ms/request, deliveries of earlier requests included), simulator ${(simCpu / done).toFixed(3)} ms/request, this client ${(clientCpu / done).toFixed(3)} ms/request; load average ${loadAverage()}`,
      );
      console.log(
        `single: this client: at most ${inFlight.max} requests in flight on ${SINGLE_CONNECTIONS} connections, ${inFlight.queuedInClient} sent while all were taken (queued in the client); its own event-loop delay p99 ${(eld.percentile(99) / 1e6).toFixed(2)} ms`,
      );
      console.log(
        `single: ${done} requests at ${SINGLE_RATE}/s offered (${Math.round(done / elapsed)}/s achieved), non-202 ${bad}; accept latency from intended start p50 ${(h.getValueAtPercentile(50) / 1000).toFixed(2)} ms, p99 ${(h.getValueAtPercentile(99) / 1000).toFixed(2)} ms, max ${(h.maxValue / 1000).toFixed(2)} ms   (target >= 3000/s at p99 < 20 ms)`,
      );
    }

    if (PHASES.includes('backlog')) {
      await pool.close();
      await stop(core.child);
      const store = openSqliteStore({ dataDir });
      const t0 = performance.now();
      const seg = segmentMessage('denpa bench promotion: spring sale, 20% off everything this weekend', 0);
      if (!seg.ok) throw new Error(seg.message);
      const now = Date.now();
      for (let written = 0; written < BACKLOG; ) {
        const chunk: NewMessage[] = [];
        for (let i = 0; i < 10_000 && written < BACKLOG; i++, written++) {
          chunk.push({
            id: createMessageId(now),
            tenant: 'default',
            to: `81${number(written).slice(1)}`,
            text: 'denpa bench promotion',
            category: 'promotion',
            encoding: seg.encoding,
            segments: 1,
            characters: seg.characters,
            carrier: (['docomo', 'docomo', 'docomo', 'docomo', 'au', 'au', 'au', 'softbank', 'softbank', 'softbank'] as const)[written % 10] as 'docomo',
            acceptedAt: now,
            expiresAt: now + 3 * 86_400_000,
            notifySubmitted: false,
            parts: [{ bytes: seg.parts[0]!.shortMessage, dataCoding: seg.dataCoding, esmClass: 0 }],
          });
        }
        await store.insertMessages(chunk);
      }
      await store.close();
      console.log(`backlog: ${BACKLOG} promotions written into the store in ${((performance.now() - t0) / 1000).toFixed(1)} s; db ${(fs.statSync(path.join(dataDir, 'denpa.db')).size / 1e6).toFixed(0)} MB`);
      core = await startCore();
      const url2 = core.match[1] as string;
      const pid = core.child.pid as number;
      for (let i = 0; i < 200; i++) {
        const r = await request(`${url2}/readyz`);
        await r.body.text();
        if (r.statusCode === 200) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await new Promise((res) => setTimeout(res, 2000));
      const otpLatencies: number[] = [];
      let maxRss = 0;
      for (let k = 0; k < 5; k++) {
        const sentAt = Date.now();
        const seq = 900_000 + k;
        const text = withProbe(`Your code is ${100000 + k}`, { runId: 'OTPB', seq, category: 'otp', sentAtMs: sentAt });
        const res = await request(`${url2}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ to: number(seq), text, category: 'otp', client_ref: `OTPB-${seq}` }) });
        await res.body.text();
        let handsetAt: number | null = null;
        for (let i = 0; i < 200 && handsetAt === null; i++) {
          const r = await request(`${simUrl}/v1/ledger/runs/OTPB/probes?after=${seq - 1}&limit=1`);
          const body = (await r.body.json()) as { probes?: { seq: number; handsetAt: number | null }[] };
          handsetAt = body.probes?.find((p) => p.seq === seq)?.handsetAt ?? null;
          if (handsetAt === null) await new Promise((res2) => setTimeout(res2, 20));
        }
        otpLatencies.push(handsetAt === null ? Infinity : handsetAt - sentAt);
        maxRss = Math.max(maxRss, rssMb(pid).rss);
        await new Promise((res2) => setTimeout(res2, 1000));
      }
      const depth = await request(`${url2}/metrics`).then((r) => r.body.text());
      const waiting = depth
        .split('\n')
        .filter((l) => l.startsWith('denpa_queue_depth{'))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      const mem = rssMb(pid);
      console.log(`backlog: core RSS ${mem.rss.toFixed(0)} MB now, ${Math.max(maxRss, mem.rss).toFixed(0)} MB max sampled, VmHWM ${mem.hwm.toFixed(0)} MB, ${waiting} still waiting in lanes   (target < 300 MB)`);
      console.log(`backlog: OTP sent into the backlog, request -> handset (simulator ledger): ${otpLatencies.map((l) => `${l} ms`).join(', ')}   (target < 1000 ms)`);
    }
  } finally {
    await pool.close().catch(() => undefined);
    await stop(core.child);
    await stop(sim.child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
