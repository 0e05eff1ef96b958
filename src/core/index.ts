// The delivery core as a process: store, delivery (carrier links and
// dispatch), the callback sender and the HTTP API, started together and
// stopped in the order that loses nothing:
//   1. HTTP stops accepting (new requests get 503) and finishes in-flight ones,
//   2. delivery drains in-flight submits and unbinds,
//   3. the callback sender finishes in-flight POSTs,
//   4. the store flushes and closes.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { SeededRandom, SystemClock, type Clock, type Random } from '../runtime/index.ts';
import { buildApp } from './app.ts';
import { CallbackSender } from './callback/index.ts';
import type { CoreConfig } from './config/index.ts';
import { startDelivery, type Delivery, type DeliveryTuning } from './delivery.ts';
import { CoreMetrics } from './metrics/index.ts';
import { openWorkerStore, type Carrier, type WorkerStore } from './store/index.ts';

export { buildApp, type AppDeps } from './app.ts';
export { loadConfigFile, resolveConfig, defaultConfig, ConfigError, type CoreConfig } from './config/index.ts';

export interface StartCoreOptions {
  readonly clock?: Clock;
  readonly random?: Random;
  /** Carriers to connect (default all three; [] = API only, for tests). */
  readonly carriers?: readonly Carrier[];
  readonly tuning?: Partial<DeliveryTuning>;
  /** Log destination (default stdout); level comes from config.http.logLevel. */
  readonly logStream?: NodeJS.WritableStream;
}

export interface RunningCore {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: WorkerStore;
  readonly delivery: Delivery;
  readonly callbacks: CallbackSender;
  readonly metrics: CoreMetrics;
  /** Graceful shutdown (idempotent). */
  close(): Promise<void>;
}

export async function startCore(config: CoreConfig, options: StartCoreOptions = {}): Promise<RunningCore> {
  const clock = options.clock ?? new SystemClock();
  // Jitter only: a fresh seed per process is fine, and is logged for replay.
  const random = options.random ?? new SeededRandom(Date.now() >>> 0);
  const logger = pino({ level: config.http.logLevel, base: { service: 'denpa-core' } }, options.logStream ?? process.stdout);
  const metrics = new CoreMetrics({ defaultMetrics: true });
  // SQLite runs on a thread of its own (see store/sqlite/worker-store.ts).
  const store = await openWorkerStore({
    dataDir: config.store.dataDir,
    groupCommitRows: config.store.commitBatchMax,
    commitIntervalMs: config.store.commitIntervalMs,
  });
  let delivery: Delivery | undefined;
  let callbacks: CallbackSender | undefined;
  let app: FastifyInstance | undefined;
  try {
    delivery = await startDelivery({
      store,
      config,
      clock,
      random: random.fork('delivery'),
      logger: logger.child({ room: 'delivery' }),
      metrics,
      ...(options.carriers ? { carriers: options.carriers } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      // A final state's callback leaves as soon as it is committed, not at the sender's next poll.
      onCallbacksQueued: () => callbacks?.wake(),
    });
    const secrets = new Map(config.tenants.map((t) => [t.name, t.callbackSecret]));
    const callbackLog = logger.child({ room: 'callback' });
    callbacks = new CallbackSender({
      store,
      clock,
      random: random.fork('callbacks'),
      policy: config.callbacks,
      secretFor: (tenant) => secrets.get(tenant),
      metrics,
      log: { warn: (obj, msg) => callbackLog.warn(obj, msg) },
    });
    callbacks.start();
    const running = delivery;
    app = await buildApp({
      config,
      store,
      clock,
      metrics,
      loggerInstance: logger,
      readiness: () => {
        const checks: Record<string, { ok: boolean; detail: string }> = {};
        for (const [carrier, states] of Object.entries(running.linkStates())) {
          const bound = states.filter((s) => s === 'bound').length;
          checks[`carrier:${carrier}`] = { ok: bound > 0, detail: `${bound}/${states.length} binds bound (${states.join(', ')})` };
        }
        return checks;
      },
      onAccepted: (messages) => {
        for (const carrier of new Set(messages.map((m) => m.carrier))) running.wake(carrier);
      },
    });
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await app?.close().catch(() => undefined);
    await delivery?.close().catch(() => undefined);
    await callbacks?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const readyApp = app;
  const readyDelivery = delivery;
  const readyCallbacks = callbacks;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    app: readyApp,
    store,
    delivery: readyDelivery,
    callbacks: readyCallbacks,
    metrics,
    close() {
      closing ??= (async () => {
        await readyApp.close();
        await readyDelivery.close();
        await readyCallbacks.close();
        await store.close();
        logger.info('denpa core stopped');
        logger.flush?.();
      })();
      return closing;
    },
  };
}
