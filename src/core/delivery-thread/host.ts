// The delivery side of the core on a thread of its own.
//
// Until now one event loop parsed HTTP requests and also decoded every
// submit_sm_resp and receipt, ran the dispatch bookkeeping and posted the
// status callbacks. At 3,000 messages a second an accept then waited behind
// bursts of SMPP work and behind the garbage that work left in the shared
// heap (a request's time from the client's send to the core's first look at
// it made up half of the slowest 1 %). Now:
//
//   main thread      HTTP API, /metrics, logs ──── inserts ────▶ store thread
//        │ wake(carrier)                                           ▲ (SQLite)
//        ▼                                                         │
//   delivery thread  carrier links, dispatch, callbacks ── claims, outcomes
//
// Each thread has its own heap and loop, so the accept path no longer shares
// pauses with delivery. Main keeps what the API needs: the latest link
// states (pushed on every change, for /readyz), a wake() per accepted
// carrier, and the delivery metrics fetched at scrape time.
import { Worker } from 'node:worker_threads';
import { SeededRandom, WORKER_RESOURCE_LIMITS, closeThread, firstMessage, threadScript, type Random } from '../../runtime/index.ts';
import type { CoreConfig, TenantConfig } from '../config/index.ts';
import type { DeliveryTuning, NodeView } from '../delivery/index.ts';
import type { RouteOverride } from '../routing/index.ts';
import { nodeIdentity, type Carrier, type NodeIdentity } from '../store/index.ts';
import { deserializeError, type WorkerStore } from '../store-thread/index.ts';
import type { DeliveryThreadData, FromDelivery, LinkStates, MetricsJson, RouteModes, ToDelivery } from './messages.ts';

export interface DeliveryThreadOptions {
  readonly config: CoreConfig;
  /** The store thread's owner; the delivery thread gets a port of its own. */
  readonly store: WorkerStore;
  /** Jitter seeds come from here (forks 'delivery' and 'callbacks'), so a seeded core replays. */
  readonly random: Random;
  readonly carriers?: readonly Carrier[];
  readonly tuning?: Partial<DeliveryTuning>;
  /** Where the thread's log lines go (the core's log stream). */
  readonly writeLog: (line: string) => void;
  /** The thread died (an uncaught error): nothing more is delivered until the core restarts. */
  readonly onFailure?: (err: Error) => void;
  /** A fresh number lookup (after ESME_RINVDSTADR) named another carrier: the API thread's router should remember it. */
  readonly onRouteLearned?: (number: string, carrier: Carrier) => void;
  readonly startTimeoutMs?: number;
  /** This core node; the store should be opened with the same identity (default: from the config). */
  readonly node?: NodeIdentity;
}

/** A seed for a forked source: its own when it is a SeededRandom, else drawn from it. */
function seedOf(random: Random): number {
  return random instanceof SeededRandom ? random.seed : Math.floor(random.next() * 2 ** 32);
}

export class DeliveryThread {
  private links: LinkStates;
  private nodeView: NodeView;
  private routes: RouteModes;
  private failure: Error | undefined;
  private wakeSet = new Set<Carrier>();
  private wakeScheduled = false;
  private nextMetricsId = 1;
  private readonly metricsWaiting = new Map<number, { resolve(m: MetricsJson): void; reject(e: Error): void }>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    started: { recovered: number; links: LinkStates; node: NodeView; routes: RouteModes },
    private readonly options: DeliveryThreadOptions,
  ) {
    this.recovered = started.recovered;
    this.links = started.links;
    this.nodeView = started.node;
    this.routes = started.routes;
    worker.on('message', (m: FromDelivery) => this.onMessage(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the delivery thread exited (code ${code})`));
    });
  }

  /** How many crashed-in-flight messages were put back in their lanes at start. */
  readonly recovered: number;

  /** Starts the thread and delivery in it; rejects as startDelivery would. */
  static async start(options: DeliveryThreadOptions): Promise<DeliveryThread> {
    const storePort = options.store.connect();
    const workerData: DeliveryThreadData = {
      config: options.config,
      seeds: { delivery: seedOf(options.random.fork('delivery')), callbacks: seedOf(options.random.fork('callbacks')) },
      ...(options.carriers ? { carriers: options.carriers } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      storePort,
      node: options.node ?? nodeIdentity(options.config.node.id, options.config.node.leaseMs),
    };
    const { script, eval: isEval } = threadScript('delivery-worker', new URL('./worker.ts', import.meta.url));
    const worker = new Worker(script, { eval: isEval, workerData, transferList: [storePort], resourceLimits: WORKER_RESOURCE_LIMITS });
    // Log lines may come before 'started' (crash recovery logs a warning).
    const outcome = await firstMessage<FromDelivery>(worker, options.startTimeoutMs ?? 30_000, 'the delivery thread', (m) => {
      if (m.kind !== 'log') return false;
      options.writeLog(m.line);
      return true;
    });
    if (outcome instanceof Error || outcome.kind !== 'started') {
      await worker.terminate();
      if (outcome instanceof Error) throw outcome;
      throw outcome.kind === 'start_failed' ? deserializeError(outcome.error) : new Error(`unexpected first message from the delivery thread: ${outcome.kind}`);
    }
    return new DeliveryThread(worker, outcome, options);
  }

  private onMessage(m: FromDelivery): void {
    switch (m.kind) {
      case 'log':
        this.options.writeLog(m.line);
        return;
      case 'links':
        this.links = m.links;
        this.routes = m.routes;
        return;
      case 'node':
        this.nodeView = m.node;
        return;
      case 'route':
        this.options.onRouteLearned?.(m.number, m.carrier);
        return;
      case 'metrics': {
        const w = this.metricsWaiting.get(m.id);
        this.metricsWaiting.delete(m.id);
        w?.resolve(m.metrics);
        return;
      }
      default:
        return;
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.metricsWaiting.values()) w.reject(err);
    this.metricsWaiting.clear();
    this.options.onFailure?.(err);
  }

  /** Why the thread stopped delivering, if it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** New messages were stored for these carriers: their queues look now, not at the next poll (one message per turn). */
  wake(carriers: Iterable<Carrier>): void {
    for (const c of carriers) this.wakeSet.add(c);
    if (this.wakeScheduled || this.wakeSet.size === 0) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      if (this.failure || this.closing || this.wakeSet.size === 0) return;
      const carriers = [...this.wakeSet];
      this.wakeSet.clear();
      this.worker.postMessage({ kind: 'wake', carriers } satisfies ToDelivery);
    });
  }

  /** Pause or resume claiming for a carrier (operators' four-eyes action). */
  setPaused(carrier: Carrier, paused: boolean): void {
    if (this.failure || this.closing) return;
    this.worker.postMessage({ kind: 'pause', carrier, paused } satisfies ToDelivery);
  }

  /** The tenants created over the admin API (the whole list): the thread signs their callbacks and applies their windows and numbers. */
  setAddedTenants(tenants: readonly TenantConfig[]): void {
    if (this.failure || this.closing) return;
    this.worker.postMessage({ kind: 'tenants', tenants } satisfies ToDelivery);
  }

  /**
   * The operators' standing route overrides, the whole list: it replaces the
   * last one, and each override outranks the automatic fallback switch for
   * its carrier (and category) until a later list leaves it out. The thread
   * starts with none; the operator side hands it its durable list at start
   * and after each approved change.
   */
  setRouteOverrides(list: readonly RouteOverride[]): void {
    if (this.failure || this.closing) return;
    this.worker.postMessage({ kind: 'route_overrides', overrides: list.map((o) => ({ ...o })) } satisfies ToDelivery);
  }

  /** Each carrier's fallback switch (direct or fallback), as last reported by the thread. */
  routeModes(): RouteModes {
    return this.routes;
  }

  /** Every bind of every carrier, by state, as last reported by the thread. */
  linkStates(): LinkStates {
    return this.links;
  }

  /** This node, the live nodes and its bind shares, as last reported by the thread. */
  node(): NodeView {
    return this.nodeView;
  }

  /** The delivery thread's metrics (prom-client JSON), for merging into /metrics. */
  metrics(): Promise<MetricsJson> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.resolve([]);
    const id = this.nextMetricsId++;
    return new Promise((resolve, reject) => {
      this.metricsWaiting.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'metrics', id } satisfies ToDelivery);
    });
  }

  /**
   * Drains in-flight submits (answered and recorded), unbinds, finishes
   * in-flight callbacks, then ends the thread. Idempotent; call it after
   * HTTP has stopped accepting and before the store closes.
   */
  close(timeoutMs = 60_000): Promise<void> {
    this.closing ??= (async () => {
      for (const w of this.metricsWaiting.values()) w.resolve([]);
      this.metricsWaiting.clear();
      if (this.failure) {
        await this.worker.terminate();
        return;
      }
      const m = await closeThread<FromDelivery>(this.worker, 'the delivery thread', { timeoutMs, exited: () => this.failure });
      if (m.error) throw deserializeError(m.error);
    })();
    return this.closing;
  }
}
