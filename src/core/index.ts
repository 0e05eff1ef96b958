// The delivery core as a process: three threads, started together and
// stopped in the order that loses nothing.
//
//   main thread      the HTTP API (accepts, looks up, cancels), /metrics, logs
//   store thread     SQLite: every read and write (store-thread/)
//   delivery thread  carrier links, dispatch, receipts, status callbacks
//                    (delivery-thread/host.ts)
//
// Shutdown:
//   1. HTTP stops accepting (new requests get 503) and finishes in-flight ones,
//   2. delivery drains in-flight submits and unbinds, then the callback
//      sender finishes in-flight POSTs (both in the delivery thread),
//   3. the store flushes and closes.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { SeededRandom, SystemClock, type Clock, type Random } from '../runtime/index.ts';
import { buildApp } from './app.ts';
import type { CoreConfig } from './config/index.ts';
import type { DeliveryTuning } from './delivery/index.ts';
import { DeliveryThread } from './delivery-thread/index.ts';
import { CoreMetrics } from './metrics/index.ts';
import { routerFromConfig } from './routing/index.ts';
import { AGGREGATOR, lockDataDir, nodeIdentity, type Carrier } from './store/index.ts';
import { buildOpsSide, openOpsDb, type OffHoursAlert, type OpsDb } from './operator/index.ts';
import { WorkerStore } from './store-thread/index.ts';

export { buildApp, type AppDeps } from './app.ts';
export { loadConfigFile, resolveConfig, defaultConfig, ConfigError, type CoreConfig } from './config/index.ts';

export interface StartCoreOptions {
  /** The API's clock (accepted_at, TTLs); the delivery thread runs on the system clock. */
  readonly clock?: Clock;
  /** Seeds the delivery thread's jitter (forks 'delivery' and 'callbacks'). */
  readonly random?: Random;
  /** Carriers to connect (default all three; [] = API only, for tests). */
  readonly carriers?: readonly Carrier[];
  readonly tuning?: Partial<DeliveryTuning>;
  /** Log destination (default stdout); level comes from config.http.logLevel. Every thread's lines go here. */
  readonly logStream?: NodeJS.WritableStream;
}

export interface RunningCore {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: WorkerStore;
  readonly delivery: DeliveryThread;
  readonly metrics: CoreMetrics;
  /** Resolves with the error if the delivery thread dies: the API still accepts (durably), nothing is delivered until a restart. */
  readonly deliveryFailed: Promise<Error>;
  /** Graceful shutdown (idempotent). */
  close(): Promise<void>;
}

export async function startCore(config: CoreConfig, options: StartCoreOptions = {}): Promise<RunningCore> {
  const clock = options.clock ?? new SystemClock();
  // Jitter only: a fresh seed per process is fine.
  const random = options.random ?? new SeededRandom(Date.now() >>> 0);
  const logStream = options.logStream ?? process.stdout;
  const logger = pino({ level: config.http.logLevel, base: { service: 'denpa-core' } }, logStream);
  // Before the store opens and recovers: a second core on this directory stops here, having touched nothing.
  const lock = lockDataDir(config.store.dataDir);
  const metrics = new CoreMetrics({ defaultMetrics: true });
  // The API thread's router (accept); the delivery thread runs its own for reroutes and tells this one what it learns.
  const router = routerFromConfig(config, clock, metrics);
  // The store runs on a thread of its own (see store-thread/worker-store.ts): SQLite in dataDir, or PostgreSQL at store.url.
  // One identity for the store thread (claims, leases) and the delivery thread (heartbeat, bind shares).
  const node = nodeIdentity(config.node.id, config.node.leaseMs);
  let store: WorkerStore;
  try {
    store = await WorkerStore.open(
      config.store.url !== undefined
        ? { backend: 'postgres', options: { url: config.store.url, groupCommitRows: config.store.commitBatchMax, node } }
        : {
            backend: 'sqlite',
            options: { dataDir: config.store.dataDir, groupCommitRows: config.store.commitBatchMax, commitIntervalMs: config.store.commitIntervalMs, node },
          },
    );
  } catch (err) {
    lock.release();
    throw err;
  }
  let reportFailure: (err: Error) => void = () => {};
  const deliveryFailed = new Promise<Error>((resolve) => (reportFailure = resolve));
  let delivery: DeliveryThread | undefined;
  let app: FastifyInstance | undefined;
  let opsDb: OpsDb | undefined;
  try {
    delivery = await DeliveryThread.start({
      config,
      store,
      random,
      node,
      ...(options.carriers ? { carriers: options.carriers } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      writeLog: (line) => logStream.write(line),
      onRouteLearned: (number, carrier) => router.learn(number, carrier),
      onFailure: (err) => {
        logger.error({ err }, 'the delivery thread failed: messages are accepted and stored but not delivered until the core restarts');
        reportFailure(err);
      },
    });
    const running = delivery;
    metrics.addSource(() => running.metrics());
    opsDb = openOpsDb(config.store.dataDir);
    const alertUrl = config.operators.alerts.url;
    const opsLog = logger.child({ room: 'operator' });
    const ops = buildOpsSide(config, {
      db: opsDb,
      clock,
      store,
      metrics,
      actions: {
        setCarrierPaused: (carrier, paused) => running.setPaused(carrier, paused),
        setRouteOverrides: (list) => running.setRouteOverrides(list),
        routeModes: () => running.routeModes(),
        linkStates: () => running.linkStates(),
        wake: (carrier) => running.wake([carrier]),
        setAddedTenants: (tenants) => running.setAddedTenants(tenants),
      },
      warn: (fields, message) => opsLog.warn(fields, message),
      ...(alertUrl !== undefined
        ? {
            // Into the callbacks outbox: the delivery thread's callback sender signs, POSTs and retries it (at its next poll).
            sendAlert: (alert: OffHoursAlert) => {
              store
                .queueOperatorAlert({ id: alert.id, url: alertUrl, body: JSON.stringify(alert), at: clock.now() })
                .catch((err: unknown) => opsLog.error({ err, alert }, 'could not queue the off-hours alert'));
            },
          }
        : {}),
    });
    // Pauses and route overrides outlive a restart; requests approved but not run when the last core stopped run now, once.
    ops.desk.applyPauses();
    ops.desk.applyRouteOverrides();
    const resumed = await ops.desk.resume();
    if (resumed > 0) opsLog.warn({ resumed }, 'ran change requests approved before the last stop');
    app = await buildApp({
      ops,
      config,
      store,
      clock,
      metrics,
      loggerInstance: logger,
      router,
      readiness: () => {
        const checks: Record<string, { ok: boolean; detail: string }> = {};
        if (running.failed) checks.delivery = { ok: false, detail: running.failed.message };
        const view = running.node();
        checks.node = { ok: true, detail: `${view.id}; ${view.live.length} live node${view.live.length === 1 ? '' : 's'} (${view.live.join(', ')})` };
        // A carrier is reachable by its own links, or, while its fallback switch has fallen back, through the aggregator.
        const links = running.linkStates();
        const modes = running.routeModes();
        const aggregator = links[AGGREGATOR];
        const aggregatorBound = aggregator?.filter((s) => s === 'bound').length ?? 0;
        for (const [carrier, states] of Object.entries(links)) {
          if (carrier === AGGREGATOR) continue;
          const bound = states.filter((s) => s === 'bound').length;
          const binds = view.binds[carrier];
          // A carrier whose share on this node is no bind (more nodes than binds, or just joined) does not hold readiness back.
          const share = binds ? `; holds ${binds.held} of ${binds.limit} (share ${binds.share})` : '';
          const fallback = modes[carrier] === 'fallback';
          const via = fallback ? `; fallen back: through the aggregator, ${aggregatorBound}/${aggregator?.length ?? 0} binds bound` : '';
          checks[`carrier:${carrier}`] = { ok: bound > 0 || binds?.held === 0 || (fallback && aggregatorBound > 0), detail: `${bound}/${states.length} binds bound (${states.join(', ')})${share}${via}` };
        }
        return checks;
      },
      onAccepted: (messages) => running.wake(messages.map((m) => m.carrier)),
    });
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await app?.close().catch(() => undefined);
    await delivery?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    opsDb?.close();
    lock.release();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const readyApp = app;
  const readyDelivery = delivery;
  const readyOpsDb = opsDb!;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    app: readyApp,
    store,
    delivery: readyDelivery,
    metrics,
    deliveryFailed,
    close() {
      closing ??= (async () => {
        await readyApp.close();
        readyOpsDb.close();
        try {
          await readyDelivery.close();
        } finally {
          await store.close().finally(() => lock.release());
        }
        logger.info('denpa core stopped');
        logger.flush?.();
      })();
      return closing;
    },
  };
}
