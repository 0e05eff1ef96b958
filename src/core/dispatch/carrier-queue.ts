// The queue of one carrier: claims due messages from the store (OTP lane
// first), keeps the few it claimed in a LaneBuffer, and sends their segments
// through the CarrierLink as window slots and the TPS cap allow. Results go
// to the DispatchJournal; a message's window slots are released only when
// its outcome is committed (see carrier-link.ts for why).
//
// Claim sizing: the OTP lane is claimed every cycle whatever the buffer
// holds (so an OTP never waits behind claimed promotions); the other lanes
// only while the buffer is shorter than what the link can take soon
// (free slots, and at most ~200 ms at the link's current rate).
//
// Routes: with a fallback route configured, each claim asks the routes
// (routing/route-table.ts) where each category goes now: the carrier's own
// link, the aggregator's (shared by every carrier's queue), or nowhere (the
// lane waits). A claimed message goes out on that one route for this
// attempt; the buffer keeps one LaneBuffer per route so a throttled
// aggregator never holds up the direct link. Segments left in the direct
// buffer when the direct link has no bind go back to their lane at once, to
// be claimed again on whatever route is chosen then.
import { backoffDelay, type BackoffPolicy, type Clock, type Random, type TimerHandle } from '../../runtime/index.ts';
import { SmppError, SmppTimeoutError, type SubmitResult, type SubmitSmFields } from '../../smpp/index.ts';
import { messageKeys, type CarrierLink, type SubmitLease } from '../carrier/index.ts';
import type { MessageIdRadix } from '../../smpp/index.ts';
import { CATEGORIES, type Carrier, type Category, type ClaimedMessage, type ClaimedPart, type DispatchEvent, type MessageError, type MessageRoute, type Store } from '../store/index.ts';
import type { DispatchJournal } from './journal.ts';
import { LaneBuffer } from './lane-buffer.ts';
import type { SendWindowPolicy } from './send-window-policy.ts';
import { classifySubmitStatus, type SubmitVerdict } from './submit-outcome.ts';
import { relativeValidity } from './validity.ts';

export interface CarrierQueueOptions {
  readonly carrier: Carrier;
  readonly sourceAddr: string;
  readonly messageIdRadix: MessageIdRadix | undefined;
  readonly receiptTimeoutMs: number;
  /** How often an idle queue looks for due messages. */
  readonly claimIntervalMs: number;
  /** Retries after ESME_RSYSERR / ESME_RX_T_APPN / response timeouts before the message fails. */
  readonly maxTransientAttempts: number;
  readonly transientBackoff: BackoffPolicy;
  /** Which tenant's category is held outside which hours (dunning 08:00-21:00 JST by default). */
  readonly sendWindows: SendWindowPolicy;
  readonly clock: Clock;
  readonly random: Random;
  /**
   * Where a message this carrier refused as not its subscriber's
   * (ESME_RINVDSTADR) should go instead: the lookup asked again. undefined
   * (or no rerouter): nowhere, the message ends rejected.
   */
  readonly rerouteTo?: (m: ClaimedMessage) => Promise<Carrier | undefined>;
  /** Where each category goes now, and the aggregator's link; absent: always direct (no fallback route). */
  readonly routes?: QueueRoutes;
}

/** The queue's view of the routes (see routing/route-table.ts). */
export interface QueueRoutes {
  /** The route for a message of `category` claimed now. */
  choose(category: Category): 'direct' | 'aggregator' | 'hold';
  /** The fallback route's link (shared by every carrier's queue); absent when none is configured. */
  readonly aggregator?: CarrierLink;
  /** A direct submit was answered in a way that shows the link works. */
  directAnswered(): void;
  /** A direct submit timed out, lost its session or got a temporary error. */
  directFailed(): void;
}

export interface QueueHooks {
  onSubmitResult(carrier: Carrier, status: string, latencyMs: number): void;
  onSubmitted(carrier: Carrier, category: Category): void;
  /** One submit_sm went on the wire through `route`. */
  onSent?(carrier: Carrier, route: MessageRoute): void;
  /** A reroute was committed: `to`'s queue has a message due now. */
  onRerouted?(from: Carrier, to: Carrier): void;
  /** A claimed message went back to its lane because its send window is closed. */
  onHeld(carrier: Carrier, category: Category): void;
  onError(err: unknown): void;
}

type Verdict = SubmitVerdict | { readonly kind: 'link_lost'; readonly detail: string } | { readonly kind: 'expired' };

interface MessageJob {
  readonly claimed: ClaimedMessage;
  /** The route of this attempt: every segment goes out on it. */
  readonly route: MessageRoute;
  remaining: number;
  readonly verdicts: Verdict[];
  readonly leases: SubmitLease[];
}

interface SegmentJob {
  readonly msg: MessageJob;
  readonly part: ClaimedPart;
}

const SETTLE_PRECEDENCE = ['rejected', 'failed', 'expired', 'transient', 'link_lost', 'throttled'] as const;

export class CarrierQueue {
  private readonly buffers: Record<MessageRoute, LaneBuffer<SegmentJob>> = { direct: new LaneBuffer<SegmentJob>(), aggregator: new LaneBuffer<SegmentJob>() };
  private unsettled = 0;
  private claiming = false;
  private stopped = false;
  /** Paused by an operator (a four-eyes request): claims nothing; what waits stays accepted in the store. */
  private paused = false;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private pumpQueued = false;
  private lastClaimAt = -Infinity;
  private settledWaiters: Array<() => void> = [];

  constructor(
    private readonly o: CarrierQueueOptions,
    private readonly store: Store,
    private readonly link: CarrierLink,
    private readonly journal: DispatchJournal,
    private readonly hooks: QueueHooks,
  ) {}

  /** Messages claimed and not yet settled (in the buffer or on the wire). */
  get inFlightMessages(): number {
    return this.unsettled;
  }

  start(): void {
    this.wake();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.wake();
  }

  /** Something changed (capacity, new messages): pump and claim soon. */
  wake(): void {
    if (this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = this.o.clock.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    this.o.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, ms);
  }

  /** The link of a route; undefined: the aggregator when no fallback route is configured. */
  private linkOf(route: MessageRoute): CarrierLink | undefined {
    return route === 'direct' ? this.link : this.o.routes?.aggregator;
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    for (const route of ['direct', 'aggregator'] as const) {
      const buffer = this.buffers[route];
      const link = this.linkOf(route);
      if (buffer.size === 0 || !link) continue;
      if (link.boundCount === 0) {
        // Nothing of these is on the wire: back to the lane now, for whichever route is chosen at the next claim.
        for (const job of buffer.takeAll()) this.segmentDone(job.msg, { kind: 'link_lost', detail: `no ${route} bind bound` });
        continue;
      }
      for (let i = 0; i < 100_000; i++) {
        const job = buffer.peek();
        if (!job) break;
        if (now >= job.msg.claimed.expiresAt) {
          buffer.shift();
          this.segmentDone(job.msg, { kind: 'expired' });
          continue;
        }
        const lease = link.tryLease();
        if (!lease) {
          const wait = link.msUntilSend();
          if (wait > 0 && link.freeSlots > 0) this.schedule(wait);
          break;
        }
        buffer.shift();
        this.send(job, lease, link);
      }
    }
    void this.claim();
    this.schedule(this.o.claimIntervalMs);
  }

  private lanesOpen(now: number): Category[] {
    return CATEGORIES.filter((c) => this.o.sendWindows.laneOpen(c, now));
  }

  /**
   * A message claimed outside its tenant's window (it came due there after a
   * back-off, a restart or a long backlog) goes back to its lane, due when the
   * window opens. When that is past expiresAt the expiry sweep ends it
   * expired at expiresAt: held, never sent late. The window is judged once, at
   * claim: a message claimed just before closing time is sent whole (all its
   * segments), within the claim-ahead of about 200 ms.
   */
  private holdOutsideWindow(m: ClaimedMessage, now: number): boolean {
    const opensAt = this.o.sendWindows.sendableAt(m.tenant, m.category, now);
    if (opensAt === now) return false;
    this.hooks.onHeld(this.o.carrier, m.category);
    const error = { code: 'SEND_WINDOW', description: `outside the ${m.category} send window; due again at ${new Date(opensAt).toISOString()}` };
    this.journal.push({ kind: 'retry', messageId: m.id, dueAt: opensAt, at: now, countsAttempt: false, error }).catch((err: unknown) => this.hooks.onError(err));
    return true;
  }

  /** The open lanes by the route they go out on now; lanes held, or whose route has no bind bound, are left out. */
  private lanesByRoute(now: number): Map<MessageRoute, Category[]> {
    const out = new Map<MessageRoute, Category[]>();
    for (const c of this.lanesOpen(now)) {
      const route = this.o.routes ? this.o.routes.choose(c) : 'direct';
      if (route === 'hold' || (this.linkOf(route)?.boundCount ?? 0) === 0) continue;
      const list = out.get(route) ?? [];
      list.push(c);
      out.set(route, list);
    }
    return out;
  }

  private async claim(): Promise<void> {
    if (this.claiming || this.stopped || this.paused) return;
    const now = this.o.clock.now();
    // Every response and every accepted request wakes the queue; claiming on each would cost a
    // store transaction per message. Claim at most once per interval: the pump's timer comes
    // back for anything that arrived meanwhile (an OTP waits at most one interval to be claimed).
    if (now - this.lastClaimAt < this.o.claimIntervalMs) return;
    const groups = this.lanesByRoute(now);
    if (groups.size === 0) return;
    this.lastClaimAt = now;
    this.claiming = true;
    try {
      let any = false;
      for (const [route, lanes] of groups) any = (await this.claimFor(route, lanes, now)) || any;
      if (any) this.wake();
    } catch (err) {
      this.hooks.onError(err);
    } finally {
      this.claiming = false;
    }
  }

  /** One claim for the lanes that go out on `route`, sized by that route's link. True when something was claimed. */
  private async claimFor(route: MessageRoute, lanes: Category[], now: number): Promise<boolean> {
    const link = this.linkOf(route) as CarrierLink;
    const soon = Math.max(1, Math.ceil(link.tps * 0.2));
    const room = Math.min(link.freeSlots, soon) - this.buffers[route].size;
    const otpOnly = room <= 0;
    if (otpOnly && !lanes.includes('otp')) return false;
    const limit = otpOnly ? Math.max(1, Math.min(50, link.freeSlots)) : room;
    const claimed = await this.store.claimDue(this.o.carrier, now, limit, otpOnly ? ['otp'] : lanes);
    for (const m of claimed) if (!this.holdOutsideWindow(m, now)) this.enqueue(m, route);
    return claimed.length > 0;
  }

  private enqueue(m: ClaimedMessage, chosen: MessageRoute): void {
    const now = this.o.clock.now();
    if (this.stopped) {
      // Claimed while draining: put it straight back.
      void this.journal.push({ kind: 'retry', messageId: m.id, dueAt: now, at: now, countsAttempt: false, error: { code: 'DRAINED', description: 'the core was shutting down' } });
      return;
    }
    // The rest of a long message follows the segments that went out before it.
    const route = m.route ?? chosen;
    if (route !== chosen && (this.linkOf(route)?.boundCount ?? 0) === 0) {
      const error = { code: 'ROUTE_DOWN', description: `its earlier segments went ${route}, which has no bind bound` };
      this.journal.push({ kind: 'retry', messageId: m.id, dueAt: now + 1000, at: now, countsAttempt: false, error }).catch((err: unknown) => this.hooks.onError(err));
      return;
    }
    const msg: MessageJob = { claimed: m, route, remaining: m.parts.length, verdicts: [], leases: [] };
    this.unsettled++;
    if (m.parts.length === 0) {
      // Every segment was answered before a crash; nothing left to send.
      msg.remaining = 1;
      this.segmentDone(msg, { kind: 'submitted' });
      return;
    }
    for (const part of m.parts) this.buffers[route].push(m.category, { msg, part });
  }

  private submitFields(m: ClaimedMessage, part: ClaimedPart, validity: string): SubmitSmFields {
    const sender = m.sender ?? this.o.sourceAddr;
    const alpha = /[^0-9+]/.test(sender);
    return {
      source_addr_ton: alpha ? 0x05 : 0x02,
      source_addr_npi: alpha ? 0x00 : 0x01,
      source_addr: sender,
      dest_addr_ton: 0x01,
      dest_addr_npi: 0x01,
      destination_addr: m.to,
      esm_class: part.esmClass,
      data_coding: part.dataCoding,
      registered_delivery: 0x01,
      validity_period: validity,
      short_message: Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength),
    };
  }

  private send(job: SegmentJob, lease: SubmitLease, link: CarrierLink): void {
    const m = job.msg.claimed;
    const sentAt = this.o.clock.now();
    const validity = relativeValidity(m.expiresAt - sentAt);
    if (!validity) {
      lease.release();
      this.segmentDone(job.msg, { kind: 'expired' });
      return;
    }
    this.hooks.onSent?.(this.o.carrier, job.msg.route);
    lease.submit(this.submitFields(m, job.part, validity)).then(
      (res) => this.onResult(job, lease, res, sentAt, link),
      (err: unknown) => this.onFailure(job, lease, err, sentAt),
    );
  }

  private onResult(job: SegmentJob, lease: SubmitLease, res: SubmitResult, sentAt: number, link: CarrierLink): void {
    const now = this.o.clock.now();
    const verdict = classifySubmitStatus(res.commandStatus);
    const direct = job.msg.route === 'direct';
    this.hooks.onSubmitResult(this.o.carrier, verdict.kind === 'submitted' ? 'ESME_ROK' : verdict.error.code, now - sentAt);
    if (direct && verdict.kind === 'transient') this.o.routes?.directFailed();
    else if (direct && verdict.kind !== 'throttled') this.o.routes?.directAnswered();
    if (res.ok && verdict.kind === 'submitted') {
      link.accepted(sentAt);
      // An id of digits only, radix not configured, could be decimal or hex: keep both readings.
      // The aggregator's ids are its own (uuid-shaped in the simulator): read without a carrier's radix.
      const [smscId = res.messageId, smscAltId] = messageKeys(res.messageId, direct ? this.o.messageIdRadix : undefined);
      const event: DispatchEvent = {
        kind: 'segment_submitted',
        messageId: job.msg.claimed.id,
        seq: job.part.seq,
        smscId,
        ...(smscAltId !== undefined ? { smscAltId } : {}),
        at: now,
        receiptDueAt: now + this.o.receiptTimeoutMs,
        ...(direct ? {} : { route: 'aggregator' as const }),
      };
      this.journal.push(event).then(
        () => lease.release(),
        () => lease.release(),
      );
      this.segmentDone(job.msg, verdict);
      return;
    }
    if (verdict.kind === 'throttled') {
      link.throttled(sentAt);
    }
    job.msg.leases.push(lease);
    this.segmentDone(job.msg, verdict);
  }

  private onFailure(job: SegmentJob, lease: SubmitLease, err: unknown, sentAt: number): void {
    this.hooks.onSubmitResult(this.o.carrier, err instanceof SmppError ? err.code : 'error', this.o.clock.now() - sentAt);
    if (job.msg.route === 'direct') this.o.routes?.directFailed();
    job.msg.leases.push(lease);
    // A response timeout means the SMSC may have taken it: retrying can duplicate (bounded by maxTransientAttempts).
    if (err instanceof SmppTimeoutError) {
      this.segmentDone(job.msg, { kind: 'transient', error: { code: 'SUBMIT_TIMEOUT', description: err.message } });
    } else {
      this.segmentDone(job.msg, { kind: 'link_lost', detail: err instanceof Error ? err.message : String(err) });
    }
  }

  private segmentDone(msg: MessageJob, verdict: Verdict): void {
    msg.verdicts.push(verdict);
    msg.remaining--;
    if (msg.remaining > 0) return;
    void this.settle(msg);
  }

  /** All segments of a claimed message have a result: one event for the message, then free its slots. */
  private async settle(msg: MessageJob): Promise<void> {
    const m = msg.claimed;
    const now = this.o.clock.now();
    const worst = SETTLE_PRECEDENCE.find((k) => msg.verdicts.some((v) => v.kind === k));
    const firstOf = <K extends Verdict['kind']>(k: K) => msg.verdicts.find((v) => v.kind === k) as Extract<Verdict, { kind: K }>;
    let event: DispatchEvent | undefined;
    switch (worst) {
      case undefined:
        this.hooks.onSubmitted(this.o.carrier, m.category);
        break;
      case 'rejected':
      case 'failed':
        event = { kind: 'final', messageId: m.id, state: worst, at: now, error: firstOf(worst).error };
        break;
      case 'expired':
        event = { kind: 'final', messageId: m.id, state: 'expired', at: now, error: { code: 'TTL_EXPIRED', description: 'not submitted before expires_at' } };
        break;
      case 'transient': {
        const error = firstOf('transient').error;
        event =
          m.attempts + 1 >= this.o.maxTransientAttempts
            ? { kind: 'final', messageId: m.id, state: 'failed', at: now, error }
            : { kind: 'retry', messageId: m.id, at: now, countsAttempt: true, dueAt: now + backoffDelay(this.o.transientBackoff, m.attempts, this.o.random), error };
        break;
      }
      case 'link_lost':
        event = { kind: 'retry', messageId: m.id, at: now, countsAttempt: false, dueAt: now + 100, error: { code: 'LINK_LOST', description: firstOf('link_lost').detail } };
        break;
      case 'throttled':
        event = { kind: 'retry', messageId: m.id, at: now, countsAttempt: false, dueAt: Math.max(now + 1, now + (this.linkOf(msg.route)?.msUntilSend() ?? 0)), error: firstOf('throttled').error };
        break;
    }
    try {
      if (event?.kind === 'final' && event.error?.code === 'ESME_RINVDSTADR') event = (await this.reroute(msg, event.error)) ?? event;
      if (event) await this.journal.push(event);
      if (event?.kind === 'reroute') this.hooks.onRerouted?.(event.from, event.to);
    } catch (err) {
      this.hooks.onError(err);
    } finally {
      for (const l of msg.leases) l.release();
      this.unsettled--;
      if (this.unsettled === 0) for (const w of this.settledWaiters.splice(0)) w();
    }
  }

  /**
   * A number this carrier says is not its subscriber's (ported away, or
   * routed by prefix while the lookup was down) goes once to the carrier
   * the lookup names now; never back to this one, never a second time.
   * Only when no segment was taken here, so nothing is sent twice.
   */
  private async reroute(msg: MessageJob, error: MessageError): Promise<DispatchEvent | undefined> {
    const m = msg.claimed;
    if (!this.o.rerouteTo || msg.route !== 'direct' || m.reroutes > 0 || msg.verdicts.some((v) => v.kind === 'submitted')) return undefined;
    const to = await this.o.rerouteTo(m).catch(() => undefined);
    if (!to || to === this.o.carrier) return undefined;
    return { kind: 'reroute', messageId: m.id, from: this.o.carrier, to, at: this.o.clock.now(), error };
  }

  /**
   * Stop claiming; put unsent segments back in their lanes (messages whose
   * segments were all unsent go back to accepted); wait up to `timeoutMs`
   * for submits on the wire to be answered and recorded.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    const now = this.o.clock.now();
    for (const buffer of Object.values(this.buffers)) for (const job of buffer.takeAll()) this.segmentDone(job.msg, { kind: 'link_lost', detail: 'drained before sending' });
    if (this.unsettled === 0) return;
    await new Promise<void>((resolve) => {
      const t = this.o.clock.setTimeout(resolve, Math.max(0, timeoutMs - (this.o.clock.now() - now)));
      this.settledWaiters.push(() => {
        this.o.clock.clearTimeout(t);
        resolve();
      });
    });
  }
}
