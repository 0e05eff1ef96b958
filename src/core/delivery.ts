// The delivery side of the core: carrier links, per-carrier queues, the
// dispatch journal and the sweeps (TTL expiry, receipt deadlines), wired
// from the core config. The API side stores messages; this side delivers
// them. `startDelivery` recovers what a crashed predecessor left in flight
// before it claims anything.
import type { Clock, Random, TimerHandle } from '../runtime/index.ts';
import type { MessageIdRadix } from '../smpp/index.ts';
import { CarrierLink, type BindState } from './carrier/carrier-link.ts';
import { DEFAULT_SEND_RATE } from './carrier/send-rate.ts';
import { readReceiptOutcome } from './carrier/receipt-outcome.ts';
import type { BackoffPolicy } from '../runtime/index.ts';
import { CarrierQueue } from './dispatch/carrier-queue.ts';
import { DispatchJournal } from './dispatch/journal.ts';
import { DUNNING_WINDOW_JST, type SendingWindow } from './dispatch/quiet-hours.ts';
import type { CoreConfig } from './config/index.ts';
import type { CoreMetrics } from './metrics/index.ts';
import { CARRIERS, type Carrier, type Category, type DispatchOutcome, type Store } from './store/index.ts';

/** pino's shape, narrowed to what delivery logs. */
export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Knobs not (yet) in the config file; defaults suit the simulator and production alike. */
export interface DeliveryTuning {
  /** How often an idle carrier queue looks for due messages (an OTP waits at most about this long to be claimed). */
  readonly claimIntervalMs: number;
  /** Submits per message ending in ESME_RSYSERR, ESME_RX_T_APPN or a response timeout before it fails. */
  readonly maxTransientAttempts: number;
  readonly throttleBackoff: BackoffPolicy;
  readonly transientBackoff: BackoffPolicy;
  /** Reconnect jitter share (the min/max come from the carrier config). */
  readonly reconnectJitter: number;
  /** How long a receipt that came before its submit_sm_resp is held for matching. */
  readonly receiptHoldMs: number;
  readonly sweepIntervalMs: number;
  /** Lane depth gauge refresh (an index count over the backlog). */
  readonly laneDepthIntervalMs: number;
  /** Bound on waiting for in-flight submits at drain. */
  readonly drainTimeoutMs: number;
  /** How each carrier writes message ids, when known (exact matching); otherwise every reading is tried. */
  readonly messageIdRadix: Partial<Record<Carrier, MessageIdRadix>>;
  /** Lanes held outside a sending window; default dunning 08:00-21:00 JST when config.messages.dunningQuietHours. */
  readonly heldLanes?: ReadonlyMap<Category, SendingWindow>;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  claimIntervalMs: 10,
  maxTransientAttempts: 4,
  throttleBackoff: { baseMs: 100, maxMs: 5_000, jitter: 0.5 },
  transientBackoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 },
  reconnectJitter: 0.5,
  receiptHoldMs: 60_000,
  sweepIntervalMs: 1_000,
  laneDepthIntervalMs: 5_000,
  drainTimeoutMs: 10_000,
  messageIdRadix: {},
};

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
}

export interface Delivery {
  /** New messages were stored: look for them now rather than at the next poll. */
  wake(carrier?: Carrier): void;
  /** Every bind of every carrier, by state. */
  linkStates(): Record<string, BindState['state'][]>;
  /** At least one bind per started carrier is bound. */
  ready(): boolean;
  /** How many crashed-in-flight messages were put back at start. */
  readonly recovered: number;
  /** Stop claiming, wait (bounded) for in-flight submits to be answered and recorded. Links stay up for receipts. */
  drain(): Promise<void>;
  /** drain(), then unbind every link and stop the sweeps. */
  close(): Promise<void>;
}

const SILENT: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };

export async function startDelivery(deps: DeliveryDeps): Promise<Delivery> {
  const tuning: DeliveryTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const { store, config, clock, random, metrics } = deps;
  const log = deps.logger ?? SILENT;
  const carriers = deps.carriers ?? CARRIERS;
  const heldLanes: ReadonlyMap<Category, SendingWindow> =
    tuning.heldLanes ?? (config.messages.dunningQuietHours ? new Map([['dunning', DUNNING_WINDOW_JST]]) : new Map());

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

  const links = new Map<Carrier, CarrierLink>();
  const queues = new Map<Carrier, CarrierQueue>();
  for (const carrier of carriers) {
    const c = config.carriers[carrier];
    const radix = tuning.messageIdRadix[carrier];
    // The link and its queue point at each other; the queue is made second.
    const ref: { queue?: CarrierQueue } = {};
    const link = new CarrierLink(
      {
        carrier,
        host: c.host,
        port: c.port,
        systemId: c.systemId,
        password: c.password,
        systemType: c.systemType,
        binds: c.binds,
        window: c.window,
        // The config's tps is per bind; the link's bucket covers all its binds.
        tps: c.tps * c.binds,
        responseTimeoutMs: c.responseTimeoutMs,
        enquireLinkMs: c.enquireLinkMs,
        reconnect: { baseMs: c.reconnectMinMs, maxMs: c.reconnectMaxMs, jitter: tuning.reconnectJitter },
        throttle: { ...DEFAULT_SEND_RATE, backoff: tuning.throttleBackoff },
        clock,
        random: random.fork(`link:${carrier}`),
      },
      {
        onDeliver: async (m) => {
          const r = readReceiptOutcome(m.fields, radix);
          if (r.kind !== 'final') return 0;
          metrics?.countReceipt(carrier, r.outcome);
          // deliver_sm_resp goes out only after the receipt is committed: a crash before makes the SMSC send it again.
          await journal.push({ kind: 'receipt', carrier, smscIds: r.keys, outcome: r.outcome, at: clock.now(), ...(r.error ? { error: r.error } : {}) });
          return 0;
        },
        onCapacity: () => ref.queue?.wake(),
        onBindState: (index, state, detail) => {
          metrics?.setLinkState(carrier, index, state);
          deps.onLinkStatesChanged?.();
          if (state === 'reconnecting') log.warn({ carrier, bind: index, detail }, 'SMPP bind lost; reconnecting');
          else if (state === 'bound') log.info({ carrier, bind: index }, 'SMPP bind up');
        },
      },
    );
    const queue = new CarrierQueue(
      {
        carrier,
        sourceAddr: c.sourceAddr,
        messageIdRadix: radix,
        receiptTimeoutMs: config.messages.receiptTimeoutSeconds * 1000,
        claimIntervalMs: tuning.claimIntervalMs,
        maxTransientAttempts: tuning.maxTransientAttempts,
        transientBackoff: tuning.transientBackoff,
        heldLanes,
        clock,
        random: random.fork(`queue:${carrier}`),
      },
      store,
      link,
      journal,
      {
        onSubmitResult: (car, status, latencyMs) => {
          metrics?.countSubmitResponse(car, status);
          metrics?.submitLatency.observe({ carrier: car }, latencyMs / 1000);
        },
        onSubmitted: (car, category) => metrics?.countMessage(car, category, 'submitted'),
        onError,
      },
    );
    ref.queue = queue;
    links.set(carrier, link);
    queues.set(carrier, queue);
  }

  // Sweeps: TTL expiry of waiting messages, receipt deadlines, stale held receipts, lane depths.
  let sweepTimer: TimerHandle | undefined;
  let depthTimer: TimerHandle | undefined;
  let closed = false;
  const sweep = async (): Promise<void> => {
    const now = clock.now();
    try {
      for (let i = 0; i < 10; i++) {
        const expired = await store.expireDue(now, 1000);
        onFinals(expired);
        if (expired.length < 1000) break;
      }
      for (let i = 0; i < 10; i++) {
        const unknown = await store.timeoutReceipts(now, 1000);
        onFinals(unknown);
        if (unknown.length < 1000) break;
      }
      const dropped = journal.hold.sweep(now);
      if (dropped > 0) log.warn({ dropped }, 'receipts matched no submitted message within the hold time');
    } catch (err) {
      onError(err);
    }
    if (!closed) sweepTimer = clock.setTimeout(() => void sweep(), tuning.sweepIntervalMs);
  };
  const depths = async (): Promise<void> => {
    try {
      if (metrics) metrics.setLaneDepths(await store.laneDepths());
    } catch (err) {
      onError(err);
    }
    if (!closed) depthTimer = clock.setTimeout(() => void depths(), tuning.laneDepthIntervalMs);
  };

  metrics?.readSendRates(() => [...links].map(([carrier, link]) => [carrier, link.tps] as const));
  for (const link of links.values()) link.start();
  for (const q of queues.values()) q.start();
  void sweep();
  if (metrics) void depths();

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
    linkStates: () => Object.fromEntries([...links].map(([c, l]) => [c, l.bindStates()])),
    ready: () => [...links.values()].every((l) => l.boundCount > 0),
    drain,
    close: () => {
      closing ??= (async () => {
        await drain();
        closed = true;
        clock.clearTimeout(sweepTimer);
        clock.clearTimeout(depthTimer);
        await Promise.all([...links.values()].map((l) => l.close()));
        await journal.idle();
      })();
      return closing;
    },
  };
}
