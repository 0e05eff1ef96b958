// A service (simulator, core, sink) running as a child process of the
// harness: started, awaited until it reports its addresses, stopped
// politely (SIGTERM, then SIGKILL after a grace period). Every child is also
// killed if the harness itself exits, so a crash or Ctrl-C never leaves a
// simulator or core behind holding ports.
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RunFailure } from '../../runtime/index.ts';
import { RUNS_BUNDLED, bundledEntry } from '../../runtime/index.ts';
import type { ServiceEndpoints, ServiceKind, ServiceMessage } from './service-protocol.ts';

/**
 * How a child is started. A bundled harness (bin/denpa.js) forks the bundled
 * host with plain node, so the simulator and core children carry no
 * TypeScript loader (~33 MB each); from source (vitest, tsx) the child runs
 * service-host.ts through tsx's loader.
 */
export function serviceHostLaunch(bundled: boolean): { path: string; execArgv: string[] } {
  if (bundled) return { path: bundledEntry('service-host'), execArgv: ['--enable-source-maps'] };
  return { path: fileURLToPath(new URL('./service-host.ts', import.meta.url)), execArgv: ['--import', import.meta.resolve('tsx')] };
}
const HOST = serviceHostLaunch(RUNS_BUNDLED);

/**
 * V8 flags of the simulator child. An 8 MB semi-space (V8's default
 * maximum is 16 MB here) keeps the young generation smaller: 209-220 MB RSS
 * after 1M probes instead of 227-243 MB, at the same submits/s and CPU time
 * per submit in an order-balanced A/B (docs/simulator.md). 4 MB saved more
 * but cost ~25% CPU per submit. Only the V8 command line can set it, so a
 * standalone `denpa sim` takes it from NODE_OPTIONS.
 */
export const SIMULATOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

export const SERVICE_NAMES: Record<ServiceKind, string> = { sim: 'simulator', core: 'delivery core', sink: 'callback sink', proxy: 'round-robin proxy' };

export interface ServiceProcess {
  kind: ServiceKind;
  pid: number;
  endpoints: ServiceEndpoints;
  /** Whether the child is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  /** Where the child's stdout and stderr go (appended); undefined = discarded. */
  logFile?: string;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously: the strongest signal is all there is time for.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** How many service children this process has running (tests assert 0 after a run). */
export function liveServiceCount(): number {
  return live.size;
}

export async function startService(kind: ServiceKind, options: Record<string, unknown>, opts: StartServiceOptions = {}): Promise<ServiceProcess> {
  installExitHook();
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const stopGraceMs = opts.stopGraceMs ?? 10_000;
  let log: WriteStream | undefined;
  if (opts.logFile) log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = fork(HOST.path, [kind, JSON.stringify(options)], {
    execArgv: [...HOST.execArgv, ...(kind === 'sim' ? SIMULATOR_NODE_FLAGS : [])],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  live.add(child);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    log?.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async (): Promise<void> => {
    if (!exited) {
      if (child.connected) child.send({ type: 'stop' }, () => undefined);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      await exitPromise;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  };

  const endpoints = await new Promise<ServiceEndpoints>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RunFailure(`${SERVICE_NAMES[kind]} did not become ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    child.on('message', (m: ServiceMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.endpoints);
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new RunFailure(`${SERVICE_NAMES[kind]} could not start: ${m.message.split('\n')[0]}`));
      }
    });
    void exitPromise.then(() => {
      clearTimeout(timer);
      const last = tail.trim().split('\n').filter(Boolean).pop() ?? '';
      reject(new RunFailure(`${SERVICE_NAMES[kind]} exited before it was ready${last ? `: ${last.slice(0, 200)}` : ''}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });

  return { kind, pid: child.pid ?? -1, endpoints, alive: () => !exited, stop };
}
