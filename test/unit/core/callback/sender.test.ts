// The sender against a real loopback receiver, time on a ManualClock.
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ManualClock, SeededRandom } from '../../../../src/runtime/index.ts';
import { CallbackSender, verifySignature, type CallbackPolicy } from '../../../../src/core/callback/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { acceptMessage } from '../../../../src/core/api/index.ts';
import { defaultConfig } from '../../../../src/core/config/index.ts';
import { createMessageId, openSqliteStore, type SqliteStore } from '../../../../src/core/store/index.ts';

interface Received {
  body: string;
  headers: IncomingMessage['headers'];
}

const SECRET = 'tenant-secret';
const policy: CallbackPolicy = { concurrency: 4, perOriginConcurrency: 4, timeoutMs: 2000, pollIntervalMs: 100, initialDelayMs: 1000, maxDelayMs: 8000, maxAgeSeconds: 60 };

let server: Server;
let url: string;
let received: Received[];
let answers: number[];
let dataDir: string;
let store: SqliteStore;
let clock: ManualClock;
let senders: CallbackSender[];
/** Emits 'received' for every callback the receiver takes: tests wait on it, not on a timer. */
let arrivals: EventEmitter;

beforeEach(async () => {
  received = [];
  answers = [];
  senders = [];
  arrivals = new EventEmitter();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      arrivals.emit('received');
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  dataDir = mkdtempSync(path.join(tmpdir(), 'denpa-cb-'));
  store = await openSqliteStore({ dataDir });
  clock = new ManualClock(Date.UTC(2026, 5, 1));
});

afterEach(async () => {
  for (const s of senders) await s.close();
  await store.close().catch(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

function sender(over: Partial<ConstructorParameters<typeof CallbackSender>[0]> = {}): CallbackSender {
  const s = new CallbackSender({
    store,
    clock,
    random: new SeededRandom(3),
    policy,
    secretFor: (t) => (t === 'default' ? SECRET : undefined),
    metrics: new CoreMetrics(),
    ...over,
  });
  senders.push(s);
  return s;
}

/** Store a message with a callback URL and cancel it: that writes one `canceled` callback. */
async function owedCallback(tenant = 'default', clientRef = 'ref-1', callbackUrl = url, category: 'otp' | 'notice' = 'notice'): Promise<string> {
  const now = clock.now();
  const a = acceptMessage(
    { to: '09012345678', text: 'hello', category, callback_url: callbackUrl, client_ref: clientRef },
    { tenant, now, id: createMessageId(now), config: defaultConfig() },
  );
  if (!a.ok) throw new Error('accept failed');
  await store.insertMessages([a.message]);
  expect(await store.cancelMessage(tenant, a.message.id, now)).toBe('canceled');
  return a.message.id;
}

describe('CallbackSender', () => {
  it('POSTs the outbox row signed with the tenant secret, once', async () => {
    const id = await owedCallback();
    const s = sender();
    expect(await s.runOnce()).toEqual({ claimed: 1, delivered: 1, retried: 0, deferred: 0, abandoned: 0 });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(verifySignature(SECRET, r.body, r.headers['x-denpa-signature'] as string)).toBe(true);
    expect(r.headers['x-denpa-event-id']).toBe(`${id}.canceled`);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toMatchObject({ id, status: 'canceled', client_ref: 'ref-1', to: '819012345678', category: 'notice', segments: 1 });
    expect(await s.runOnce()).toMatchObject({ claimed: 0 });
    expect(await store.pendingCallbackCount()).toBe(0);
  });

  it('retries with exponential back-off on errors until the receiver answers 2xx', async () => {
    await owedCallback();
    answers = [500, 503, 200];
    const s = sender();
    expect(await s.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    // Nothing is due before the first back-off (500..1000 ms) has passed.
    clock.advance(499);
    expect(await s.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(501);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    // Second back-off: 1000..2000 ms.
    clock.advance(999);
    expect(await s.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1001);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(received).toHaveLength(3);
    // The same bytes and signature every time.
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(new Set(received.map((r) => r.headers['x-denpa-signature'])).size).toBe(1);
  });

  it('retries when the receiver is down (connection refused)', async () => {
    await owedCallback();
    // A port that was just free: nothing listens there.
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/hook`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const targets = [deadUrl];
    const s = sender({
      post: async (_u, body, headers, t) => {
        const res = await request(targets.shift() ?? url, { method: 'POST', body, headers, headersTimeout: t, bodyTimeout: t });
        await res.body.dump();
        return { status: res.statusCode };
      },
    });
    const first = await s.runOnce();
    expect(first).toMatchObject({ claimed: 1, retried: 1 });
    expect(received).toHaveLength(0);
    clock.advance(1000);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(received).toHaveLength(1);
  });

  it('a receiver that never answers times out and is retried; other callbacks are not held up', async () => {
    const hanging = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const hangUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
    try {
      await owedCallback('default', 'fast');
      const slowId = await owedCallback('default', 'slow');
      const s = sender({
        policy: { ...policy, timeoutMs: 1500 },
        post: async (u, body, headers, t) => {
          const target = JSON.parse(body).id === slowId ? hangUrl : u;
          const res = await request(target, { method: 'POST', body, headers, headersTimeout: t, bodyTimeout: t, signal: AbortSignal.timeout(t) });
          await res.body.dump();
          return { status: res.statusCode };
        },
      });
      const started = Date.now();
      expect(await s.runOnce()).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(received.map((r) => JSON.parse(r.body).client_ref)).toEqual(['fast']);
      expect(await store.pendingCallbackCount()).toBe(1);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('abandons a callback past its maximum age', async () => {
    await owedCallback();
    answers = Array(100).fill(500);
    const s = sender();
    let abandoned = 0;
    // Bounded: at most 20 rounds of the longest back-off.
    for (let i = 0; i < 20 && abandoned === 0; i++) {
      const r = await s.runOnce();
      abandoned += r.abandoned;
      clock.advance(policy.maxDelayMs);
    }
    expect(abandoned).toBe(1);
    expect(await store.pendingCallbackCount()).toBe(0);
    // Every attempt happened within the 60 s maximum age.
    expect(received.length).toBeGreaterThan(3);
    expect(received.length).toBeLessThan(15);
  });

  it('abandons a callback for a tenant that is no longer configured', async () => {
    await owedCallback('gone-tenant');
    const s = sender();
    expect(await s.runOnce()).toMatchObject({ claimed: 1, abandoned: 1 });
    expect(received).toHaveLength(0);
  });

  it('loses nothing across a restart: a pending callback is sent by the next process', async () => {
    await owedCallback();
    answers = [500];
    const first = sender();
    expect(await first.runOnce()).toMatchObject({ retried: 1 });
    await first.close();
    await store.close();
    store = await openSqliteStore({ dataDir });
    expect(await store.pendingCallbackCount()).toBe(1);
    clock.advance(2000);
    const second = sender();
    expect(await second.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(received).toHaveLength(2);
  });

  it('a crash mid-send leaves the row leased, then sends it again when the lease ends', async () => {
    await owedCallback();
    // Claim as a process that dies before answering: nothing is marked.
    const claimed = await store.claimDueCallbacks(clock.now(), 10, policy.timeoutMs * 2 + 1000);
    expect(claimed).toHaveLength(1);
    const s = sender();
    expect(await s.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(policy.timeoutMs * 2 + 1000);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
  });

  it('wake() sends a callback committed while a claim was running, without waiting for the next poll', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let claims = 0;
    let claimed!: () => void;
    const firstClaim = new Promise<void>((r) => (claimed = r));
    // The first claim reads (nothing is owed yet), then is held until the row below is committed.
    const gated = new Proxy(store, {
      get(target, key) {
        if (key === 'claimDueCallbacks') {
          return async (...args: Parameters<SqliteStore['claimDueCallbacks']>) => {
            claims++;
            if (claims === 1) claimed();
            const jobs = await target.claimDueCallbacks(...args);
            if (claims === 1) await gate;
            return jobs;
          };
        }
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const s = sender({ store: gated });
    s.start();
    await firstClaim;
    expect(claims).toBe(1);
    const id = await owedCallback();
    s.wake();
    release();
    // The ManualClock never moves: the poll timer cannot fire, only the wake can bring the callback.
    if (received.length === 0) await once(arrivals, 'received');
    expect(received.map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual([id]);
  });

  it('runs in the background with bounded concurrency until closed', async () => {
    for (let i = 0; i < 10; i++) await owedCallback('default', `r${i}`);
    let concurrent = 0;
    let peak = 0;
    let posted = 0;
    const posts = new EventEmitter();
    const s = sender({
      post: async () => {
        concurrent++;
        peak = Math.max(peak, concurrent);
        // A receiver that takes a moment, so that posts overlap.
        await new Promise((r) => setTimeout(r, 5));
        concurrent--;
        if (++posted === 10) posts.emit('all');
        return { status: 204 };
      },
    });
    s.start();
    // The background loop claims as slots free up; wait for the tenth answer, then for its bookkeeping.
    if (posted < 10) await once(posts, 'all');
    await s.close();
    expect(await store.pendingCallbackCount()).toBe(0);
    expect(peak).toBeLessThanOrEqual(policy.concurrency);
    expect(peak).toBeGreaterThan(1);
  });

  it('a black-holed origin holds its own bound only: every callback to a healthy origin beside it is delivered while it never answers', async () => {
    // Accepts and reads, never answers (the sender's timeout is far beyond the test).
    let holeRequests = 0;
    const hole = createServer(() => void holeRequests++);
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const holeUrl = `http://127.0.0.1:${(hole.address() as AddressInfo).port}/hook`;
    try {
      // The black hole's callbacks are older: a sender without per-origin bounds claims them first and fills every slot.
      for (let i = 0; i < 12; i++) await owedCallback('default', `hole-${i}`, holeUrl);
      clock.advance(1);
      for (let i = 0; i < 20; i++) await owedCallback('default', `ok-${i}`);
      const s = sender({ policy: { ...policy, concurrency: 4, perOriginConcurrency: 2, timeoutMs: 600_000 } });
      s.start();
      // Bounded by the test's timeout: all twenty arrive although the black hole never answers.
      while (received.length < 20) await once(arrivals, 'received');
      expect(received.map((r) => JSON.parse(r.body).client_ref).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ok-${i}`).sort());
      // The black hole got its bound (2 in flight) and nothing more.
      expect(holeRequests).toBeLessThanOrEqual(2);
    } finally {
      // Stop listening, then drop the held requests: they fail at once (and later attempts are refused).
      const closed = new Promise<void>((resolve) => hole.close(() => resolve()));
      hole.closeAllConnections();
      await closed;
    }
  });

  it('an origin answering 500 backs off alone: its callbacks wait, the healthy origin\'s are delivered, one probe per back-off', async () => {
    let failingRequests = 0;
    const failing = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        failingRequests++;
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const failUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
    try {
      for (let i = 0; i < 6; i++) await owedCallback('default', `bad-${i}`, failUrl);
      clock.advance(1);
      for (let i = 0; i < 3; i++) await owedCallback('default', `ok-${i}`);
      const s = sender({ policy: { ...policy, concurrency: 8, perOriginConcurrency: 4 } });
      // One round: up to 4 at a time to the failing origin (its bound); the third failure in a row backs it off
      // and what it still had queued is deferred unsent. The healthy 2 that fit are delivered.
      const first = await s.runOnce();
      expect(first).toMatchObject({ claimed: 8, delivered: 2, abandoned: 0 });
      expect(first.retried).toBe(failingRequests);
      expect(first.retried + first.deferred).toBe(6);
      expect(failingRequests).toBeGreaterThanOrEqual(3);
      const sentInFirst = failingRequests;
      // Still backing off: the claim skips the failing origin and finds the healthy one's last callback.
      expect(await s.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(received).toHaveLength(3);
      expect(failingRequests).toBe(sentInFirst);
      // After the back-off (at most initialDelayMs) every failing row is due, but only a single probe goes out;
      // it fails and the origin backs off again, the others deferred unsent.
      clock.advance(policy.initialDelayMs);
      const probe = await s.runOnce();
      expect(probe).toMatchObject({ claimed: 6, retried: 1, deferred: 5, delivered: 0 });
      expect(failingRequests).toBe(sentInFirst + 1);
      // Backing off: the claims skip the origin although its rows are due.
      expect(await s.runOnce()).toMatchObject({ claimed: 0 });
      // The second back-off is up to twice as long; then one more probe.
      clock.advance(2 * policy.initialDelayMs);
      expect(await s.runOnce()).toMatchObject({ retried: 1 });
      expect(failingRequests).toBe(sentInFirst + 2);
      expect(await store.pendingCallbackCount()).toBe(6);
    } finally {
      failing.closeAllConnections();
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('writes the bookkeeping of many answers in few store writes', async () => {
    for (let i = 0; i < 40; i++) await owedCallback('default', `r${i}`);
    let settleCalls = 0;
    let settled = 0;
    const counted = new Proxy(store, {
      get(target, key) {
        if (key === 'settleCallbacks') {
          return async (...args: Parameters<SqliteStore['settleCallbacks']>) => {
            settleCalls++;
            settled += args[0].length;
            return target.settleCallbacks(...args);
          };
        }
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const s = sender({ store: counted, policy: { ...policy, concurrency: 40, perOriginConcurrency: 40 } });
    expect(await s.runOnce()).toMatchObject({ claimed: 40, delivered: 40 });
    expect(settled).toBe(40);
    // One write runs at a time; the answers that come meanwhile share the next one.
    expect(settleCalls).toBeLessThan(40);
    expect(await store.pendingCallbackCount()).toBe(0);
  });

  it('reports the outbox depth and the state-to-2xx latency by category in the metrics exposition', async () => {
    await owedCallback('default', 'otp-1', url, 'otp');
    await owedCallback('default', 'notice-1', url, 'notice');
    const metrics = new CoreMetrics();
    const s = sender({ metrics });
    const before = (await metrics.exposition()).body;
    expect(before).toMatch(/^denpa_callback_outbox 2$/m);
    // The callbacks were committed at the clock's now; the receiver answers 250 ms later on the ManualClock.
    clock.advance(250);
    expect(await s.runOnce()).toMatchObject({ delivered: 2 });
    const after = (await metrics.exposition()).body;
    expect(after).toMatch(/^denpa_callback_outbox 0$/m);
    expect(after).toMatch(/^denpa_callback_latency_seconds_count\{category="otp"\} 1$/m);
    expect(after).toMatch(/^denpa_callback_latency_seconds_bucket\{le="0.1",category="otp"\} 0$/m);
    expect(after).toMatch(/^denpa_callback_latency_seconds_bucket\{le="0.25",category="otp"\} 1$/m);
    expect(after).toMatch(/^denpa_callback_latency_seconds_sum\{category="notice"\} 0.25$/m);
  });
});
