// The status-callback sender: drains the store's durable outbox. Each due
// row is claimed (leased, so no other claim returns it while in flight),
// POSTed signed, then marked delivered, rescheduled with back-off, or
// abandoned past its maximum age. A crash mid-send leaves the row pending:
// its lease runs out and it is sent again (at least once; receivers
// de-duplicate by X-Denpa-Event-Id).
import { Agent, request } from 'undici';
import type { Clock, Random, TimerHandle } from '../../runtime/index.ts';
import type { CoreMetrics } from '../metrics/index.ts';
import { checkedConnector, egressPolicy, type EgressPolicy } from '../egress/index.ts';
import type { CallbackJob, Store } from '../store/index.ts';
import { decideRetry, type CallbackRetryPolicy } from './backoff.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signBody } from './signature.ts';

export interface CallbackPolicy extends CallbackRetryPolicy {
  readonly concurrency: number;
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
  readonly abandoned: number;
}

type Outcome = 'delivered' | 'retried' | 'abandoned';

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

export class CallbackSender {
  private readonly opts: CallbackSenderOptions;
  private readonly agent: Agent | undefined;
  private readonly post: CallbackPost;
  private inFlight = 0;
  private claiming = false;
  private wokenWhileClaiming = false;
  private closed = false;
  private timer: TimerHandle | undefined;
  private gaugeAt = -Infinity;
  private closing: Promise<void> | undefined;
  private readonly sends = new Set<Promise<Outcome>>();

  constructor(opts: CallbackSenderOptions) {
    this.opts = opts;
    if (opts.post) {
      this.post = opts.post;
    } else {
      this.agent = new Agent({ connect: checkedConnector(opts.egress ?? egressPolicy(), { timeout: opts.policy.timeoutMs }), connections: opts.policy.concurrency });
      this.post = undiciPost(this.agent);
    }
  }

  /** Run in the background until close(). */
  start(): void {
    this.wake();
  }

  /** Look for due callbacks now (e.g. after a state change wrote one). */
  wake(): void {
    if (this.closed) return;
    // A claim running now may have read before the new row was committed: look again after it.
    if (this.claiming) this.wokenWhileClaiming = true;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    void this.pump();
  }

  /** Callbacks being POSTed right now. */
  get active(): number {
    return this.inFlight;
  }

  /**
   * One round, for tests on a ManualClock: claim what is due (up to the
   * concurrency), send it, and wait for every answer.
   */
  async runOnce(): Promise<RoundResult> {
    const jobs = await this.claim(this.opts.policy.concurrency);
    const outcomes = await Promise.all(jobs.map((j) => this.track(j)));
    return {
      claimed: jobs.length,
      delivered: outcomes.filter((o) => o === 'delivered').length,
      retried: outcomes.filter((o) => o === 'retried').length,
      abandoned: outcomes.filter((o) => o === 'abandoned').length,
    };
  }

  /** Stop claiming, wait for in-flight POSTs (each bounded by timeoutMs), release sockets. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.sends]);
    await this.agent?.close();
  }

  private async pump(): Promise<void> {
    if (this.closed || this.claiming) return;
    const free = this.opts.policy.concurrency - this.inFlight;
    if (free <= 0) return; // a finishing send calls pump again
    this.claiming = true;
    let jobs: CallbackJob[] = [];
    try {
      jobs = await this.claim(free);
    } catch (err) {
      this.opts.log?.warn({ err }, 'callback claim failed');
    } finally {
      this.claiming = false;
    }
    const again = this.wokenWhileClaiming;
    this.wokenWhileClaiming = false;
    for (const job of jobs) {
      void this.track(job).then(() => {
        if (!this.closed) void this.pump();
      });
    }
    if (this.closed) return;
    if (jobs.length === free || again) {
      void this.pump(); // more may be due
    } else if (this.timer === undefined && this.inFlight < this.opts.policy.concurrency) {
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = undefined;
        void this.pump();
      }, this.opts.policy.pollIntervalMs);
    }
  }

  private async claim(limit: number): Promise<CallbackJob[]> {
    if (limit <= 0) return [];
    // The lease outlives one POST (timeout) with room for the bookkeeping after it.
    const lease = this.opts.policy.timeoutMs * 2 + 1000;
    const jobs = await this.opts.store.claimDueCallbacks(this.opts.clock.now(), limit, lease);
    const now = this.opts.clock.now();
    if (this.opts.metrics && now - this.gaugeAt >= 1000) {
      // A count over the outbox: at most once a second.
      this.gaugeAt = now;
      this.opts.metrics.callbackOutbox.set(await this.opts.store.pendingCallbackCount());
    }
    return jobs;
  }

  private track(job: CallbackJob): Promise<Outcome> {
    this.inFlight++;
    const p = this.deliver(job)
      .catch((err: unknown): Outcome => {
        // The store refused the bookkeeping (e.g. closing): the row stays
        // pending and comes back when its lease runs out.
        this.opts.log?.warn({ err, id: job.id }, 'callback bookkeeping failed');
        return 'retried';
      })
      .finally(() => {
      this.inFlight--;
      this.sends.delete(p);
    });
    this.sends.add(p);
    return p;
  }

  private async deliver(job: CallbackJob): Promise<Outcome> {
    const { store, clock, policy } = this.opts;
    const secret = this.opts.secretFor(job.tenant);
    if (secret === undefined) {
      await store.abandonCallback(job.id, clock.now(), `tenant ${job.tenant} is not configured`);
      this.count('abandoned');
      return 'abandoned';
    }
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'denpa-callback/1',
      [SIGNATURE_HEADER]: signBody(secret, job.body),
      [EVENT_ID_HEADER]: job.id,
    };
    let error: string;
    try {
      const res = await this.post(job.url, job.body, headers, policy.timeoutMs);
      if (res.status >= 200 && res.status < 300) {
        await store.markCallbackDelivered(job.id, clock.now());
        this.count('delivered');
        return 'delivered';
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message || String(err);
    }
    const failures = job.attempts + 1;
    const decision = decideRetry(job.createdAt, clock.now(), failures, policy, this.opts.random);
    if (decision.kind === 'abandon') {
      await store.abandonCallback(job.id, clock.now(), `${decision.reason}; last error: ${error}`);
      this.opts.log?.warn({ id: job.id, url: job.url, error }, 'callback abandoned');
      this.count('abandoned');
      return 'abandoned';
    }
    await store.rescheduleCallback(job.id, decision.at, failures, error.slice(0, 500));
    this.count('retry');
    return 'retried';
  }

  private count(outcome: 'delivered' | 'retry' | 'abandoned'): void {
    this.opts.metrics?.callbacks.inc({ outcome });
  }
}
