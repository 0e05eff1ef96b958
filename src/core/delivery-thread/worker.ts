// The delivery thread: carrier links, dispatch, receipts and the status
// callback sender, as startCore ran them on the main thread before (see
// host.ts for why they moved). It reaches the store thread over its own
// port and reports to main: link states for /readyz, log lines, metrics
// when scraped.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { SeededRandom, SystemClock } from '../../runtime/index.ts';
import { CallbackSender } from '../callback/index.ts';
import { egressPolicyOf } from '../egress/index.ts';
import { startDelivery, type Delivery } from '../delivery/index.ts';
import { CoreMetrics } from '../metrics/index.ts';
import { RemoteStore, serializeError } from '../store-thread/index.ts';
import { OPS_ALERT_TENANT } from '../store/index.ts';
import type { DeliveryThreadData, FromDelivery, ToDelivery } from './messages.ts';

if (!parentPort) throw new Error('delivery-thread/worker.ts runs as a worker thread (see host.ts)');
const parent = parentPort;
const post = (m: FromDelivery): void => parent.postMessage(m);

/**
 * How long the delivery thread's store calls (claims, submit outcomes,
 * receipts) gather before they leave. The store thread is on the accept
 * path: each message from here woke it and cost it a deserialization, about
 * a thousand times a second at 3,000 messages/s. Gathering for 3 ms cut the
 * core's CPU per message by ~6 % (0.376 -> 0.353 ms) and the accept p99 from
 * 21.5-30.6 ms to 20.1-21.0 ms (bench/core-e2e.ts, 30 s runs, three each);
 * what it costs is up to 3 ms more per store round trip of a delivery,
 * against an OTP deadline of seconds.
 */
const STORE_BATCH_MS = 3;

async function main(): Promise<void> {
  const data = workerData as DeliveryThreadData;
  const { config } = data;
  // Log lines go to main, which writes them to the core's one log stream.
  const logger = pino({ level: config.http.logLevel, base: { service: 'denpa-core' } }, { write: (line: string) => post({ kind: 'log', line }) });
  // Claims and outcomes gather for STORE_BATCH_MS before they go to the store thread (see the constant).
  const store = RemoteStore.overPort(data.storePort, { batchMs: STORE_BATCH_MS });
  const clock = new SystemClock();
  const metrics = new CoreMetrics();
  let delivery: Delivery | undefined;
  let callbacks: CallbackSender | undefined;
  // Callback signing secrets by tenant: the config's, and those of tenants added over the admin API.
  const secrets = new Map(config.tenants.map((t) => [t.name, t.callbackSecret]));
  // Link states reach main once per turn however many binds changed in it.
  let linksScheduled = false;
  const linksChanged = (): void => {
    if (linksScheduled || !delivery) return;
    linksScheduled = true;
    setImmediate(() => {
      linksScheduled = false;
      if (delivery) post({ kind: 'links', links: delivery.linkStates(), routes: delivery.routeModes() });
    });
  };
  try {
    delivery = await startDelivery({
      store,
      config,
      clock,
      random: new SeededRandom(data.seeds.delivery),
      logger: logger.child({ room: 'delivery' }),
      metrics,
      ...(data.carriers ? { carriers: data.carriers } : {}),
      ...(data.tuning ? { tuning: data.tuning } : {}),
      // A final state's callback leaves as soon as it is committed, not at the sender's next poll.
      onCallbacksQueued: () => callbacks?.wake(),
      onLinkStatesChanged: linksChanged,
      node: data.node,
      onNodeChanged: () => {
        if (delivery) post({ kind: 'node', node: delivery.node() });
      },
      onRouteModesChanged: linksChanged,
      onRouteLearned: (number, carrier) => post({ kind: 'route', number, carrier }),
    });
    // Operator alerts share the outbox; they are signed with the alert secret.
    if (config.operators.alerts.secret !== undefined) secrets.set(OPS_ALERT_TENANT, config.operators.alerts.secret);
    const callbackLog = logger.child({ room: 'callback' });
    callbacks = new CallbackSender({
      store,
      clock,
      random: new SeededRandom(data.seeds.callbacks),
      policy: config.callbacks,
      secretFor: (tenant) => secrets.get(tenant),
      egress: egressPolicyOf(config.egress.allow),
      metrics,
      log: { warn: (obj, msg) => callbackLog.warn(obj, msg) },
    });
    callbacks.start();
  } catch (err) {
    await delivery?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    post({ kind: 'start_failed', error: serializeError(err) });
    return;
  }
  const running = delivery;
  const sender = callbacks;
  let closing = false;
  parent.on('message', (m: ToDelivery) => {
    if (m.kind === 'wake') {
      for (const carrier of m.carriers) running.wake(carrier);
    } else if (m.kind === 'pause') {
      running.setPaused(m.carrier, m.paused);
    } else if (m.kind === 'tenants') {
      // A config tenant's secret is never replaced by an added one of the same name (the admin API refuses those names).
      for (const t of m.tenants) if (!config.tenants.some((c) => c.name === t.name)) secrets.set(t.name, t.callbackSecret);
      running.setAddedTenants(m.tenants);
    } else if (m.kind === 'route_overrides') {
      running.setRouteOverrides(m.overrides);
    } else if (m.kind === 'metrics') {
      void metrics.registry.getMetricsAsJSON().then((json) => post({ kind: 'metrics', id: m.id, metrics: json }));
    } else if (!closing) {
      closing = true;
      // The order that loses nothing: in-flight submits answered and recorded, callbacks finished, then the store port.
      void (async () => {
        let error: unknown;
        for (const step of [() => running.close(), () => sender.close(), () => store.close()]) {
          try {
            await step();
          } catch (err) {
            error ??= err;
          }
        }
        logger.flush?.();
        post(error === undefined ? { kind: 'closed' } : { kind: 'closed', error: serializeError(error) });
        parent.close();
      })();
    }
  });
  post({ kind: 'started', recovered: running.recovered, links: running.linkStates(), node: running.node(), routes: running.routeModes() });
}

await main();
