// Simulator throughput and memory, measured (not asserted).
//
//   npx tsx bench/sim-throughput.ts [--n 200000] [--probes 1000000] [--window 100] [--rounds 3]
//
// One SMSC process on loopback, driven by a windowed client in this process
// (window 100, every submit answered and followed by a receipt). Two SMSCs
// are measured in the same run with the same client:
//   bare       the raw `smpp` echo SMSC (bench/smpp-echo-server.ts): the library's ceiling here
//   simulator  startSimulator() with no injected latency, fates off, every text a probe token
// Then the simulator keeps going until its ledger holds `--probes` probes and
// reports its resident memory. Targets (from the issue): >= 15,000 submits/s
// with receipts, >= 0.75 of bare, < 250 MB RSS after 1,000,000 probes.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { withProbe } from '../src/probe/index.ts';
import { startSimulator } from '../simulator/index.ts';
import { startBareEchoSmsc } from './smpp-echo-server.ts';

type Kind = 'bare' | 'simulator';
const RUN_ID = 'BNCH';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

// ---- the SMSC child ---------------------------------------------------------------

interface ChildReport {
  rssMb: number;
  heapUsedMb: number;
  ledgerMessages?: number;
  ledgerDeliveries?: number;
}

async function child(kind: Kind): Promise<void> {
  let report: () => Promise<ChildReport>;
  let close: () => Promise<void>;
  let port: number;
  if (kind === 'bare') {
    const smsc = await startBareEchoSmsc({ port: 0 });
    port = smsc.port;
    close = () => smsc.close();
    report = async () => ({ rssMb: process.memoryUsage().rss / 1e6, heapUsedMb: process.memoryUsage().heapUsed / 1e6 });
  } else {
    const zero = { kind: 'constant', ms: 0 };
    const profile = { latency: zero, handset: { delay: zero, unreachableShare: 0, undeliverableShare: 0 }, receipts: { delay: zero } };
    const sim = await startSimulator({
      seed: 1,
      ports: { docomo: 0, au: 0, softbank: 0 },
      controlPort: 0,
      portedShare: 0,
      config: { carriers: { docomo: profile, au: profile, softbank: profile } },
    });
    port = sim.ports.docomo;
    close = () => sim.close();
    report = async () => {
      const run = sim.simulator.run(RUN_ID);
      const m = process.memoryUsage();
      return { rssMb: m.rss / 1e6, heapUsedMb: m.heapUsed / 1e6, ledgerMessages: run.messages, ledgerDeliveries: run.deliveries };
    };
  }
  process.send?.({ port });
  process.on('message', (msg) => {
    if (msg === 'report') void report().then((r) => process.send?.(r));
    if (msg === 'stop') void close().then(() => process.exit(0));
  });
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

function startChild(kind: Kind): Promise<{ proc: ChildProcess; port: number }> {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => resolve({ proc, port: (m as { port: number }).port }));
    proc.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)));
  });
}

function ask(proc: ChildProcess): Promise<ChildReport> {
  return new Promise((resolve) => {
    proc.once('message', (m) => resolve(m as ChildReport));
    proc.send('report');
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      proc.kill();
      resolve();
    }, 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.send('stop');
  });
}

const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (x: number) => x.toFixed(0).padStart(7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measureBare(n: number, window: number): Promise<number> {
  const bare = await startChild('bare');
  try {
    const c = await WindowedClient.connect(bare.port, 'x');
    const r = rate(n, await c.run(0, n, window));
    c.close();
    return r;
  } finally {
    await stop(bare.proc);
  }
}

async function main(): Promise<void> {
  const n = arg('n', 200_000);
  const probes = Math.max(arg('probes', 1_000_000), n);
  const window = arg('window', 100);
  const rounds = arg('rounds', 3);
  console.log(`sim-throughput: ${n} submits per measurement, window ${window}, receipts on, no injected latency; client and SMSC in two processes on loopback`);
  console.log(`${rounds} rounds alternating bare and simulator (medians compared, so a busy machine hits both alike)`);

  // The simulator process lives through every round so that its ledger ends with `probes` probes.
  const sim = await startChild('simulator');
  try {
    const c = await WindowedClient.connect(sim.port, 'dcm-pass');
    const bareRates: number[] = [];
    const simRates: number[] = [];
    let sent = 0;
    for (let round = 1; round <= rounds; round++) {
      const b = await measureBare(n, window);
      const s = rate(n, await c.run(sent, sent + n, window));
      sent += n;
      bareRates.push(b);
      simRates.push(s);
      console.log(`round ${round}: bare smpp echo SMSC ${fmt(b)} submits/s   denpa simulator ${fmt(s)} submits/s   (${(s / b).toFixed(2)})`);
    }
    const bareRate = median(bareRates);
    const simRate = median(simRates);
    console.log(`median:  bare smpp echo SMSC ${fmt(bareRate)} submits/s   denpa simulator ${fmt(simRate)} submits/s   (${(simRate / bareRate).toFixed(2)} of bare)`);
    if (probes > sent) {
      const restRate = rate(probes - sent, await c.run(sent, probes, window));
      console.log(`denpa simulator, ${probes - sent} more probes: ${fmt(restRate).trim()} submits/s`);
      sent = probes;
    }
    c.close();
    const r = await ask(sim.proc);
    console.log(`simulator right after ${sent} probes: rss ${r.rssMb.toFixed(0)} MB, heap used ${r.heapUsedMb.toFixed(0)} MB, ledger holds ${r.ledgerMessages} probes (${r.ledgerDeliveries} handset deliveries)`);
    // V8 shrinks its heap once allocation stops (its memory reducer); show where it settles too.
    await new Promise((res) => setTimeout(res, 15_000));
    const idle = await ask(sim.proc);
    console.log(`simulator 15 s later, idle:  rss ${idle.rssMb.toFixed(0)} MB, heap used ${idle.heapUsedMb.toFixed(0)} MB`);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(
      `targets: >= 15000 submits/s ${verdict(simRate >= 15_000)}; >= 0.75 of bare ${verdict(simRate / bareRate >= 0.75)}; < 250 MB rss after ${sent} probes: right after ${verdict(r.rssMb < 250)}, idle ${verdict(idle.rssMb < 250)}`,
    );
  } finally {
    await stop(sim.proc);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) void child(process.argv[childAt + 1] === 'simulator' ? 'simulator' : 'bare');
else
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
