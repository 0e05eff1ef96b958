// One carrier's SMPP link: several transceiver binds, each with its own
// window of outstanding submits, sharing one TPS cap (token bucket). A bind
// that drops or fails to bind reconnects after an exponential back-off with
// seeded jitter. Receipts (deliver_sm) from any bind go to one handler.
//
//   bind 0: connecting ─▶ bound ─(drop)─▶ backoff ─▶ connecting ─▶ ...
//   bind 1: ...                     (each bind has its own life)
//
// Window slots are ours, not the session's: a slot is taken before the
// submit and given back only when the caller says the outcome is durably
// recorded, so that at any instant at most binds x window submits are on
// the wire or answered-but-unrecorded: the bound on duplicates after a crash.
//
// Several core nodes share a carrier's bind limit (bind-share.ts): setBinds
// grows or shrinks the link while it runs. A bind beyond the new count takes
// no new submits, unbinds once its outstanding submits are recorded, and is
// dropped; the TPS cap follows the bind count (the config's tps is per bind).
import { backoffDelay, type BackoffPolicy, type Clock, type Random, type TimerHandle } from '../../runtime/index.ts';
import { SmppClient, type DeliverAnswer, type ReceivedMessage, type SubmitResult, type SubmitSmFields } from '../../smpp/index.ts';
import type { Smsc } from '../store/index.ts';
import { SendRate, type SendRatePolicy } from './send-rate.ts';
import { TokenBucket } from './token-bucket.ts';

export interface CarrierLinkOptions {
  /** The SMSC: a carrier's, or the aggregator (the fallback route). */
  readonly carrier: Smsc;
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly binds: number;
  readonly window: number;
  /** Submits per second for the whole link (all binds together): the cap; throttling lowers it for a while. */
  readonly tps: number;
  /** How the rate follows the carrier's throttling (see send-rate.ts). */
  readonly throttle: SendRatePolicy;
  readonly responseTimeoutMs: number;
  readonly enquireLinkMs: number;
  readonly reconnect: BackoffPolicy;
  readonly clock: Clock;
  readonly random: Random;
}

export type BindState =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'bound'; readonly client: SmppClient; readonly attempt: 0 }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly until: number; readonly lastError: string }
  | { readonly state: 'closed' };

interface Bind {
  readonly index: number;
  current: BindState;
  inFlight: number;
  timer: TimerHandle | undefined;
  /** Being unbound because the link shrank (setBinds). */
  retiring: boolean;
}

export interface LinkEvents {
  /** A deliver_sm (receipt or MO) arrived; the answer becomes its deliver_sm_resp status. */
  onDeliver(message: ReceivedMessage): DeliverAnswer | Promise<DeliverAnswer>;
  /** Capacity appeared (a bind came up or a slot was released): a good time to send. */
  onCapacity(): void;
  /** A bind changed state (for metrics and logs). */
  onBindState(index: number, state: BindState['state'], detail?: string): void;
}

/** A taken window slot on one bind; `release` once the outcome is recorded. */
export interface SubmitLease {
  readonly bind: number;
  submit(fields: SubmitSmFields): Promise<SubmitResult>;
  release(): void;
}

export class CarrierLink {
  private readonly bindsState: Bind[];
  private readonly bucket: TokenBucket;
  private readonly rate: SendRate;
  private pausedUntil = 0;
  private closing = false;
  private started = false;
  /** Binds this link holds now (its share of options.binds); binds at or above this index retire. */
  private target: number;

  constructor(
    private readonly options: CarrierLinkOptions,
    private readonly events: LinkEvents,
  ) {
    this.bucket = new TokenBucket(options.tps, burstFor(options.tps), options.clock);
    this.rate = new SendRate(options.tps, options.throttle, options.random.fork('send-rate'));
    this.target = options.binds;
    this.bindsState = Array.from({ length: options.binds }, (_, index) => newBind(index));
  }

  get carrier(): Smsc {
    return this.options.carrier;
  }

  start(): void {
    this.started = true;
    for (const b of this.bindsState) void this.connect(b, 0);
  }

  /** The binds the carrier allows this account (the config's `binds`), shared between the nodes. */
  get bindLimit(): number {
    return this.options.binds;
  }

  /** The binds this link holds (or is bringing up) now: its share of bindLimit. */
  get bindCount(): number {
    return this.target;
  }

  /**
   * Hold `count` binds (0..bindLimit) from now on: new binds connect at once;
   * binds beyond the count take no more submits and unbind as soon as their
   * outstanding submits are answered and recorded, so nothing in flight is lost.
   */
  setBinds(count: number): void {
    if (this.closing) return;
    const n = Math.max(0, Math.min(this.options.binds, Math.floor(count)));
    if (n === this.target) return;
    this.target = n;
    for (let index = this.bindsState.length; index < n; index++) {
      const b = newBind(index);
      this.bindsState.push(b);
      if (this.started) void this.connect(b, 0);
    }
    for (const b of this.bindsState) if (b.index >= n) void this.retire(b);
    this.prune();
    this.rescale();
    if (n > 0) this.events.onCapacity();
  }

  /** The share of the configured cap that the held binds carry. */
  private get capShare(): number {
    return this.target / this.options.binds;
  }

  private rescale(): void {
    if (this.target > 0) this.bucket.setRate(this.tps, burstFor(this.tps));
  }

  private async retire(b: Bind): Promise<void> {
    const s = b.current;
    if (b.retiring || b.index < this.target) return;
    if (s.state === 'connecting') return; // connect() looks at the target when it ends
    if (s.state === 'bound') {
      if (b.inFlight > 0) return; // release() comes back here
      // Retiring: the session's close event must not schedule a reconnect.
      b.retiring = true;
      await s.client.close().catch(() => undefined);
      b.retiring = false;
      this.setState(b, { state: 'closed' });
    } else {
      this.options.clock.clearTimeout(b.timer);
      b.timer = undefined;
      if (s.state !== 'closed') this.setState(b, { state: 'closed' });
    }
    // Grown again while it unbound: it comes back.
    if (b.index < this.target && !this.closing && this.started) void this.connect(b, 0);
    this.prune();
  }

  /** Drop closed binds off the end beyond the target. */
  private prune(): void {
    for (let last = this.bindsState.at(-1); last && last.index >= this.target && last.current.state === 'closed' && !last.retiring; last = this.bindsState.at(-1)) {
      this.bindsState.pop();
    }
  }

  /** States of every bind, for readiness and metrics. */
  bindStates(): BindState['state'][] {
    return this.bindsState.map((b) => b.current.state);
  }

  get boundCount(): number {
    return this.bindsState.filter((b) => b.current.state === 'bound').length;
  }

  /** Free window slots over the bound binds. */
  get freeSlots(): number {
    let n = 0;
    for (const b of this.bindsState) if (b.current.state === 'bound' && b.index < this.target && !b.retiring) n += Math.max(0, this.options.window - b.inFlight);
    return n;
  }

  get inFlight(): number {
    return this.bindsState.reduce((n, b) => n + b.inFlight, 0);
  }

  /** Milliseconds until the TPS cap (or a throttle pause) lets the next submit go; 0 = now. */
  msUntilSend(): number {
    const pause = Math.max(0, this.pausedUntil - this.options.clock.now());
    return Math.max(pause, this.bucket.msUntilToken());
  }

  /** Submits per second the link sends at now (the cap, or less while the carrier throttles). */
  get tps(): number {
    return this.rate.tps * this.capShare;
  }

  /**
   * The carrier said slow down (ESME_RTHROTTLED / ESME_RMSGQFUL) to a submit
   * sent at `sentAt`: the link pauses, and lowers its rate when throttling
   * is dense (see send-rate.ts).
   */
  throttled(sentAt: number): void {
    const now = this.options.clock.now();
    const pauseMs = this.rate.throttled(sentAt, now);
    if (pauseMs === 0) return;
    this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
    this.rescale();
    this.bucket.drain();
  }

  /** The carrier accepted a submit sent at `sentAt`: the rate may climb back towards the cap. */
  accepted(sentAt: number): void {
    if (this.rate.accepted(sentAt, this.options.clock.now())) this.rescale();
  }

  /**
   * A slot on the least loaded bound bind plus a token, or undefined when
   * none is free or the TPS cap says wait (see msUntilSend).
   */
  tryLease(): SubmitLease | undefined {
    if (this.closing || this.options.clock.now() < this.pausedUntil) return undefined;
    let best: Bind | undefined;
    for (const b of this.bindsState) {
      if (b.current.state !== 'bound' || b.index >= this.target || b.retiring || b.inFlight >= this.options.window) continue;
      if (!best || b.inFlight < best.inFlight) best = b;
    }
    if (!best || !this.bucket.tryTake()) return undefined;
    const bind = best;
    const client = (bind.current as Extract<BindState, { state: 'bound' }>).client;
    bind.inFlight++;
    let released = false;
    return {
      bind: bind.index,
      submit: (fields) => client.submit(fields),
      release: () => {
        if (released) return;
        released = true;
        bind.inFlight--;
        if (bind.index >= this.target && bind.inFlight === 0) void this.retire(bind);
        this.events.onCapacity();
      },
    };
  }

  private setState(b: Bind, s: BindState, detail?: string): void {
    b.current = s;
    this.events.onBindState(b.index, s.state, detail);
  }

  private async connect(b: Bind, attempt: number): Promise<void> {
    if (this.closing) return;
    this.setState(b, { state: 'connecting', attempt });
    let client: SmppClient;
    try {
      client = await SmppClient.connect({
        host: this.options.host,
        port: this.options.port,
        systemId: this.options.systemId,
        password: this.options.password,
        systemType: this.options.systemType,
        bindMode: 'transceiver',
        window: this.options.window,
        // Our own slot accounting keeps the session queue empty; a small bound catches mistakes.
        maxQueued: this.options.window,
        responseTimeoutMs: this.options.responseTimeoutMs,
        enquireLinkMs: this.options.enquireLinkMs,
        clock: this.options.clock,
        onDeliver: (m) => this.events.onDeliver(m),
      });
    } catch (err) {
      this.scheduleReconnect(b, attempt, (err as Error).message);
      return;
    }
    if (this.closing || b.index >= this.target) {
      // Closed, or shrunk while this bind was connecting: it is not wanted.
      await client.close();
      this.setState(b, { state: 'closed' });
      this.prune();
      return;
    }
    client.on('error', () => {
      // The close event follows and reconnects; the listener keeps errors from crashing the process.
    });
    client.once('close', (error) => {
      if (b.current.state === 'bound' && b.current.client === client && !b.retiring) this.scheduleReconnect(b, 0, error?.message ?? 'the session closed');
    });
    this.setState(b, { state: 'bound', client, attempt: 0 });
    this.events.onCapacity();
  }

  private scheduleReconnect(b: Bind, attempt: number, lastError: string): void {
    if (this.closing || b.index >= this.target) {
      this.setState(b, { state: 'closed' });
      this.prune();
      return;
    }
    const delay = backoffDelay(this.options.reconnect, attempt, this.options.random);
    this.setState(b, { state: 'reconnecting', attempt: attempt + 1, until: this.options.clock.now() + delay, lastError }, lastError);
    b.timer = this.options.clock.setTimeout(() => {
      b.timer = undefined;
      void this.connect(b, attempt + 1);
    }, delay);
  }

  /** Unbind politely: every bind waits (bounded by the session) for its outstanding responses, then unbinds. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.bindsState.map(async (b) => {
        this.options.clock.clearTimeout(b.timer);
        const s = b.current;
        if (s.state === 'bound') await s.client.close();
        this.setState(b, { state: 'closed' });
      }),
    );
  }

  /** Abrupt end (tests, fatal errors): drop every session. */
  destroy(): void {
    this.closing = true;
    for (const b of this.bindsState) {
      this.options.clock.clearTimeout(b.timer);
      const s = b.current;
      if (s.state === 'bound') s.client.destroy();
      this.setState(b, { state: 'closed' });
    }
  }
}

function newBind(index: number): Bind {
  return { index, current: { state: 'closed' }, inFlight: 0, timer: undefined, retiring: false };
}

/** A twentieth of a second's worth of submits may leave together. */
function burstFor(tps: number): number {
  return Math.max(1, Math.ceil(tps / 20));
}
