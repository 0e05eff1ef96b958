// Simulator throughput and memory, measured (not asserted).
//
//   npx tsx bench/sim-throughput.ts [--n 200000] [--probes 1000000] [--window 100] [--rounds 3]
//                                   [--node-flags "--max-semi-space-size=8"] [--compare-node-flags "..."] [--sim-log sim.txt]
//
// One SMSC process on loopback, driven by a windowed client in this process
// (window 100, every submit answered and followed by a receipt). Two SMSCs
// are measured in the same run with the same client:
//   bare       the raw `smpp` echo SMSC (bench/smpp-echo-server.ts): the library's ceiling here
//   simulator  `denpa sim` started as a user starts it: `node bin/denpa.js sim`, i.e. the
//              esbuild bundle with plain node (no TypeScript loader), with a profile file of
//              no injected latency, fates off, every text a probe token
// Then the simulator keeps going until its ledger holds `--probes` probes and
// its resident memory is read from /proc/<pid>/status. `--node-flags` goes
// to the simulator's node before bin/denpa.js (to evaluate V8 flags);
// each `--compare-node-flags` starts one more simulator with other flags, measured
// in the same rounds (an A/B that a busy machine hits alike);
// `--sim-log` keeps the simulator's stdout (e.g. with --node-flags --trace-gc).
// Targets (from the issue): >= 15,000 submits/s with receipts, >= 0.75 of
// bare, < 250 MB RSS after 1,000,000 probes.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withProbe } from '../src/probe/index.ts';
import { startBareEchoSmsc } from './smpp-echo-server.ts';

const RUN_ID = 'BNCH';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const loads = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// ---- the bare SMSC child (this file forked; the simulator is `denpa sim`, below) ------

async function bareChild(): Promise<void> {
  const smsc = await startBareEchoSmsc({ port: 0 });
  process.send?.({ port: smsc.port });
  process.on('message', (msg) => {
    if (msg === 'stop') void smsc.close().then(() => process.exit(0));
  });
}

// ---- the simulator: `node bin/denpa.js sim`, as a user runs it -------------------------

const BIN = fileURLToPath(new URL('../bin/denpa.js', import.meta.url));

interface SimProcess {
  proc: ChildProcess;
  port: number;
  controlUrl: string;
}

interface Memory {
  rssMb: number;
  peakRssMb: number;
  /** Of rss: anonymous memory (heaps, malloc) and mapped files (node's own code). */
  anonMb: number;
  fileMb: number;
}

/** The kernel's view of a process's memory (VmRSS now, VmHWM its peak). */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => (Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024) / 1e6;
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM'), anonMb: mb('RssAnon'), fileMb: mb('RssFile') };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const showMemory = (m: Memory) => `rss ${m.rssMb.toFixed(0)} MB (anon ${m.anonMb.toFixed(0)}, files ${m.fileMb.toFixed(0)}; peak ${m.peakRssMb.toFixed(0)} MB)`;

async function startSimulatorProcess(nodeFlags: string[], logFile: string | undefined): Promise<SimProcess> {
  const zero = { kind: 'constant', ms: 0 };
  const profile = { latency: zero, handset: { delay: zero, unreachableShare: 0, undeliverableShare: 0 }, receipts: { delay: zero } };
  const dir = mkdtempSync(join(tmpdir(), 'denpa-sim-bench-'));
  const configFile = join(dir, 'profile.json');
  writeFileSync(configFile, JSON.stringify({ carriers: { docomo: profile, au: profile, softbank: profile } }));
  const ports = ['--docomo-port', '0', '--au-port', '0', '--softbank-port', '0', '--aggregator-port', '0', '--control-port', '0'];
  const proc = spawn(process.execPath, [...nodeFlags, BIN, 'sim', '--seed', '1', '--ported-share', '0', '--config', configFile, ...ports], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  try {
    return await new Promise<SimProcess>((resolve, reject) => {
      let port: number | undefined;
      const timer = setTimeout(() => reject(new Error('denpa sim did not print its listen lines within 60 s')), 60_000);
      proc.once('exit', (code) => reject(new Error(`denpa sim exited with ${code}`)));
      const log = logFile ? createWriteStream(logFile) : undefined;
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        log?.write(`${line}\n`);
        port ??= Number(/^\s*docomo\s+SMPP\s+\S+:(\d+)/.exec(line)?.[1] ?? NaN) || undefined;
        const control = /^\s*control\s+HTTP\s+(\S+)/.exec(line)?.[1];
        if (control && port) {
          clearTimeout(timer);
          resolve({ proc, port, controlUrl: control });
        }
      });
    });
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ledger(controlUrl: string): Promise<{ messages: number; deliveries: number }> {
  const res = await fetch(`${controlUrl}/v1/ledger/runs/${RUN_ID}`);
  if (!res.ok) throw new Error(`ledger: HTTP ${res.status}`);
  return (await res.json()) as { messages: number; deliveries: number };
}

// ---- the client: raw `smpp`, windowed ------------------------------------------------

interface RawPdu {
  command_status: number;
  response(): unknown;
}
interface RawSession {
  on(event: string, listener: (pdu: RawPdu) => void): void;
  send(pdu: unknown): boolean;
  bind_transceiver(options: Record<string, unknown>, callback: (pdu: RawPdu) => void): void;
  submit_sm(options: Record<string, unknown>, callback: (pdu: RawPdu) => void): void;
  destroy(): void;
}
const smpp = createRequire(import.meta.url)('smpp') as { connect(options: { host: string; port: number }): RawSession };

class WindowedClient {
  private receipts = 0;
  private onReceipt: () => void = () => {};
  private constructor(private readonly session: RawSession) {
    session.on('deliver_sm', (pdu) => {
      session.send(pdu.response());
      this.receipts++;
      this.onReceipt();
    });
  }

  static connect(port: number, password: string): Promise<WindowedClient> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({ host: '127.0.0.1', port });
      session.on('error', (e) => reject(e));
      session.bind_transceiver({ system_id: 'denpa', password, interface_version: 0x34 }, (resp) => {
        if (resp.command_status !== 0) reject(new Error(`bind refused: ${resp.command_status}`));
        else resolve(new WindowedClient(session));
      });
    });
  }

  /** Sends submits [from, to) with at most `window` outstanding; resolves once every answer and receipt arrived. */
  run(from: number, to: number, window: number): Promise<number> {
    const n = to - from;
    const receiptsAtStart = this.receipts;
    return new Promise((resolve, reject) => {
      let next = from;
      let answered = 0;
      const t0 = performance.now();
      const finish = () => {
        if (answered === n && this.receipts - receiptsAtStart >= n) resolve(performance.now() - t0);
      };
      this.onReceipt = finish;
      const pump = () => {
        while (next < to && next - from - answered < window) {
          const seq = next++;
          const text = withProbe('ベンチマーク bench', { runId: RUN_ID, seq, category: 'otp', sentAtMs: Date.now() });
          this.session.submit_sm(
            { destination_addr: '819012345678', source_addr: 'DENPA', registered_delivery: 1, data_coding: 0x08, short_message: Buffer.from(text, 'utf16le').swap16() },
            (resp) => {
              if (resp.command_status !== 0) return reject(new Error(`submit status ${resp.command_status}`));
              answered++;
              pump();
              finish();
            },
          );
        }
      };
      pump();
    });
  }

  close(): void {
    this.session.destroy();
  }
}

// ---- the parent --------------------------------------------------------------------

function startBareChild(): Promise<{ proc: ChildProcess; port: number }> {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', 'bare'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, port: (m as { port: number }).port }));
    proc.once('exit', (code) => reject(new Error(`bare child exited with ${code}`)));
  });
}

/** Stops a child: politely ('stop' over IPC, or SIGTERM), SIGKILL after 10 s. */
async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    if (proc.connected) proc.send('stop');
    else proc.kill('SIGTERM');
  });
}

const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (x: number) => x.toFixed(0).padStart(7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measureBare(n: number, window: number): Promise<number> {
  const bare = await startBareChild();
  try {
    const c = await WindowedClient.connect(bare.port, 'x');
    const r = rate(n, await c.run(0, n, window));
    c.close();
    return r;
  } finally {
    await stop(bare.proc);
  }
}

interface Variant {
  label: string;
  sim: SimProcess;
  client: WindowedClient;
  rates: number[];
  /** The simulator's CPU time per submit in each round, µs: a cost that a busy machine disturbs far less than a rate. */
  cpuPerSubmitUs: number[];
  sent: number;
  after?: Memory;
}

async function main(): Promise<void> {
  const n = arg('n', 200_000);
  const probes = Math.max(arg('probes', 1_000_000), n);
  const window = arg('window', 100);
  const rounds = arg('rounds', 3);
  const compared = process.argv.flatMap((a, i) => (a === '--compare-node-flags' ? [process.argv[i + 1] ?? ''] : []));
  const flagSets = [stringArg('node-flags') ?? '', ...compared].map((f) => f.split(/\s+/).filter(Boolean));
  const labelOf = (flags: string[]) => (flags.length > 0 ? `simulator ${flags.join(' ')}` : 'simulator');
  console.log(`sim-throughput: ${n} submits per measurement, window ${window}, receipts on, no injected latency; client and SMSC in two processes on loopback`);
  for (const flags of flagSets) console.log(`${labelOf(flags)}: node ${[...flags, 'bin/denpa.js sim'].join(' ')} (the dist/ bundle, plain node)`);
  console.log(`${rounds} rounds alternating bare and simulator (medians compared, so a busy machine hits them alike); load average ${loads()}`);

  // Each simulator process lives through every round so that its ledger ends with `probes` probes.
  const variants: Variant[] = [];
  try {
    for (const [i, flags] of flagSets.entries()) {
      const sim = await startSimulatorProcess(flags, i === 0 ? stringArg('sim-log') : undefined);
      variants.push({ label: labelOf(flags), sim, client: await WindowedClient.connect(sim.port, 'dcm-pass'), rates: [], cpuPerSubmitUs: [], sent: 0 });
    }
    await new Promise((res) => setTimeout(res, 5_000));
    for (const v of variants) console.log(`${v.label} idle before any traffic: ${showMemory(memoryOf(v.sim.proc.pid!))}`);
    const bareRates: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const b = await measureBare(n, window);
      bareRates.push(b);
      const parts = [`bare smpp echo SMSC ${fmt(b)} submits/s`];
      // Odd rounds run the simulators in the given order, even rounds in reverse, so none always follows the bare SMSC.
      for (const v of round % 2 === 1 ? variants : [...variants].reverse()) {
        const cpu0 = cpuSecondsOf(v.sim.proc.pid!);
        const s = rate(n, await v.client.run(v.sent, v.sent + n, window));
        const cpuUs = ((cpuSecondsOf(v.sim.proc.pid!) - cpu0) / n) * 1e6;
        v.sent += n;
        v.rates.push(s);
        v.cpuPerSubmitUs.push(cpuUs);
      }
      for (const v of variants) parts.push(`${v.label} ${fmt(v.rates[round - 1] ?? NaN)} submits/s (${((v.rates[round - 1] ?? NaN) / b).toFixed(2)}, cpu ${(v.cpuPerSubmitUs[round - 1] ?? NaN).toFixed(1)} µs/submit)`);
      console.log(`round ${round}: ${parts.join('   ')}   load ${loads()}`);
    }
    const bareRate = median(bareRates);
    console.log(
      `median:  bare smpp echo SMSC ${fmt(bareRate)} submits/s   ${variants.map((v) => `${v.label} ${fmt(median(v.rates))} submits/s (${(median(v.rates) / bareRate).toFixed(2)} of bare, cpu ${median(v.cpuPerSubmitUs).toFixed(1)} µs/submit)`).join('   ')}`,
    );
    for (const v of variants) {
      if (probes > v.sent) {
        const restRate = rate(probes - v.sent, await v.client.run(v.sent, probes, window));
        console.log(`${v.label}, ${probes - v.sent} more probes: ${fmt(restRate).trim()} submits/s   load ${loads()}`);
        v.sent = probes;
      }
      v.client.close();
      // Memory first: asking for the ledger builds histograms in the simulator.
      v.after = memoryOf(v.sim.proc.pid!);
      const held = await ledger(v.sim.controlUrl);
      console.log(`${v.label} right after ${v.sent} probes: ${showMemory(v.after)}, ledger holds ${held.messages} probes (${held.deliveries} handset deliveries)`);
    }
    // V8 shrinks its heap once allocation stops (its memory reducer); show where it settles too.
    await new Promise((res) => setTimeout(res, 15_000));
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    for (const v of variants) {
      const idle = memoryOf(v.sim.proc.pid!);
      console.log(`${v.label} 15 s later, idle:  ${showMemory(idle)}; load average ${loads()}`);
      const simRate = median(v.rates);
      const after = v.after?.rssMb ?? NaN;
      console.log(
        `${v.label} targets: >= 15000 submits/s ${verdict(simRate >= 15_000)}; >= 0.75 of bare ${verdict(simRate / bareRate >= 0.75)}; < 250 MB rss after ${v.sent} probes: right after ${verdict(after < 250)}, idle ${verdict(idle.rssMb < 250)}`,
      );
    }
  } finally {
    for (const v of variants) v.client.close();
    await Promise.all(variants.map((v) => stop(v.sim.proc)));
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) void bareChild();
else
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
