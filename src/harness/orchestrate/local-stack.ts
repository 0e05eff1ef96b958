// The services a run drives. Locally (no --target): the simulator, the
// gateway (our delivery core, or a real Kannel with --gateway kannel) and
// the callback sink, each a separate child process on
// free loopback ports, the core's data in a fresh directory. With a
// deployment of several nodes (--core-nodes N --store postgres): a
// PostgreSQL (a throwaway local cluster, or the given server), N cores on
// one database, each with its own port and data directory and the same
// carriers, and the round-robin proxy in front; the run sees the proxy's URL.
// Against staging (--target/--sim): the given core and simulator, plus a
// local sink child the gateway can reach.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startService, type ServiceProcess } from './service-process.ts';
import { RunFailure } from '../../runtime/index.ts';
import { startKannel, type KannelOptions } from '../gateway/kannel-process.ts';
import { CARRIERS } from '../gateway/kannel-config.ts';
import { startPostgres, type PostgresCluster } from '../postgres/index.ts';
import { LOCAL_LINK, type Deployment } from './deployment.ts';

export const DEFAULT_API_KEY = 'denpa-dev-key';
/** The embedded default tenant's callback secret; the sink verifies signatures with it. */
export const DEFAULT_CALLBACK_SECRET = 'denpa-dev-secret';

export interface Stack {
  coreUrl: string;
  simUrl: string;
  sinkUrl: string;
  apiKey: string;
  /** true when the core and simulator were given (staging), false when started here. */
  external: boolean;
  /** pids of the children this stack started. */
  pids: number[];
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  seed: number;
  /** The core's data directory (created fresh). */
  dataDir: string;
  /** Where each child's log goes (sim.log, core.log, sink.log). */
  logDir: string;
  readyTimeoutMs?: number;
  /** The gateway started here: our core (default) or a real Kannel. */
  gateway?: 'denpa' | 'kannel';
  /** Our core's nodes and store (default: one node on SQLite). */
  deployment?: Deployment;
}

async function stopAll(children: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
}

/**
 * The simulator and the sink, which a gate may share between its runs: the
 * simulator is reset before each run (ledgers, counters, faults, profiles)
 * and the sink keeps callbacks per run id, so only the core, which holds
 * state no reset clears, must be fresh for each scenario.
 */
export interface SharedServices {
  simUrl: string;
  sinkUrl: string;
  smppPorts: Record<'docomo' | 'au' | 'softbank' | 'aggregator', number>;
  pids: number[];
  stop(): Promise<void>;
}

export async function startSharedServices(o: { seed: number; logDir: string; readyTimeoutMs?: number }): Promise<SharedServices> {
  await mkdir(o.logDir, { recursive: true });
  const timeouts = { readyTimeoutMs: o.readyTimeoutMs ?? 30_000 };
  const results = await Promise.allSettled([
    startService('sim', simulatorOptions(o.seed), { ...timeouts, logFile: join(o.logDir, 'sim.log') }),
    startService('sink', { host: '127.0.0.1', port: 0, secret: DEFAULT_CALLBACK_SECRET }, { ...timeouts, logFile: join(o.logDir, 'sink.log') }),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const [sim, sink] = started;
  try {
    if (failure || !sim || !sink) throw failure?.reason ?? new RunFailure('simulator or sink did not start');
    const ports = sim.endpoints.smppPorts ?? {};
    for (const c of ['docomo', 'au', 'softbank', 'aggregator']) {
      if (typeof ports[c] !== 'number') throw new RunFailure(`simulator reported no SMPP port for ${c}`);
    }
    const simUrl = sim.endpoints.controlUrl;
    const sinkUrl = sink.endpoints.url;
    if (!simUrl || !sinkUrl) throw new RunFailure('a service started without reporting its URL');
    return { simUrl, sinkUrl, smppPorts: ports as SharedServices['smppPorts'], pids: [sim.pid, sink.pid], stop: () => stopAll([sim, sink]) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/**
 * Simulator, sink and core for one run. With `shared` the simulator and
 * sink are borrowed (and left running); the core is always started fresh.
 */
export async function startLocalStack(o: LocalStackOptions, shared?: SharedServices): Promise<Stack> {
  await mkdir(o.dataDir, { recursive: true });
  await mkdir(o.logDir, { recursive: true });
  const own = shared ? undefined : await startSharedServices({ seed: o.seed, logDir: o.logDir, ...(o.readyTimeoutMs ? { readyTimeoutMs: o.readyTimeoutMs } : {}) });
  const services = (shared ?? own) as SharedServices;
  try {
    if (o.gateway === 'kannel') {
      const kannel = await startKannel({ logDir: o.logDir, smppPorts: services.smppPorts, carriers: await carrierLinks(services.simUrl), throughput: LOCAL_LINK.binds * LOCAL_LINK.tpsPerBind, ...(o.readyTimeoutMs ? { readyTimeoutMs: o.readyTimeoutMs } : {}) });
      return {
        coreUrl: kannel.url,
        simUrl: services.simUrl,
        sinkUrl: services.sinkUrl,
        apiKey: kannel.apiKey,
        external: false,
        pids: [...kannel.pids, ...(own ? own.pids : [])],
        stop: async () => {
          await kannel.stop().catch(() => undefined);
          await own?.stop();
        },
      };
    }
    const cores = await startCoreNodes(o, services);
    return {
      coreUrl: cores.url,
      simUrl: services.simUrl,
      sinkUrl: services.sinkUrl,
      apiKey: DEFAULT_API_KEY,
      external: false,
      pids: [...cores.pids, ...(own ? own.pids : [])],
      // Cores first: they drain toward the simulator and post to the sink.
      stop: async () => {
        await cores.stop();
        await own?.stop();
      },
    };
  } catch (err) {
    await own?.stop();
    throw err;
  }
}

interface CoreNodes {
  /** The one node's URL, or the proxy's in front of several. */
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

/**
 * The deployment's cores: one on SQLite, or N on one PostgreSQL database
 * (started here unless given) with the proxy in front when N > 1. Stops
 * whatever it started if a later part fails; stop() takes them down in
 * reverse order (proxy, cores, database).
 */
async function startCoreNodes(o: LocalStackOptions, services: SharedServices): Promise<CoreNodes> {
  const deployment = o.deployment ?? { nodes: 1, store: { kind: 'sqlite' } };
  const readyTimeoutMs = o.readyTimeoutMs ?? 30_000;
  const started: Array<() => Promise<void>> = [];
  const pids: number[] = [];
  const stop = async (): Promise<void> => {
    for (const s of started.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    let storeUrl: string | undefined;
    if (deployment.store.kind === 'postgres') {
      storeUrl = deployment.store.url;
      if (storeUrl === undefined) {
        const cluster: PostgresCluster = await startPostgres({ fsync: true }).catch((err: unknown) => {
          throw new RunFailure(`--store postgres: ${(err as Error).message.split('\n')[0] ?? 'could not start PostgreSQL'}`);
        });
        started.push(() => cluster.stop());
        pids.push(cluster.pid);
        storeUrl = await cluster.createDatabase();
      }
    }
    // All settled before going on, so a node still starting when another failed is stopped too.
    const results = await Promise.allSettled(
      Array.from({ length: deployment.nodes }, async (_, i) => {
        const name = deployment.nodes === 1 ? 'core' : `core-${i + 1}`;
        const config = coreConfig(deployment.nodes === 1 ? o.dataDir : join(o.dataDir, name), services.smppPorts, services.simUrl, storeUrl, deployment.nodes);
        const core = await startService('core', config, { readyTimeoutMs, logFile: join(o.logDir, `${name}.log`) });
        started.push(() => core.stop());
        pids.push(core.pid);
        if (!core.endpoints.url) throw new RunFailure(`the delivery core (${name}) started without reporting its URL`);
        return core.endpoints.url;
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const nodes = results.map((r) => (r as PromiseFulfilledResult<string>).value);
    if (nodes.length === 1) return { url: nodes[0] as string, pids, stop };
    const proxy = await startService('proxy', { host: '127.0.0.1', port: 0, upstreams: nodes }, { readyTimeoutMs, logFile: join(o.logDir, 'proxy.log') });
    started.push(() => proxy.stop());
    pids.push(proxy.pid);
    if (!proxy.endpoints.url) throw new RunFailure('the round-robin proxy started without reporting its URL');
    return { url: proxy.endpoints.url, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface ExternalStackOptions {
  coreUrl: string;
  simUrl: string;
  apiKey: string;
  sinkHost: string;
  sinkPort: number;
  /** The secret the gateway signs callbacks with; undefined = signatures not checked. */
  callbackSecret?: string;
  /** The http adapter's callback config, for the sink. */
  httpCallback?: unknown;
  logDir: string;
}

/** Each carrier's SMPP credentials and message-id format, as the simulator's live profiles say. */
async function carrierLinks(simUrl: string): Promise<KannelOptions['carriers']> {
  const out = {} as KannelOptions['carriers'];
  for (const c of CARRIERS) {
    const res = await fetch(`${simUrl}/v1/carriers/${c}/profile`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new RunFailure(`simulator gave no profile for ${c}: ${res.status}`);
    const p = (await res.json()) as { credentials: { systemId: string; password: string }; receipts: { messageIdFormat: 'hex' | 'decimal' } };
    out[c] = { systemId: p.credentials.systemId, password: p.credentials.password, messageIdFormat: p.receipts.messageIdFormat };
  }
  return out;
}

/** Staging: drive the given core and simulator; only the sink runs here. */
export async function attachExternalStack(o: ExternalStackOptions): Promise<Stack> {
  await mkdir(o.logDir, { recursive: true });
  const sink = await startService('sink', { host: o.sinkHost, port: o.sinkPort, ...(o.callbackSecret ? { secret: o.callbackSecret } : {}), ...(o.httpCallback ? { httpCallback: o.httpCallback } : {}) }, { logFile: join(o.logDir, 'sink.log') });
  const sinkUrl = sink.endpoints.url;
  if (!sinkUrl) {
    await sink.stop();
    throw new RunFailure('the sink started without reporting its URL');
  }
  return { coreUrl: o.coreUrl.replace(/\/+$/, ''), simUrl: o.simUrl.replace(/\/+$/, ''), sinkUrl, apiKey: o.apiKey, external: true, pids: [sink.pid], stop: () => sink.stop() };
}

/** The simulator on free loopback ports with the run's seed. */
export function simulatorOptions(seed: number): Record<string, unknown> {
  return { host: '127.0.0.1', controlPort: 0, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, seed };
}


/**
 * Our core wired to the local simulator: its SMSCs, its aggregator as the
 * fallback route (links like a carrier's: a continuity route, not a second
 * peak capacity), and its number-lookup API as the core's
 * lookup service (as a provider's core asks a commercial one). Dunning's send window is off: the suite must judge the same at any
 * hour, and a held dunning message would look lost to a run that ends
 * before 08:00 JST.
 */
export function coreConfig(dataDir: string, ports: SharedServices['smppPorts'], simUrl: string, storeUrl?: string, nodes = 1): Record<string, unknown> {
  // The account's bind limit, which the nodes share (each holds LOCAL_LINK.binds).
  const link = (port: number) => ({ host: '127.0.0.1', port, binds: LOCAL_LINK.binds * nodes, tps: LOCAL_LINK.tpsPerBind });
  return {
    http: { host: '127.0.0.1', port: 0, logLevel: 'warn' },
    store: storeUrl === undefined ? { dataDir } : { dataDir, url: storeUrl },
    carriers: { docomo: link(ports.docomo), au: link(ports.au), softbank: link(ports.softbank) },
    fallback: { aggregator: link(ports.aggregator) },
    messages: { sendWindows: { dunning: 'always' } },
    numberLookup: { kind: 'http', url: simUrl },
  };
}
