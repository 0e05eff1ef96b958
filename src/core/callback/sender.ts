// The callback sender: drains the store's durable outbox of signed POSTs.
//
//   outbox ──claim (batches, leased)──▶ per-origin queues ──POST──▶ receivers
//      ▲                                 (bounded, round robin)        │
//      └──── settlements, one write for many answers (settlement-batch) ◀┘
//
// Claims run ahead of the POSTs (up to twice the global bound), skip the
// origins whose queue is full or that are backing off (origin-health.ts),
// and hand each callback to its origin's queue. Each origin has at most
// perOriginConcurrency POSTs in flight on its own keep-alive pool, so a
// black hole or a receiver answering 500 holds its own slots only. A slot
// is free the moment its answer arrives; the bookkeeping follows in a
// batch. A crash mid-send leaves the row pending: its lease runs out and it
// is sent again (at least once; receivers de-duplicate by X-Denpa-Event-Id).
import { Agent, request } from 'undici';
import type { Clock, Random, TimerHandle } from '../../runtime/index.ts';
import type { CoreMetrics } from '../metrics/index.ts';
import { checkedConnector, egressPolicy, type EgressPolicy } from '../egress/index.ts';
import { callbackOrigin, type CallbackJob, type CallbackSettlement, type Store } from '../store/index.ts';
import { decideRetry, type CallbackRetryPolicy } from './backoff.ts';
import { HEALTHY, afterFailure, afterSuccess, atTime, inFlightBound, isOriginFailure, type OriginHealth } from './origin-health.ts';
import { SettlementBatch } from './settlement-batch.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signBody } from './signature.ts';

export interface CallbackPolicy extends CallbackRetryPolicy {
  /** POSTs in flight at once, over every origin. */
  readonly concurrency: number;
  /** POSTs in flight at once to one origin (scheme://host:port); also its keep-alive pool's size. */
  readonly perOriginConcurrency: number;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

export interface PostResult {
  readonly status: number;
}

/** One HTTP POST; the default uses undici. Injected in tests that need no socket. */
export type CallbackPost = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<PostResult>;

export interface CallbackSenderOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly policy: CallbackPolicy;
  /** The tenant's signing secret; undefined = tenant unknown (the callback is abandoned). */
  readonly secretFor: (tenant: string) => string | undefined;
  readonly metrics?: CoreMetrics;
  readonly post?: CallbackPost;
  readonly log?: { warn(obj: object, msg: string): void };
  /** Which addresses POSTs may reach, checked after DNS (default: loopback only). */
  readonly egress?: EgressPolicy;
}

export interface RoundResult {
  readonly claimed: number;
  readonly delivered: number;
  readonly retried: number;
  /** Not attempted: the origin was backing off. */
  readonly deferred: number;
  readonly abandoned: number;
}

type Outcome = 'delivered' | 'retried' | 'deferred' | 'abandoned';

/** A claimed callback, held until its settlement is committed. */
interface Held {
  readonly job: CallbackJob;
  readonly origin: string;
  /** Resolves with what became of it once that is committed. */
  readonly done: Promise<Outcome>;
  settle(outcome: Outcome): void;
}

interface Origin {
  health: OriginHealth;
  inFlight: number;
  readonly queue: Held[];
}

function undiciPost(agent: Agent): CallbackPost {
  return async (url, body, headers, timeoutMs) => {
    const res = await request(url, {
      method: 'POST',
      body,
      headers,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read (and bound) the answer so the connection can be reused.
    await res.body.dump({ limit: 64 * 1024 });
    return { status: res.statusCode };
  };
}

/** The histogram's category label: the body's category for status callbacks, 'none' for other POSTs. */
function categoryOf(body: string): string {
  try {
    const c = (JSON.parse(body) as { category?: unknown }).category;
    return typeof c === 'string' && c.length <= 16 ? c : 'none';
  } catch {
    return 'none';
  }
}

export class CallbackSender {
  private readonly opts: CallbackSenderOptions;
  private readonly agent: Agent | undefined;
  private readonly post: CallbackPost;
  private readonly settlements: SettlementBatch;
  private readonly origins = new Map<string, Origin>();
  /** Claimed and not yet settled, by id: a claim that returns one again (its lease ran out while it waited) is ignored. */
  private readonly held = new Map<string, Held>();
  private queued = 0;
  private inFlight = 0;
  private background = false;
  private claiming = false;
  private wokenWhileClaiming = false;
  private closed = false;
  private timer: TimerHandle | undefined;
  private closing: Promise<void> | undefined;
  private readonly sends = new Set<Promise<void>>();

  constructor(opts: CallbackSenderOptions) {
    // A config that sets only the global bound lower than the per-origin default means that bound for one origin too.
    const perOriginConcurrency = Math.min(opts.policy.perOriginConcurrency, opts.policy.concurrency);
    this.opts = { ...opts, policy: { ...opts.policy, perOriginConcurrency } };
    this.settlements = new SettlementBatch(opts.store, opts.log);
    if (opts.post) {
      this.post = opts.post;
    } else {
      // undici keeps one keep-alive pool per origin; its size is the per-origin bound.
      this.agent = new Agent({
        connect: checkedConnector(opts.egress ?? egressPolicy(), { timeout: opts.policy.timeoutMs }),
        connections: perOriginConcurrency,
      });
      this.post = undiciPost(this.agent);
    }
    opts.metrics?.readCallbackOutbox(() => opts.store.pendingCallbackCount());
  }

  /** Run in the background until close(). */
  start(): void {
    this.background = true;
    this.wake();
  }

  /** Look for due callbacks now (e.g. after a state change wrote one). */
  wake(): void {
    if (this.closed) return;
    // A claim running now may have read before the new row was committed: look again after it.
    if (this.claiming) this.wokenWhileClaiming = true;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    void this.claimAhead();
  }

  /** Callbacks being POSTed right now. */
  get active(): number {
    return this.inFlight;
  }

  /**
   * One round, for tests on a ManualClock: claim what is due (up to the
   * concurrency), send it within the per-origin bounds, and wait until what
   * became of every claimed callback is committed.
   */
  async runOnce(): Promise<RoundResult> {
    const held = this.accept(await this.claim(this.opts.policy.concurrency));
    this.dispatch();
    const outcomes = await Promise.all(held.map((h) => h.done));
    const n = (o: Outcome): number => outcomes.filter((x) => x === o).length;
    return { claimed: held.length, delivered: n('delivered'), retried: n('retried'), deferred: n('deferred'), abandoned: n('abandoned') };
  }

  /** Stop claiming, wait for in-flight POSTs (each bounded by timeoutMs), hand back what was not sent, release sockets. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.sends]);
    // Claimed but never sent: due again now, for the next process (instead of when their lease runs out).
    const now = this.opts.clock.now();
    for (const origin of this.origins.values()) {
      for (const h of origin.queue.splice(0)) this.finish(h, 'deferred', { kind: 'deferred', id: h.job.id, dueAt: now });
    }
    await this.settlements.idle();
    await this.agent?.close();
  }

  // ---------------------------------------------------------------- claiming

  /** The claim's lease outlives a POST (timeout) and the wait in its origin's queue, with room for the bookkeeping. */
  private get leaseMs(): number {
    return this.opts.policy.timeoutMs * 3 + 1000;
  }

  /** Claims keep this many callbacks waiting or in flight: the POSTs never wait for a claim. */
  private get ahead(): number {
    return this.opts.policy.concurrency * 2;
  }

  /**
   * Per origin, at most twice its in-flight bound waits in its queue: 2 x
   * perOriginConcurrency when healthy, 2 while probing, none while backing
   * off. More stay in the outbox, where the claims skip them, so a failing
   * origin's backlog never takes the claims' room from the others.
   */
  private queueBound(origin: Origin, now: number): number {
    origin.health = atTime(origin.health, now);
    return 2 * inFlightBound(origin.health, this.opts.policy.perOriginConcurrency);
  }

  private async claimAhead(): Promise<void> {
    if (this.closed || this.claiming || !this.background) return;
    const limit = this.ahead - this.queued - this.inFlight;
    if (limit <= 0) return; // a finishing send calls claimAhead again
    this.claiming = true;
    let got = 0;
    try {
      const jobs = await this.claim(limit);
      got = jobs.length;
      this.accept(jobs);
    } catch (err) {
      this.opts.log?.warn({ err }, 'callback claim failed');
    } finally {
      this.claiming = false;
    }
    const again = this.wokenWhileClaiming;
    this.wokenWhileClaiming = false;
    if (this.closed) return;
    this.dispatch();
    if (got === limit || again) {
      void this.claimAhead(); // more may be due
    } else if (this.timer === undefined) {
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = undefined;
        void this.claimAhead();
      }, this.opts.policy.pollIntervalMs);
    }
  }

  private claim(limit: number): Promise<CallbackJob[]> {
    if (limit <= 0) return Promise.resolve([]);
    const now = this.opts.clock.now();
    const skip: string[] = [];
    for (const [key, o] of this.origins) {
      if (o.queue.length >= this.queueBound(o, now)) skip.push(key);
    }
    return this.opts.store.claimDueCallbacks(now, limit, this.leaseMs, skip);
  }

  /**
   * Claimed jobs into their origins' queues. Those of an origin backing off
   * are deferred to its end at once; those past their origin's queue bound
   * (one claim found many of one origin) go back to the outbox due now,
   * where the claims skip them until the origin has room.
   */
  private accept(jobs: readonly CallbackJob[]): Held[] {
    const out: Held[] = [];
    const now = this.opts.clock.now();
    for (const job of jobs) {
      if (this.held.has(job.id)) continue;
      const key = job.origin || callbackOrigin(job.url);
      let origin = this.origins.get(key);
      if (!origin) {
        origin = { health: HEALTHY, inFlight: 0, queue: [] };
        this.origins.set(key, origin);
      }
      let settle!: (o: Outcome) => void;
      const done = new Promise<Outcome>((r) => (settle = r));
      const h: Held = { job, origin: key, done, settle };
      this.held.set(job.id, h);
      out.push(h);
      const bound = this.queueBound(origin, now);
      if (origin.health.state === 'backing_off') this.finish(h, 'deferred', { kind: 'deferred', id: job.id, dueAt: origin.health.until });
      else if (origin.queue.length >= bound) this.finish(h, 'deferred', { kind: 'deferred', id: job.id, dueAt: now });
      else {
        origin.queue.push(h);
        this.queued++;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- sending

  /** Start POSTs, one per origin per pass (round robin), within the global and per-origin bounds. */
  private dispatch(): void {
    const { concurrency, perOriginConcurrency } = this.opts.policy;
    const now = this.opts.clock.now();
    // Bounded: every pass starts at least one POST or ends the loop.
    for (let started = 1; started > 0 && this.inFlight < concurrency; ) {
      started = 0;
      for (const origin of this.origins.values()) {
        if (this.inFlight >= concurrency) break;
        origin.health = atTime(origin.health, now);
        if (origin.queue.length === 0 || origin.inFlight >= inFlightBound(origin.health, perOriginConcurrency)) continue;
        const h = origin.queue.shift() as Held;
        this.queued--;
        started++;
        this.send(h, origin);
      }
    }
    // Forget idle origins that are healthy (a back-off must outlive an empty queue).
    for (const [key, o] of this.origins) {
      if (o.queue.length === 0 && o.inFlight === 0 && o.health.state === 'healthy' && o.health.failures === 0) this.origins.delete(key);
    }
  }

  private send(h: Held, origin: Origin): void {
    this.inFlight++;
    origin.inFlight++;
    const p = this.attempt(h, origin)
      .catch((err: unknown) => {
        this.opts.log?.warn({ err, id: h.job.id }, 'callback attempt failed unexpectedly; it stays pending');
        this.held.delete(h.job.id);
        h.settle('retried');
      })
      .finally(() => {
        this.inFlight--;
        origin.inFlight--;
        this.sends.delete(p);
        if (this.closed) return;
        this.dispatch();
        void this.claimAhead();
      });
    this.sends.add(p);
  }

  private async attempt(h: Held, origin: Origin): Promise<void> {
    const { clock, policy } = this.opts;
    const { job } = h;
    const secret = this.opts.secretFor(job.tenant);
    if (secret === undefined) {
      this.finish(h, 'abandoned', { kind: 'abandoned', id: job.id, at: clock.now(), reason: `tenant ${job.tenant} is not configured` });
      return;
    }
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'denpa-callback/1',
      [SIGNATURE_HEADER]: signBody(secret, job.body),
      [EVENT_ID_HEADER]: job.id,
    };
    let error: string;
    let status: number | undefined;
    try {
      status = (await this.post(job.url, job.body, headers, policy.timeoutMs)).status;
      if (status >= 200 && status < 300) {
        const at = clock.now();
        origin.health = afterSuccess();
        this.opts.metrics?.callbackLatency.observe({ category: categoryOf(job.body) }, Math.max(0, at - job.createdAt) / 1000);
        this.finish(h, 'delivered', { kind: 'delivered', id: job.id, at });
        return;
      }
      error = `HTTP ${status}`;
    } catch (err) {
      error = (err as Error).message || String(err);
    }
    const now = clock.now();
    if (isOriginFailure(status)) this.originFailed(h.origin, origin, now);
    const failures = job.attempts + 1;
    const decision = decideRetry(job.createdAt, now, failures, policy, this.opts.random);
    if (decision.kind === 'abandon') {
      this.opts.log?.warn({ id: job.id, url: job.url, error }, 'callback abandoned');
      this.finish(h, 'abandoned', { kind: 'abandoned', id: job.id, at: now, reason: `${decision.reason}; last error: ${error}` });
      return;
    }
    this.finish(h, 'retried', { kind: 'retry', id: job.id, dueAt: decision.at, attempts: failures, lastError: error.slice(0, 500) });
  }

  /** One more failure of the origin; when that starts a back-off, its queue and its due rows move to the back-off's end. */
  private originFailed(key: string, origin: Origin, now: number): void {
    const before = origin.health;
    const after = afterFailure(before, now, this.opts.policy, this.opts.random);
    origin.health = after;
    if (after.state !== 'backing_off' || before.state === 'backing_off') return;
    const until = after.until;
    this.opts.log?.warn({ origin: key, until: new Date(until).toISOString(), level: after.level }, 'callback receiver failing: backing off');
    for (const q of origin.queue.splice(0)) {
      this.queued--;
      this.finish(q, 'deferred', { kind: 'deferred', id: q.job.id, dueAt: until });
    }
    void this.settlements.add({ kind: 'origin_deferred', origin: key, dueAt: until });
  }

  /** Count the outcome and hand its settlement to the batch; the callback is released when that is committed. */
  private finish(h: Held, outcome: Outcome, settlement: CallbackSettlement): void {
    this.opts.metrics?.callbacks.inc({ outcome: outcome === 'retried' ? 'retry' : outcome });
    void this.settlements.add(settlement).then(() => {
      this.held.delete(h.job.id);
      h.settle(outcome);
    });
  }
}
