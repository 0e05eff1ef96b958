// What the benchmarks share about starting the stack: free loopback ports,
// `denpa sim` / `denpa core` as a user starts them (bin/denpa.js, the dist/
// bundle under plain node), stopping them, and reading a process's CPU and
// memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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
