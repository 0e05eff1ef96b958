// SMPP echo benchmark: submits per second over loopback between TWO
// processes, window 100, every submit answered and followed by a receipt.
// A run counts as done when every submit_sm_resp and every receipt arrived.
//
//   npx tsx bench/smpp-echo.ts [--n 100000] [--window 100]
//
// Rows printed (same machine, same run):
//   bare    -> bare     raw `smpp` client  -> raw `smpp` echo SMSC (the library's ceiling)
//   wrapper -> bare     src/smpp SmppClient -> raw `smpp` echo SMSC
//   wrapper -> wrapper  src/smpp SmppClient -> src/smpp SmppServer echo SMSC
// The SMSC runs in a forked child; the client in this process.

import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildReceipt, DataCoding, SmppClient, SmppServer } from '../src/smpp/index.ts';
import { startBareEchoSmsc } from './smpp-echo-server.ts';

type ServerKind = 'bare' | 'wrapper';
type ClientKind = 'bare' | 'wrapper';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

// ---- child: one SMSC, told what kind by argv ---------------------------------

async function startWrapperEchoSmsc(): Promise<{ port: number; close: () => Promise<void> }> {
  let nextId = 0;
  const server = await SmppServer.listen({
    host: '127.0.0.1',
    port: 0,
    window: 100,
    maxQueued: 1_000_000,
    onBind: () => 0,
    onSubmit: (m, session) => {
      const id = (++nextId).toString(16);
      const receipt = buildReceipt({ id, stat: 'DELIVRD', handset: m.fields.destination_addr, sender: m.fields.source_addr, format: { dateDigits: 10 }, dataCoding: DataCoding.IA5 });
      // After the response is on its way, like an SMSC would.
      queueMicrotask(() => void session.sendDeliver(receipt).catch(() => undefined));
      return { commandStatus: 0, messageId: id };
    },
  });
  return { port: server.port, close: () => server.destroy() };
}

async function child(kind: ServerKind): Promise<void> {
  const smsc = kind === 'bare' ? await startBareEchoSmsc({ port: 0 }) : await startWrapperEchoSmsc();
  process.send?.({ port: smsc.port });
  process.on('message', (msg) => {
    if (msg === 'stop') {
      const rssMb = process.memoryUsage().rss / 1e6;
      void smsc.close().then(() => process.send?.({ rssMb }, () => process.exit(0)));
    }
  });
}

// ---- parent: clients ------------------------------------------------------------

interface RawSession {
  on(event: string, listener: (pdu: { command_status: number; response(): unknown }) => void): void;
  send(pdu: unknown): boolean;
  bind_transceiver(options: Record<string, unknown>, callback: (pdu: { command_status: number }) => void): void;
  submit_sm(options: Record<string, unknown>, callback: (pdu: { command_status: number }) => void): void;
  destroy(): void;
}
const smpp = createRequire(import.meta.url)('smpp') as { connect(options: { host: string; port: number }): RawSession };

function runBareClient(port: number, n: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({ host: '127.0.0.1', port });
    session.on('error', (e) => reject(e));
    let sent = 0;
    let answered = 0;
    let receipts = 0;
    let t0 = 0;
    const finish = () => {
      if (answered === n && receipts === n) {
        const ms = performance.now() - t0;
        session.destroy();
        resolve(ms);
      }
    };
    session.on('deliver_sm', (pdu) => {
      session.send(pdu.response());
      receipts++;
      finish();
    });
    const pump = () => {
      // The window: never more than `window` outstanding.
      while (sent < n && sent - answered < window) {
        sent++;
        session.submit_sm({ destination_addr: '819012345678', source_addr: 'DENPA', registered_delivery: 1, data_coding: 0, short_message: 'hello' }, (resp) => {
          if (resp.command_status !== 0) reject(new Error(`status ${resp.command_status}`));
          answered++;
          pump();
          finish();
        });
      }
    };
    session.bind_transceiver({ system_id: 'denpa', password: 'x' }, (resp) => {
      if (resp.command_status !== 0) return reject(new Error('bind refused'));
      t0 = performance.now();
      pump();
    });
  });
}

async function runWrapperClient(port: number, n: number, window: number): Promise<number> {
  let receipts = 0;
  let done: () => void = () => {};
  const allReceipts = new Promise<void>((resolve) => (done = resolve));
  const client = await SmppClient.connect({
    host: '127.0.0.1',
    port,
    systemId: 'denpa',
    password: 'x',
    bindMode: 'transceiver',
    window,
    maxQueued: window,
    onDeliver: () => {
      if (++receipts === n) done();
    },
  });
  const message = { destination_addr: '819012345678', source_addr: 'DENPA', registered_delivery: 1, data_coding: DataCoding.SMSC_DEFAULT, short_message: Buffer.from('hello') };
  const t0 = performance.now();
  let issued = 0;
  // `window` workers, each keeping one submit in flight: the window never overflows its queue.
  const worker = async () => {
    while (issued < n) {
      issued++;
      const r = await client.submit(message);
      if (!r.ok) throw new Error(`status ${r.commandStatus}`);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  await allReceipts;
  const ms = performance.now() - t0;
  client.destroy();
  return ms;
}

async function measure(server: ServerKind, client: ClientKind, n: number, window: number): Promise<{ perSecond: number; ms: number; serverRssMb: number }> {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', server], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      proc.once('message', (m) => resolve((m as { port: number }).port));
      proc.once('exit', (code) => reject(new Error(`SMSC child exited with ${code}`)));
    });
    const ms = client === 'bare' ? await runBareClient(port, n, window) : await runWrapperClient(port, n, window);
    const serverRssMb = await new Promise<number>((resolve) => {
      proc.once('message', (m) => resolve((m as { rssMb: number }).rssMb));
      proc.send('stop');
    });
    return { perSecond: (n / ms) * 1000, ms, serverRssMb };
  } finally {
    if (proc.exitCode === null) proc.kill();
  }
}

async function main(): Promise<void> {
  const n = arg('n', 100_000);
  const window = arg('window', 100);
  console.log(`smpp echo: ${n} submits, window ${window}, each answered and followed by a receipt; client and SMSC in two processes on loopback`);
  const rows: [ClientKind, ServerKind][] = [
    ['bare', 'bare'],
    ['wrapper', 'bare'],
    ['wrapper', 'wrapper'],
  ];
  const results: Record<string, number> = {};
  for (const [client, server] of rows) {
    const r = await measure(server, client, n, window);
    results[`${client}->${server}`] = r.perSecond;
    console.log(
      `${`client ${client}`.padEnd(16)} -> ${`SMSC ${server}`.padEnd(13)} ${r.perSecond.toFixed(0).padStart(7)} submits/s  (${(r.ms / 1000).toFixed(2)} s, SMSC rss ${r.serverRssMb.toFixed(0)} MB)`,
    );
  }
  const base = results['bare->bare'] ?? 1;
  console.log(`wrapper->wrapper / bare->bare = ${((results['wrapper->wrapper'] ?? 0) / base).toFixed(2)}`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) void child(process.argv[childAt + 1] === 'wrapper' ? 'wrapper' : 'bare');
else
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
