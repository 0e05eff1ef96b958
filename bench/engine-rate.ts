// Benchmark of the built-in engine's scheduler: a constant-arrival-rate run
// against a trivial HTTP server in a separate process (127.0.0.1), printing
// achieved vs target rate, dropped_iterations, latency and the engine's CPU.
//
//   npx tsx bench/engine-rate.ts                 # 1,000/s and 5,000/s, 30 s each
//   npx tsx bench/engine-rate.ts --seconds 10    # shorter (--vus N: pre-allocated VUs, default = rate;
//                                                --connections N: keep-alive connections, default 256)
//   npx tsx bench/engine-rate.ts --rates 5000 --minutes 10   # memory flatness, RSS every 30 s
//   npx tsx bench/engine-rate.ts --no-http       # iterations wait 5 ms on a timer instead of
//                                                # HTTP: the scheduler and metrics alone, when
//                                                # the machine cannot serve the HTTP load
//
// Target: achieved within 1% of target at 5,000/s with dropped_iterations 0.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from '../src/harness/engine/index.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = arg('minutes') ? Number(arg('minutes')) : undefined;
const seconds = minutes !== undefined ? minutes * 60 : Number(arg('seconds') ?? 30);
const rates = (arg('rates') ?? '1000,5000').split(',').map(Number);
const noHttp = process.argv.includes('--no-http');

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); res.end('ok'); }); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

const SCRIPT = `
import http from 'k6/http';
export const options = {
  scenarios: {
    load: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: __ENV.DURATION,
            preAllocatedVUs: Number(__ENV.VUS), maxVUs: Number(__ENV.VUS) },
  },
};
export default async function () {
  if (__ENV.NO_HTTP) await new Promise((r) => setTimeout(r, 5));
  else await http.asyncRequest('GET', __ENV.URL);
}
`;

async function startServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start within 10 s')), 10_000);
    child.stdout.once('data', (d: Buffer) => {
      clearTimeout(t);
      resolve(Number(d.toString().trim()));
    });
  });
  return { port, stop: () => child.kill() };
}

const dir = mkdtempSync(join(tmpdir(), 'denpa-bench-'));
const scriptPath = join(dir, 'rate.js');
writeFileSync(scriptPath, SCRIPT);
const server = await startServer();
try {
  console.log(`engine-rate: constant-arrival-rate, ${seconds} s per rate, ${noHttp ? 'no HTTP (5 ms timer per iteration)' : 'HTTP GET to a server in a separate process'}, node ${process.version}`);
  for (const rate of rates) {
    // VUs are cheap (one script instance each): a second's worth rides out server stalls.
    const vus = arg('vus') ? Number(arg('vus')) : rate;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let lastRss = 0;
    const rssLines: string[] = [];
    const perSecond: number[] = [];
    const out = await runScript({
      scriptPath,
      ...(arg('connections') ? { maxConnectionsPerOrigin: Number(arg('connections')) } : {}),
      env: { RATE: String(rate), DURATION: `${seconds}s`, VUS: String(vus), URL: `http://127.0.0.1:${server.port}/`, ...(noHttp ? { NO_HTTP: '1' } : {}) },
      onProgress: (p) => {
        const sec = Math.round(p.elapsedMs / 1000);
        if (p.targetRate) perSecond.push(p.achievedRate);
        if (minutes !== undefined && sec % 30 === 0 && sec !== lastRss) {
          lastRss = sec;
          const mem = process.memoryUsage();
          rssLines.push(`  t=${sec}s rss=${(mem.rss / 1048576).toFixed(1)} MiB heapUsed=${(mem.heapUsed / 1048576).toFixed(1)} MiB iterations=${p.iterations}`);
          console.log(rssLines[rssLines.length - 1]);
        }
      },
    });
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const m = out.summary.metrics;
    const iterations = m.iterations?.values.count ?? 0;
    const dropped = m.dropped_iterations?.values.count ?? 0;
    const durationS = out.result.durationMs / 1000;
    const started = out.result.scenarios.load?.started ?? 0;
    const planned = out.result.scenarios.load?.planned ?? 0;
    const achieved = started / seconds;
    const dev = ((achieved - rate) / rate) * 100;
    const d = (noHttp ? m.iteration_duration : m.http_req_duration)?.values ?? {};
    const di = (noHttp ? m.iteration_duration_intended : m.http_req_duration_intended)?.values ?? {};
    console.log(`rate ${rate}/s: planned ${planned}, started ${started}, completed ${iterations}, dropped ${dropped}, achieved ${achieved.toFixed(1)}/s (${dev >= 0 ? '+' : ''}${dev.toFixed(3)}%), run ${durationS.toFixed(2)} s`);
    console.log(`  ${noHttp ? 'iteration_duration' : 'http_req_duration'} p50 ${d.med?.toFixed(3)} ms p95 ${d['p(95)']?.toFixed(3)} ms max ${d.max?.toFixed(1)} ms; intended-start p50 ${di.med?.toFixed(3)} ms p95 ${di['p(95)']?.toFixed(3)} ms max ${di.max?.toFixed(1)} ms`);
    const inner = perSecond.slice(1, -1);
    if (inner.length > 0) console.log(`  iterations started per second (whole seconds inside the run): min ${Math.min(...inner)}, max ${Math.max(...inner)}`);
    console.log(`  engine CPU: user ${(cpu.user / 1e6).toFixed(2)} s + system ${(cpu.system / 1e6).toFixed(2)} s over ${wallS.toFixed(1)} s wall = ${(((cpu.user + cpu.system) / 1e6 / wallS) * 100).toFixed(1)}% of one core; rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB; exit ${out.exitCode}`);
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
