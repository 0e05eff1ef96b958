// Status callbacks at delivery pace: the simulator (no injected latency) and
// `denpa core` as child processes, a callback receiver in a forked child
// (a plain node:http server answering 200), and this process sending. Prints
// measured figures only; the targets are printed beside them, never asserted.
//
//   npx tsx bench/callbacks.ts [--mode steady|burst] [--rate 1000] [--duration 60] [--warmup 5]
//        [--blackhole] [--blackhole-rate 100] [--burst 30000] [--drain 60] [--concurrency N]
//
// steady: POST /v1/messages (one OTP per request, open loop at --rate for
//         --duration s, after a --warmup at the same rate that is printed, not
//         counted), each with a callback_url on the receiver. Latency is taken
//         at the receiver: from each request's intended send instant to the
//         arrival of its final-status callback. The outbox depth
//         (denpa_callback_outbox on /metrics) is sampled every second.
//         --blackhole adds a second stream at --blackhole-rate whose callbacks
//         go to a receiver that accepts connections and never answers.
// burst:  --burst OTPs through POST /v1/messages/batch as fast as the core
//         takes them while the receiver answers 503 (the outbox fills; the
//         origin backs off), until every message is final; then the receiver
//         answers 200 and the outbox drains. Callbacks/s from the first 200 to
//         the last, and in the best 5-second window: the largest sustained
//         callback rate to one receiver.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import { openLoop } from './open-loop.ts';
import { cpuMs, loadAverage, spawnService, startSim, stop, waitReady, writeStackConfig } from './stack.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const flag = (name: string): boolean => args.includes(`--${name}`);

// ---- the receiver (this file forked with --receiver) -------------------------------

interface ReceiverReport {
  /** [client_ref seq, arrival ms since epoch] per healthy callback, duplicates included. */
  readonly arrivals: Array<[number, number]>;
  readonly blackholeConnections: number;
  /** Callbacks answered with something other than 200 (burst mode's fill). */
  readonly refused: number;
}

function runReceiver(): void {
  const arrivals: Array<[number, number]> = [];
  let blackholeConnections = 0;
  let answer = 200;
  let refused = 0;
  const healthy = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      if (answer === 200) {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { client_ref?: string; status?: string };
        const seq = Number(body.client_ref);
        if (Number.isFinite(seq)) arrivals.push([seq, at]);
      } else refused++;
      res.writeHead(answer, { 'content-length': '0' });
      res.end();
    });
  });
  // Accepts, reads, never answers: the sender's timeout is all that frees a connection.
  const sockets = new Set<net.Socket>();
  const blackhole = net.createServer((s) => {
    blackholeConnections++;
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  healthy.listen(0, '127.0.0.1', () => {
    blackhole.listen(0, '127.0.0.1', () => {
      process.send?.({ kind: 'ports', healthy: (healthy.address() as net.AddressInfo).port, blackhole: (blackhole.address() as net.AddressInfo).port });
    });
  });
  process.on('message', (m: { kind: string; status?: number }) => {
    if (m.kind === 'answer') {
      answer = m.status ?? 200;
      process.send?.({ kind: 'answering' });
    } else if (m.kind === 'report') {
      const report: ReceiverReport = { arrivals, blackholeConnections, refused };
      process.send?.({ kind: 'report', report });
    } else if (m.kind === 'stop') {
      for (const s of sockets) s.destroy();
      healthy.closeAllConnections();
      healthy.close();
      blackhole.close();
      process.exit(0);
    }
  });
}

interface Receiver {
  readonly child: ChildProcess;
  readonly healthyUrl: string;
  readonly blackholeUrl: string;
  report(): Promise<ReceiverReport>;
  answer(status: number): Promise<void>;
  stop(): Promise<void>;
}

function startReceiver(): Promise<Receiver> {
  const child = fork(fileURLToPath(import.meta.url), ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    child.once('message', (m: { kind: string; healthy: number; blackhole: number }) => {
      resolve({
        child,
        healthyUrl: `http://127.0.0.1:${m.healthy}/callbacks`,
        blackholeUrl: `http://127.0.0.1:${m.blackhole}/callbacks`,
        answer: (status) =>
          new Promise((res) => {
            const on = (r: { kind: string }): void => {
              if (r.kind !== 'answering') return;
              child.off('message', on);
              res();
            };
            child.on('message', on);
            child.send({ kind: 'answer', status });
          }),
        report: () =>
          new Promise((res) => {
            const on = (r: { kind: string; report: ReceiverReport }): void => {
              if (r.kind !== 'report') return;
              child.off('message', on);
              res(r.report);
            };
            child.on('message', on);
            child.send({ kind: 'report' });
          }),
        stop: async () => {
          if (child.exitCode !== null) return;
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          child.send({ kind: 'stop' });
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}

// ---- figures ---------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Latencies (ms) of the first arrival of each seq in [from, to), against its send instant. */
function latencies(arrivals: ReadonlyArray<[number, number]>, sentAt: ReadonlyMap<number, number>, from: number, to: number): { sorted: number[]; duplicates: number } {
  const first = new Map<number, number>();
  let duplicates = 0;
  for (const [seq, at] of arrivals) {
    if (seq < from || seq >= to) continue;
    if (first.has(seq)) duplicates++;
    else first.set(seq, at);
  }
  const out: number[] = [];
  for (const [seq, at] of first) {
    const sent = sentAt.get(seq);
    if (sent !== undefined) out.push(at - sent);
  }
  return { sorted: out.sort((a, b) => a - b), duplicates };
}

/** Most arrivals in any `windowMs` window, per second. */
function bestWindowRate(arrivals: ReadonlyArray<[number, number]>, windowMs: number): number {
  const t = arrivals.map((a) => a[1]).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while ((t[j] as number) - (t[i] as number) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return (best * 1000) / windowMs;
}

async function scrape(coreUrl: string): Promise<string> {
  const res = await request(`${coreUrl}/metrics`);
  return res.body.text();
}

/** Pending outbox rows as /metrics reports them (summed over its labels). */
function outboxDepth(metrics: string): number {
  let n = 0;
  let seen = false;
  for (const line of metrics.split('\n')) {
    const m = /^denpa_callback_outbox(?:_pending)?(?:\{[^}]*\})? (\S+)/.exec(line);
    if (m) {
      seen = true;
      n += Number(m[1]);
    }
  }
  return seen ? n : NaN;
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'n/a');

// ---- the run -------------------------------------------------------------------------

const KEY = 'denpa-bench-key';

async function main(): Promise<void> {
  const mode = opt('mode', 'steady');
  const rate = Number(opt('rate', '1000'));
  const duration = Number(opt('duration', '60'));
  const warmup = Number(opt('warmup', '5'));
  const withBlackhole = flag('blackhole');
  const blackholeRate = Number(opt('blackhole-rate', '100'));
  const burst = Number(opt('burst', '30000'));
  const drainSeconds = Number(opt('drain', '60'));
  const concurrency = opt('concurrency', '');

  // The receiver first: its ports are taken before the others are chosen.
  const receiver = await startReceiver();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-bench-cb-'));
  const files = await writeStackConfig(work, { key: KEY, secret: 'denpa-bench-secret' }, concurrency ? { callbacks: { concurrency: Number(concurrency), perOriginConcurrency: Math.min(64, Number(concurrency)) } } : {});
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}; load average ${loadAverage()}`);
  const sim = await startSim(files).catch(async (err: unknown) => {
    await receiver.stop();
    throw err;
  });
  const core = await spawnService(['core', '--config', files.coreConfig], /listening on (http:\/\/\S+)/).catch(async (err: unknown) => {
    await stop(sim.child);
    await receiver.stop();
    throw err;
  });
  const coreUrl = core.match[1] as string;
  const connections = 256;
  const pool = new Pool(coreUrl, { connections, pipelining: 1 });
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const sentAt = new Map<number, number>();
  let seq = 0;
  const otp = (s: number, url: string): object => ({ to: `090${String(s % 100_000_000).padStart(8, '0')}`, text: `Your code is ${String(100000 + (s % 900000))}`, category: 'otp', client_ref: String(s), callback_url: url });
  try {
    await waitReady(coreUrl);
    const cpu0 = { core: cpuMs(core.child.pid as number), sim: cpuMs(sim.child.pid as number), receiver: cpuMs(receiver.child.pid as number) };

    if (mode === 'burst') {
      const first = seq;
      await receiver.answer(503);
      const t0 = Date.now();
      let next = 0;
      let accepted = 0;
      const batches = Math.ceil(burst / 1000);
      const worker = async (): Promise<void> => {
        for (let b = next++; b < batches; b = next++) {
          const messages = Array.from({ length: 1000 }, () => {
            const s = seq++;
            sentAt.set(s, Date.now());
            return otp(s, receiver.healthyUrl);
          });
          const res = await pool.request({ method: 'POST', path: '/v1/messages/batch', headers, body: JSON.stringify({ messages }) });
          await res.body.text();
          if (res.statusCode === 202) accepted += 1000;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const tAccepted = Date.now();
      // Fill: every message final (its callback in the outbox), bounded by --drain.
      const fillDeadline = Date.now() + drainSeconds * 1000;
      let depth = 0;
      while (Date.now() < fillDeadline && (depth = outboxDepth(await scrape(coreUrl))) < accepted) await new Promise((res) => setTimeout(res, 250));
      const refusedBefore = (await receiver.report()).refused;
      await receiver.answer(200);
      const tOpen = Date.now();
      const deadline = Date.now() + drainSeconds * 1000;
      let report = await receiver.report();
      while (Date.now() < deadline && new Set(report.arrivals.map((a) => a[0])).size < accepted) {
        await new Promise((res) => setTimeout(res, 500));
        report = await receiver.report();
      }
      const lat = latencies(report.arrivals, sentAt, first, seq);
      const times = report.arrivals.map((a) => a[1]).sort((a, b) => a - b);
      const span = ((times[times.length - 1] ?? t0) - (times[0] ?? t0)) / 1000;
      console.log(
        `burst: ${accepted} OTPs accepted in ${((tAccepted - t0) / 1000).toFixed(2)} s (${Math.round(accepted / ((tAccepted - t0) / 1000))}/s); outbox ${depth} when the receiver began answering 200, ${((tOpen - t0) / 1000).toFixed(1)} s after the first request (${refusedBefore} POSTs answered 503 meanwhile)`,
      );
      console.log(
        `burst: ${lat.sorted.length} callbacks received (${lat.duplicates} duplicates) over ${span.toFixed(2)} s = ${Math.round(lat.sorted.length / span)}/s first to last; best 5 s window ${Math.round(bestWindowRate(report.arrivals, 5000))}/s   (target >= 3000/s)`,
      );
      console.log(`burst: outbox after the drain ${outboxDepth(await scrape(coreUrl))}; first callback ${(((times[0] ?? tOpen) - tOpen) / 1000).toFixed(2)} s after the receiver began answering 200 (the origin's back-off ending)`);
      console.log(`burst: accept -> callback p50 ${fmt(percentile(lat.sorted, 50))}, p99 ${fmt(percentile(lat.sorted, 99))}, max ${fmt(lat.sorted[lat.sorted.length - 1] ?? NaN)}`);
    } else {
      const load = async (seconds: number): Promise<{ from: number; to: number; accepted: number; elapsed: number; blackholed: number }> => {
        const n = Math.round(rate * seconds);
        const from = seq;
        seq += n;
        const bodies = Array.from({ length: n }, (_, i) => JSON.stringify(otp(from + i, receiver.healthyUrl)));
        // The black-holed stream: its own client_refs (not counted at the healthy receiver), its own open loop.
        const bhN = withBlackhole ? Math.round(blackholeRate * seconds) : 0;
        const bhBodies = Array.from({ length: bhN }, (_, i) => JSON.stringify(otp(900_000_000 + from + i, receiver.blackholeUrl)));
        const [r, bh] = await Promise.all([
          openLoop({ pool, connections, path: '/v1/messages', headers, rate, okStatus: 202, bodies, onSend: (i, at) => sentAt.set(from + i, at) }),
          bhN > 0 ? openLoop({ pool, connections, path: '/v1/messages', headers, rate: blackholeRate, okStatus: 202, bodies: bhBodies }) : Promise.resolve(undefined),
        ]);
        return { from, to: seq, accepted: r.done - r.bad, elapsed: r.elapsedSeconds, blackholed: bh ? bh.done - bh.bad : 0 };
      };
      if (warmup > 0) {
        const w = await load(warmup);
        await new Promise((res) => setTimeout(res, 2000));
        const rep = await receiver.report();
        const lat = latencies(rep.arrivals, sentAt, w.from, w.to);
        console.log(`warm-up (not counted): ${w.accepted} accepted at ${rate}/s, ${lat.sorted.length} callbacks, p99 ${fmt(percentile(lat.sorted, 99))}`);
      }
      const depths: number[] = [];
      const sampler = setInterval(() => {
        void scrape(coreUrl).then((m) => depths.push(outboxDepth(m)), () => undefined);
      }, 1000);
      const before = (await receiver.report()).arrivals.length;
      const t0 = Date.now();
      const run = await load(duration);
      const tSent = Date.now();
      const duringSend = (await receiver.report()).arrivals.length - before;
      clearInterval(sampler);
      const depthAtEndOfSend = outboxDepth(await scrape(coreUrl));
      const deadline = Date.now() + drainSeconds * 1000;
      let report = await receiver.report();
      const expected = run.accepted;
      const got = (r: ReceiverReport): number => new Set(r.arrivals.filter((a) => a[0] >= run.from && a[0] < run.to).map((a) => a[0])).size;
      while (Date.now() < deadline && got(report) < expected) {
        await new Promise((res) => setTimeout(res, 250));
        report = await receiver.report();
      }
      const tDrained = Date.now();
      const lat = latencies(report.arrivals, sentAt, run.from, run.to);
      const cpu = { core: cpuMs(core.child.pid as number) - cpu0.core, sim: cpuMs(sim.child.pid as number) - cpu0.sim, receiver: cpuMs(receiver.child.pid as number) - cpu0.receiver };
      console.log(
        `steady: ${run.accepted} OTPs accepted at ${rate}/s offered over ${run.elapsed.toFixed(1)} s = ${Math.round(run.accepted / run.elapsed)}/s${withBlackhole ? `; plus ${run.blackholed} to a black-holed receiver at ${blackholeRate}/s` : ''}`,
      );
      console.log(
        `steady: callbacks received during the send ${Math.round(duringSend / ((tSent - t0) / 1000))}/s; all ${lat.sorted.length} of ${expected} (${lat.duplicates} duplicates) in ${((tDrained - t0) / 1000).toFixed(1)} s`,
      );
      console.log(
        `steady: receiver-side latency (send instant -> callback arrival) p50 ${fmt(percentile(lat.sorted, 50))}, p99 ${fmt(percentile(lat.sorted, 99))}, max ${fmt(lat.sorted[lat.sorted.length - 1] ?? NaN)}   (target p99 < 1000 ms)`,
      );
      const finite = depths.filter(Number.isFinite);
      console.log(
        `steady: outbox depth sampled each second: max ${finite.length ? Math.max(...finite) : 'n/a'}, at the end of the send ${depthAtEndOfSend}, after the drain ${outboxDepth(await scrape(coreUrl))}; every 10th sample ${finite.filter((_, i) => i % 10 === 9).join(' ')}`,
      );
      if (withBlackhole) {
        const r = await receiver.report();
        console.log(`steady: the black hole accepted ${r.blackholeConnections} connections`);
      }
      console.log(`steady: CPU used: core ${cpu.core} ms, simulator ${cpu.sim} ms, receiver ${cpu.receiver} ms; load average ${loadAverage()}`);
    }
  } finally {
    await pool.close().catch(() => undefined);
    await stop(core.child);
    await stop(sim.child);
    await receiver.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (args.includes('--receiver')) runReceiver();
else await main();
