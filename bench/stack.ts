// What the benchmarks share about starting the stack: free loopback ports,
// `denpa sim` / `denpa core` as a user starts them (bin/denpa.js, the dist/
// bundle under plain node), stopping them, and reading a process's CPU and
// memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The denpa to start: this checkout's, or another build's bin/denpa.js (BENCH_DENPA_BIN) to compare against. */
const BIN = process.env.BENCH_DENPA_BIN ?? path.join(ROOT, 'bin/denpa.js');

/** Ports this process has handed out: the OS may offer a just-closed port again, and two services must not get the same one. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  // Bounded: a few tries past a repeat.
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port after 20 tries');
}

export interface Service {
  child: ChildProcess;
  output: string;
}

export function spawnService(cliArgs: string[], ready: RegExp, timeoutMs = 60_000): Promise<Service & { match: RegExpMatchArray }> {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each child on exit (for finding hot spots).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  // As a user starts them: bin/denpa.js, which runs the dist/ bundle with plain node.
  const child = spawn(process.execPath, [...prof, BIN, ...cliArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const svc: Service = { child, output: '' };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms: ${cliArgs.join(' ')}\n${svc.output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      svc.output = (svc.output + chunk.toString()).slice(-20_000);
      const m = svc.output.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ ...svc, match: m });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${cliArgs.join(' ')}\n${svc.output.slice(-2000)}`));
    });
  });
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

export function rssMb(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU time (user + system) a process has used, ms. */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name; clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

/** Config files of a bench stack, in a work directory. */
export interface StackFiles {
  readonly simConfig: string;
  readonly simPorts: { readonly docomo: number; readonly au: number; readonly softbank: number; readonly control: number };
  readonly coreConfig: string;
  readonly dataDir: string;
}

/**
 * The simulator with no injected latency (handset and receipt delays 0, every
 * number deliverable, none ported) and a core on it (2 binds x window 100 x
 * 2,000/s per carrier, one tenant without a practical rate limit); `extra`
 * goes into the core config as is; `numberLookup` 'none' routes by prefix alone.
 */
export async function writeStackConfig(work: string, tenant: { key: string; secret: string }, extra: object = {}, numberLookup: 'http' | 'none' = 'http'): Promise<StackFiles> {
  const simPorts = { docomo: await freePort(), au: await freePort(), softbank: await freePort(), control: await freePort() };
  const simConfig = path.join(work, 'sim.json');
  const fast = {
    latency: { kind: 'constant', ms: 0 },
    handset: { delay: { kind: 'constant', ms: 0 }, unreachableShare: 0, undeliverableShare: 0 },
    receipts: { delay: { kind: 'constant', ms: 0 } },
  };
  fs.writeFileSync(simConfig, JSON.stringify({ seed: 1, portedShare: 0, carriers: { docomo: fast, au: fast, softbank: fast } }));
  const dataDir = path.join(work, 'data');
  const coreConfig = path.join(work, 'core.json');
  const carrier = (port: number) => ({ port, binds: 2, window: 100, tps: 2000 });
  fs.writeFileSync(
    coreConfig,
    JSON.stringify({
      http: { port: await freePort(), logLevel: 'warn' },
      tenants: [{ name: 'default', keys: [tenant.key], callbackSecret: tenant.secret, rateLimit: { max: 1_000_000, windowMs: 1000 } }],
      store: { dataDir },
      carriers: { docomo: carrier(simPorts.docomo), au: carrier(simPorts.au), softbank: carrier(simPorts.softbank) },
      // The simulator's lookup API as the core's number lookup, as in production (every accept asks it or its cache).
      numberLookup: { kind: numberLookup, url: `http://127.0.0.1:${simPorts.control}` },
      ...extra,
    }),
  );
  return { simConfig, simPorts, coreConfig, dataDir };
}

/** `denpa sim` on the stack's ports. */
export function startSim(files: StackFiles): Promise<Service & { match: RegExpMatchArray }> {
  const p = files.simPorts;
  return spawnService(['sim', '--config', files.simConfig, '--docomo-port', `${p.docomo}`, '--au-port', `${p.au}`, '--softbank-port', `${p.softbank}`, '--aggregator-port', '0', '--control-port', `${p.control}`], /control\s+HTTP/);
}

/** Until the core's /readyz answers 200 (its carrier links bound), at most 20 s. */
export async function waitReady(coreUrl: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await request(`${coreUrl}/readyz`);
    await r.body.text();
    if (r.statusCode === 200) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}
