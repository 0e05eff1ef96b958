// `denpa core` as a child process, for tests that need a real process
// (kill -9, two cores on one data dir). Every child is stopped by stopAll.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { RunningSimulator } from '../../../../simulator/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
export const KEY = 'denpa-dev-key';

export interface CoreChild {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

export class CoreProcesses {
  private readonly children: CoreChild[] = [];

  /** Start `denpa core --config <file>`; resolves at once (use listening() to wait). */
  spawn(configFile: string): CoreChild {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'core', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    const c = { child, output: () => out, exited };
    this.children.push(c);
    return c;
  }

  /** Start a core and wait for its "listening on" line. */
  async start(configFile: string): Promise<{ child: ChildProcess; url: string; output(): string }> {
    const c = this.spawn(configFile);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const m = /listening on (http:\/\/\S+)/.exec(c.output());
      if (m) return { child: c.child, url: m[1] as string, output: c.output };
      if (c.child.exitCode !== null) throw new Error(`core exited ${c.child.exitCode}:\n${c.output()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`core not up in 30 s:\n${c.output()}`);
  }

  /** SIGKILL whatever still runs. */
  async stopAll(): Promise<void> {
    for (const c of this.children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) {
        c.child.kill('SIGKILL');
        await c.exited;
      }
    }
  }
}

/** A core config file in `dir` pointing at the simulator, with its store in `dir`/data. */
export function writeCoreConfig(dir: string, sim: RunningSimulator, carrier: object = {}): string {
  const configFile = path.join(dir, 'core.json');
  const c = (port: number) => ({ port, binds: 2, window: 20, tps: 500, reconnectMinMs: 50, reconnectMaxMs: 500, ...carrier });
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      http: { port: 0, logLevel: 'warn' },
      store: { dataDir: path.join(dir, 'data') },
      carriers: { docomo: c(sim.ports.docomo), au: c(sim.ports.au), softbank: c(sim.ports.softbank) },
    }),
  );
  return configFile;
}

/** Messages still on their way (accepted, queued or submitted), by the API's own listing. */
export async function waitingCount(url: string): Promise<number> {
  let n = 0;
  for (const state of ['accepted', 'queued', 'submitted']) {
    const res = await fetch(`${url}/v1/messages?state=${state}&limit=1000`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = (await res.json()) as { messages: unknown[] };
    n += body.messages.length;
  }
  return n;
}

/** POST `total` probe-stamped notices in batches of 1000 (client_ref `<runId>-<seq>`). */
export async function postBatches(url: string, runId: string, total: number, text: (seq: number) => string): Promise<void> {
  for (let b = 0; b < total / 1000; b++) {
    const messages = Array.from({ length: Math.min(1000, total - b * 1000) }, (_, i) => {
      const seq = b * 1000 + i;
      return { to: `090${seq % 10}${String(seq).padStart(7, '0')}`, text: text(seq), category: 'notice', client_ref: `${runId}-${seq}` };
    });
    const res = await fetch(`${url}/v1/messages/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }) });
    if (res.status !== 202) throw new Error(`batch ${b}: ${res.status} ${await res.text()}`);
  }
}

/** Per-test state of a process test; everything in it is stopped and removed after each test. */
export interface ProcessTest {
  sim: RunningSimulator | undefined;
  dir: string | undefined;
  readonly cores: CoreProcesses;
}

/** Register the afterEach that kills the cores, closes the simulator and removes the directory. */
export function processTest(): ProcessTest {
  const t: ProcessTest = { sim: undefined, dir: undefined, cores: new CoreProcesses() };
  afterEach(async () => {
    await t.cores.stopAll();
    await t.sim?.close();
    if (t.dir) fs.rmSync(t.dir, { recursive: true, force: true });
    t.sim = t.dir = undefined;
  });
  return t;
}
