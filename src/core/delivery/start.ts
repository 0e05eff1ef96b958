// The delivery side of the core: carrier links, per-carrier queues, the
// dispatch journal and the sweeps (TTL expiry, receipt deadlines), wired
// from the core config. The API side stores messages; this side delivers
// them. `startDelivery` recovers what a crashed predecessor left in flight
// before it claims anything. What each link and queue is made with is
// link-options.ts (pure); the timed sweeps are sweeps.ts.
//
// With config.fallback.aggregator, one more link (the aggregator, shared by
// every carrier's queue) and a RouteTable: each carrier's fallback switch,
// fed by its direct links, and the operators' standing route overrides.
import type { Clock, Random } from '../../runtime/index.ts';
import { CommandStatus, EsmClass, type MessageIdRadix, type ReceivedMessage } from '../../smpp/index.ts';
import { CarrierLink, readReceiptOutcome, type BindState } from '../carrier/index.ts';
import { CarrierQueue, DispatchJournal, type QueueRoutes } from '../dispatch/index.ts';
import type { CoreConfig, TenantConfig } from '../config/index.ts';
import { InboundReceiver } from '../inbound/index.ts';
import type { CoreMetrics } from '../metrics/index.ts';
import { routerFromConfig, RouteTable, type CarrierRouter, type RouteOverride, type SwitchMode } from '../routing/index.ts';
import { AGGREGATOR, CARRIERS, nodeIdentity, type Carrier, type ClaimedMessage, type DispatchOutcome, type NodeIdentity, type Smsc, type Store } from '../store/index.ts';
import { carrierLinkOptions, carrierQueueOptions, sendWindowsFor } from './link-options.ts';
import { SILENT, type DeliveryLogger } from './logger.ts';
import { NodeShares, type NodeView } from './node-shares.ts';
import { startSweeps } from './sweeps.ts';
import { DEFAULT_TUNING, type DeliveryTuning } from './tuning.ts';

export interface DeliveryDeps {
  readonly store: Store;
  readonly config: CoreConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger?: DeliveryLogger;
  readonly metrics?: CoreMetrics;
  readonly tuning?: Partial<DeliveryTuning>;
  /** Carriers to connect (default all three). */
  readonly carriers?: readonly Carrier[];
  /** Final states with a status callback were committed: the callback sender can look now instead of at its next poll. */
  readonly onCallbacksQueued?: () => void;
  /** A bind changed state (linkStates() reads differently now). */
  readonly onLinkStatesChanged?: () => void;
  /** This node on a shared store (default: config.node, the id defaulting to host name and pid). */
  readonly node?: NodeIdentity;
  /** The live nodes or this node's bind shares changed (node() reads differently now). */
  readonly onNodeChanged?: () => void;
  /** Asked again when a carrier refuses a number as not its own (ESME_RINVDSTADR); default: from config.numberLookup. */
  readonly router?: CarrierRouter;
  /** A fresh lookup named another carrier for a number (so the API thread's cache can forget the old one). */
  readonly onRouteLearned?: (number: string, carrier: Carrier) => void;
  /** A carrier's fallback switch flipped (routeModes() reads differently now). */
  readonly onRouteModesChanged?: () => void;
}

export interface Delivery {
  /** New messages were stored: look for them now rather than at the next poll. */
  wake(carrier?: Carrier): void;
  /** An operator paused (true) or resumed (false) a carrier: no claims while paused, links stay bound for receipts. */
  setPaused(carrier: Carrier, paused: boolean): void;
  /**
   * The operators' standing route overrides, replacing the whole list ([]
   * clears them): each outranks the automatic switch for its carrier (and
   * category) until a later list leaves it out.
   */
  setRouteOverrides(list: readonly RouteOverride[]): void;
  /** Each carrier's fallback switch now (direct or fallback), overrides aside. */
  routeModes(): Record<string, SwitchMode>;
  /** Every bind of every carrier (and of the aggregator, when configured), by state. */
  linkStates(): Record<string, BindState['state'][]>;
  /** The tenants created over the admin API (the whole list): their send windows and inbound numbers apply from now. */
  setAddedTenants(tenants: readonly TenantConfig[]): void;
  /** This node, the live nodes and the binds it holds of each carrier's limit. */
  node(): NodeView;
  /** At least one bind per started carrier is bound (a carrier whose share on this node is no bind does not count). */
  ready(): boolean;
  /** How many crashed-in-flight messages were put back at start. */
  readonly recovered: number;
  /** Stop claiming, wait (bounded) for in-flight submits to be answered and recorded. Links stay up for receipts. */
  drain(): Promise<void>;
  /** drain(), then unbind every link and stop the sweeps. */
  close(): Promise<void>;
}

export async function startDelivery(deps: DeliveryDeps): Promise<Delivery> {
  const tuned: DeliveryTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  // One send-window policy for every carrier's queue, so that setAddedTenants reaches them all.
  const windows = sendWindowsFor(deps.config, tuned);
  const tuning: DeliveryTuning = { ...tuned, sendWindows: windows };
  const { store, clock, metrics } = deps;
  const log = deps.logger ?? SILENT;
  const carriers = deps.carriers ?? CARRIERS;

  const node = deps.node ?? nodeIdentity(deps.config.node.id, deps.config.node.leaseMs);
  const recovered = await store.recoverInFlight(clock.now());
  if (recovered > 0) log.warn({ recovered }, 'messages in flight at the last stop were put back in their lanes; unanswered segments will be sent again');

  const onFinals = (finals: DispatchOutcome['finals']): void => {
    if (deps.onCallbacksQueued && finals.some((f) => f.callback)) deps.onCallbacksQueued();
    if (!metrics) return;
    const now = clock.now();
    for (const f of finals) {
      metrics.countMessage(f.carrier, f.category, f.state);
      metrics.deliveryLatency.observe({ carrier: f.carrier, category: f.category, state: f.state }, Math.max(0, now - f.acceptedAt) / 1000);
    }
  };
  const onError = (err: unknown): void => log.error({ err }, 'delivery store write failed');
  const journal = new DispatchJournal(store, clock, { onFinals, onError }, tuning.receiptHoldMs);

  const inbound = new InboundReceiver({
    store,
    clock,
    config: deps.config,
    ...(deps.onCallbacksQueued ? { onForwardQueued: deps.onCallbacksQueued } : {}),
    onReceived: (carrier, kind) => metrics?.inboundMessages.inc({ carrier, kind }),
    onError: (err) => log.error({ err }, 'an MO could not be recorded; answered ESME_RX_T_APPN so the SMSC sends it again'),
  });
  const links = new Map<Smsc, CarrierLink>();
  const queues = new Map<Carrier, CarrierQueue>();
  const fallback = deps.config.fallback;
  const routes = new RouteTable({
    clock,
    failAfterMs: fallback.failAfterMs,
    returnAfterMs: fallback.returnAfterMs,
    categories: fallback.categories,
    hasAggregator: fallback.aggregator !== undefined,
    onSwitch: (carrier, to, why) => {
      metrics?.routeSwitches.inc({ carrier, to });
      metrics?.routeMode.set({ carrier }, to === 'fallback' ? 1 : 0);
      log.warn({ carrier, to, why }, to === 'fallback' ? 'direct links down or failing: fallback categories go through the aggregator' : 'direct links back: traffic returns to them');
      deps.onRouteModesChanged?.();
      queues.get(carrier)?.wake();
    },
  });
  for (const c of carriers) metrics?.routeMode.set({ carrier: c }, 0);
  const ref: { shares?: NodeShares } = {};
  const shared = (): boolean => ref.shares?.shared() ?? false;
  const aggregator = fallback.aggregator !== undefined ? aggregatorLink({ ...deps, tuning, log, journal, inbound, shared, wakeAll: () => queues.forEach((q) => q.wake()) }) : undefined;
  if (aggregator) links.set(AGGREGATOR, aggregator);
  const router = deps.router ?? routerFromConfig(deps.config, clock, metrics);
  // Once, to a carrier this core delivers to, and only to a carrier other than the one that refused.
  const rerouteTo = async (m: ClaimedMessage): Promise<Carrier | undefined> => {
    const to = await router.fresh(m.to);
    if (!to || to === m.carrier || !queues.has(to)) return undefined;
    deps.onRouteLearned?.(m.to, to);
    return to;
  };
  const onRerouted = (from: Carrier, to: Carrier): void => {
    metrics?.reroutes.inc({ from, to });
    log.info({ from, to }, 'message re-routed after the carrier refused the number');
    queues.get(to)?.wake();
  };
  for (const carrier of carriers) {
    const queueRoutes: QueueRoutes = {
      choose: (category) => routes.choose(carrier, category),
      ...(aggregator ? { aggregator } : {}),
      directAnswered: () => routes.submitAnswered(carrier),
      directFailed: () => routes.submitFailed(carrier),
    };
    const { link, queue } = carrierPair(carrier, { ...deps, tuning, log, journal, inbound, onError, rerouteTo, onRerouted, shared, routes: queueRoutes, onDirectBound: (n) => routes.bound(carrier, n) });
    links.set(carrier, link);
    queues.set(carrier, queue);
  }

  const shares = new NodeShares({
    store,
    clock,
    node,
    links,
    log,
    onTakenOver: () => {
      for (const q of queues.values()) q.wake();
    },
    onChanged: () => deps.onNodeChanged?.(),
  });
  ref.shares = shares;
  // Before any bind: this node joins the live set and takes its share (all of it when alone).
  await shares.begin();
  metrics?.readSendRates(() => [...links].map(([carrier, link]) => [carrier, link.tps] as const));
  for (const link of links.values()) link.start();
  shares.start();
  for (const q of queues.values()) q.start();
  const sweeps = startSweeps({ store, clock, journal, log, metrics, sweepIntervalMs: tuning.sweepIntervalMs, laneDepthIntervalMs: tuning.laneDepthIntervalMs, onFinals, onError });

  let draining: Promise<void> | undefined;
  const drain = (): Promise<void> => {
    draining ??= (async () => {
      await Promise.all([...queues.values()].map((q) => q.drain(tuning.drainTimeoutMs)));
      await journal.idle();
    })();
    return draining;
  };
  let closing: Promise<void> | undefined;
  return {
    recovered,
    wake: (carrier) => {
      if (carrier) queues.get(carrier)?.wake();
      else for (const q of queues.values()) q.wake();
    },
    setPaused: (carrier, paused) => queues.get(carrier)?.setPaused(paused),
    setRouteOverrides: (list) => {
      routes.setOverrides(list);
      for (const q of queues.values()) q.wake();
    },
    routeModes: () => Object.fromEntries(carriers.map((c) => [c, routes.mode(c)])),
    linkStates: () => Object.fromEntries([...links].map(([c, l]) => [c, l.bindStates()])),
    setAddedTenants: (tenants) => {
      windows.setAddedTenants(tenants);
      inbound.setAddedTenants(tenants);
    },
    node: () => shares.view(),
    // Each carrier reachable: by its own links, or (while its switch has fallen back) through the aggregator;
    // a carrier whose share of the binds on this node is none does not count.
    ready: () => carriers.every((c) => {
      const link = links.get(c);
      return (link?.boundCount ?? 0) > 0 || link?.bindCount === 0 || (routes.mode(c) === 'fallback' && (aggregator?.boundCount ?? 0) > 0);
    }),
    drain,
    close: () => {
      closing ??= (async () => {
        await drain();
        sweeps.stop();
        shares.stop();
        await Promise.all([...links.values()].map((l) => l.close()));
        await journal.idle();
      })();
      return closing;
    },
  };
}

interface PairDeps {
  readonly store: Store;
  readonly config: CoreConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly tuning: DeliveryTuning;
  readonly log: DeliveryLogger;
  readonly journal: DispatchJournal;
  readonly inbound: InboundReceiver;
  readonly metrics?: CoreMetrics;
  readonly onError: (err: unknown) => void;
  readonly onLinkStatesChanged?: () => void;
  readonly rerouteTo: (m: ClaimedMessage) => Promise<Carrier | undefined>;
  readonly onRerouted: (from: Carrier, to: Carrier) => void;
  /** Other nodes are live on this store (a receipt may be for their submit). */
  readonly shared: () => boolean;
  readonly routes: QueueRoutes;
  /** The direct link's bound binds changed (the fallback switch watches it). */
  readonly onDirectBound: (bound: number) => void;
}

/** One carrier's link and its queue, which point at each other (the queue is made second), with their metrics and logs. */
function carrierPair(carrier: Carrier, deps: PairDeps): { link: CarrierLink; queue: CarrierQueue } {
  const { store, config, clock, random, tuning, log, journal, metrics, onError } = deps;
  const radix = tuning.messageIdRadix[carrier];
  const ref: { queue?: CarrierQueue } = {};
  const link = new CarrierLink(carrierLinkOptions(carrier, config, tuning, clock, random), {
    onDeliver: deliverHandler(carrier, radix, deps),
    onCapacity: () => ref.queue?.wake(),
    onBindState: (index, state, detail) => {
      deps.onDirectBound(link.boundCount);
      metrics?.setLinkState(carrier, index, state);
      deps.onLinkStatesChanged?.();
      if (state === 'reconnecting') log.warn({ carrier, bind: index, detail }, 'SMPP bind lost; reconnecting');
      else if (state === 'bound') log.info({ carrier, bind: index }, 'SMPP bind up');
    },
  });
  const queue = new CarrierQueue({ ...carrierQueueOptions(carrier, config, tuning, clock, random), rerouteTo: deps.rerouteTo, routes: deps.routes }, store, link, journal, {
    onSubmitResult: (car, status, latencyMs) => {
      metrics?.countSubmitResponse(car, status);
      metrics?.submitLatency.observe({ carrier: car }, latencyMs / 1000);
    },
    onSubmitted: (car, category) => metrics?.countMessage(car, category, 'submitted'),
    onSent: (car, route) => metrics?.countRouteSubmit(car, route),
    onRerouted: deps.onRerouted,
    onHeld: (car, category) => metrics?.sendWindowHeld.inc({ carrier: car, category }),
    onError,
  });
  ref.queue = queue;
  return { link, queue };
}

type AggregatorDeps = Pick<PairDeps, 'config' | 'clock' | 'random' | 'tuning' | 'log' | 'journal' | 'inbound' | 'metrics' | 'onLinkStatesChanged' | 'shared'> & {
  /** Capacity appeared on the shared link: every carrier's queue may send. */
  readonly wakeAll: () => void;
};

/**
 * A deliver_sm from `smsc`'s link: an MO goes to the inbound receiver, a
 * final receipt into the journal, matched on (smsc, id). `radix` reads the
 * carrier's ids; undefined: ids are read as written (the aggregator's).
 */
function deliverHandler(smsc: Smsc, radix: MessageIdRadix | undefined, deps: Pick<PairDeps, 'journal' | 'inbound' | 'metrics' | 'clock' | 'shared' | 'tuning'>): (m: ReceivedMessage) => Promise<number> {
  const { journal, inbound, metrics, clock, tuning } = deps;
  return async (m) => {
    // Message type bits 0 (not a receipt, not a notification): a handset wrote to us.
    if ((m.fields.esm_class & EsmClass.MESSAGE_TYPE_MASK) === EsmClass.DEFAULT) return inbound.receive(smsc, m);
    const r = readReceiptOutcome(m.fields, radix);
    if (r.kind !== 'final') return 0;
    metrics?.countReceipt(smsc, r.outcome);
    // deliver_sm_resp goes out only after the receipt is committed: a crash before makes the SMSC send it again.
    const receipt = { kind: 'receipt', carrier: smsc, smscIds: r.keys, outcome: r.outcome, at: clock.now(), ...(r.error ? { error: r.error } : {}) } as const;
    if ((await journal.pushReceipt(receipt)) || !deps.shared()) return 0;
    // It matched no segment and other nodes are live: the submit may be another node's, not recorded yet. Answer
    // only once the store matches it, so this node's death cannot lose an acknowledged receipt; else the SMSC sends it again.
    return (await journal.awaitMatch(receipt, tuning.receiptWaitMs)) ? 0 : CommandStatus.ESME_RX_T_APPN;
  };
}

/**
 * The fallback route's link. Its receipts name the aggregator's own message
 * ids (no carrier's radix: read as written), matched against the segments it
 * took (their carrier is 'aggregator' in the store).
 */
function aggregatorLink(deps: AggregatorDeps): CarrierLink {
  const { config, clock, random, tuning, log, metrics } = deps;
  return new CarrierLink(carrierLinkOptions(AGGREGATOR, config, tuning, clock, random), {
    onDeliver: deliverHandler(AGGREGATOR, undefined, deps),
    onCapacity: deps.wakeAll,
    onBindState: (index, state, detail) => {
      metrics?.setLinkState(AGGREGATOR, index, state);
      deps.onLinkStatesChanged?.();
      if (state === 'reconnecting') log.warn({ carrier: AGGREGATOR, bind: index, detail }, 'SMPP bind to the aggregator lost; reconnecting');
      else if (state === 'bound') {
        log.info({ carrier: AGGREGATOR, bind: index }, 'SMPP bind to the aggregator up');
        deps.wakeAll();
      }
    },
  });
}
