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

  constructor(
    private readonly options: CarrierLinkOptions,
    private readonly events: LinkEvents,
  ) {
    this.bucket = new TokenBucket(options.tps, burstFor(options.tps), options.clock);
    this.rate = new SendRate(options.tps, options.throttle, options.random.fork('send-rate'));
    this.bindsState = Array.from({ length: options.binds }, (_, index) => ({ index, current: { state: 'closed' }, inFlight: 0, timer: undefined }));
  }

  get carrier(): Smsc {
    return this.options.carrier;
  }

  start(): void {
    for (const b of this.bindsState) void this.connect(b, 0);
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
    for (const b of this.bindsState) if (b.current.state === 'bound') n += Math.max(0, this.options.window - b.inFlight);
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
    return this.rate.tps;
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
    this.bucket.setRate(this.rate.tps, burstFor(this.rate.tps));
    this.bucket.drain();
  }

  /** The carrier accepted a submit sent at `sentAt`: the rate may climb back towards the cap. */
  accepted(sentAt: number): void {
    if (this.rate.accepted(sentAt, this.options.clock.now())) this.bucket.setRate(this.rate.tps, burstFor(this.rate.tps));
  }

  /**
   * A slot on the least loaded bound bind plus a token, or undefined when
   * none is free or the TPS cap says wait (see msUntilSend).
   */
  tryLease(): SubmitLease | undefined {
    if (this.closing || this.options.clock.now() < this.pausedUntil) return undefined;
    let best: Bind | undefined;
    for (const b of this.bindsState) {
      if (b.current.state !== 'bound' || b.inFlight >= this.options.window) continue;
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
    if (this.closing) {
      await client.close();
      return;
    }
    client.on('error', () => {
      // The close event follows and reconnects; the listener keeps errors from crashing the process.
    });
    client.once('close', (error) => {
      if (b.current.state === 'bound' && b.current.client === client) this.scheduleReconnect(b, 0, error?.message ?? 'the session closed');
    });
    this.setState(b, { state: 'bound', client, attempt: 0 });
    this.events.onCapacity();
  }

  private scheduleReconnect(b: Bind, attempt: number, lastError: string): void {
    if (this.closing) {
      this.setState(b, { state: 'closed' });
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

/** A twentieth of a second's worth of submits may leave together. */
function burstFor(tps: number): number {
  return Math.max(1, Math.ceil(tps / 20));
}
