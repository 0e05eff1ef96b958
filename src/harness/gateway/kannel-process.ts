// The embedded Kannel: bearerbox and smsbox from Debian's kannel package,
// started on free loopback ports against the run's simulator, awaited until
// smsbox takes requests and every carrier's SMPP link is online, and stopped
// afterwards (SIGTERM, then SIGKILL after a grace period). Their logs go
// into the run's logs folder. Every child is also killed if the harness
// itself exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CARRIERS, kannelConfig, type Carrier, type KannelLayout, type MessageIdFormat } from './kannel-config.ts';
import { KannelMissingError, KannelStartError } from './errors.ts';

export interface KannelOptions {
  logDir: string;
  smppPorts: Record<Carrier, number>;
  /** Each carrier's SMPP credentials and id format (the simulator's profiles). */
  carriers: Record<Carrier, { systemId: string; password: string; messageIdFormat: MessageIdFormat }>;
  throughput: number;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

export interface KannelProcess {
  /** smsbox's sendsms base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** `username:password` of its sendsms-user. */
  apiKey: string;
  pids: number[];
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

/** The folder holding bearerbox and smsbox: KANNEL_BIN, else PATH, else /usr/sbin (Debian's place). */
export function findKannel(env: NodeJS.ProcessEnv = process.env): { bearerbox: string; smsbox: string } {
  const dirs = [...(env.KANNEL_BIN ? [env.KANNEL_BIN] : []), ...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  const find = (name: string): string => {
    for (const d of dirs) {
      try {
        accessSync(join(d, name), constants.X_OK);
        return join(d, name);
      } catch {
        // next folder
      }
    }
    throw new KannelMissingError(name);
  };
  return { bearerbox: find('bearerbox'), smsbox: find('smsbox') };
}

export function kannelInstalled(): boolean {
  try {
    findKannel();
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port (bound and released: another process could take it first, which the start then reports). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(binary: string, config: string, logFile: string): ChildProcess {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(binary, ['-v', '1', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  child.once('exit', () => {
    live.delete(child);
    out.end();
  });
  return child;
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Reads bearerbox's status.txt: which smsc-ids are online, and whether smsbox is connected. */
export function readKannelStatus(text: string): { online: Set<string>; smsboxConnected: boolean } {
  const online = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\s+SMPP:.*\(online\b/.exec(line);
    if (m) online.add(m[1] as string);
  }
  return { online, smsboxConnected: /smsbox:.*\(on-line\b/.test(text) };
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

export async function startKannel(o: KannelOptions): Promise<KannelProcess> {
  const bins = findKannel();
  await mkdir(o.logDir, { recursive: true });
  const [adminPort, smsboxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const layout: KannelLayout = {
    adminPort,
    adminPassword: 'denpa-admin',
    smsboxPort,
    sendsmsPort,
    username: 'denpa',
    password: 'denpa-dev-key',
    logDir: o.logDir,
    smsc: Object.fromEntries(CARRIERS.map((c) => [c, { port: o.smppPorts[c], ...o.carriers[c] }])) as KannelLayout['smsc'],
    throughput: o.throughput,
  };
  const configPath = join(o.logDir, 'kannel.conf');
  await writeFile(configPath, kannelConfig(layout));
  const bearerbox = launch(bins.bearerbox, configPath, join(o.logDir, 'kannel-bearerbox.out'));
  const children = [bearerbox];
  const graceMs = o.stopGraceMs ?? 5_000;
  const stop = async (): Promise<void> => {
    // smsbox first: it is bearerbox's client.
    for (const c of [...children].reverse()) await stopChild(c, graceMs);
  };
  try {
    const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
    const status = `http://127.0.0.1:${adminPort}/status.txt?password=${layout.adminPassword}`;
    // Bounded by the deadline: bearerbox up, then smsbox connected and every link online.
    let smsbox: ChildProcess | undefined;
    let last = 'bearerbox not answering';
    while (Date.now() < deadline) {
      if (bearerbox.exitCode !== null) throw new KannelStartError(`bearerbox exited (${bearerbox.exitCode}); see ${join(o.logDir, 'kannel-bearerbox.out')}`);
      if (smsbox && smsbox.exitCode !== null) throw new KannelStartError(`smsbox exited (${smsbox.exitCode}); see ${join(o.logDir, 'kannel-smsbox.out')}`);
      const s = await get(status);
      if (s && s.status === 200) {
        if (!smsbox) {
          smsbox = launch(bins.smsbox, configPath, join(o.logDir, 'kannel-smsbox.out'));
          children.push(smsbox);
        }
        const st = readKannelStatus(s.body);
        const offline = CARRIERS.filter((c) => !st.online.has(c));
        const sendsms = await get(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`);
        if (offline.length === 0 && st.smsboxConnected && sendsms) {
          return { url: `http://127.0.0.1:${sendsmsPort}`, apiKey: `${layout.username}:${layout.password}`, pids: children.map((c) => c.pid ?? -1), stop };
        }
        last = offline.length ? `SMPP links offline: ${offline.join(', ')}` : !st.smsboxConnected ? 'smsbox not connected to bearerbox' : 'sendsms port not answering';
      }
      await sleep(200);
    }
    throw new KannelStartError(`not ready within ${o.readyTimeoutMs ?? 30_000} ms (${last}); logs in ${o.logDir}`);
  } catch (err) {
    await stop();
    throw err;
  }
}
