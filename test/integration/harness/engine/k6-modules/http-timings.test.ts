// The built-in engine's HTTP phases against a real server on 127.0.0.1 that
// holds its headers and then its body for known times: waiting follows the
// header delay, receiving the body delay, duration is their sum with sending,
// and the wait for a connection (a dial, a busy pool) is blocked, not
// duration, as in k6. Timers never fire early, but late on a busy machine:
// the upper bounds are loose.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../../../../src/harness/engine/connection-pool.ts';
import { exchange, type ExchangeOutcome } from '../../../../../src/harness/engine/k6-modules/http-exchange.ts';
import { runScript } from '../../../../../src/harness/engine/index.ts';

const HEADER_DELAY_MS = 60;
const BODY_DELAY_MS = 40;
const LATE_MS = 40; // how late a timer may fire on a loaded 2-core machine
const BODY = JSON.stringify({ status: 'accepted', pad: 'x'.repeat(200) });

let server: Server;
let base = '';
let dir = '';
let connections = 0;
const now = (): number => performance.timeOrigin + performance.now();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const h = Number(url.searchParams.get('h') ?? 0);
      const b = Number(url.searchParams.get('b') ?? 0);
      setTimeout(() => {
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
        res.flushHeaders();
        setTimeout(() => res.end(BODY), b);
      }, h);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
  dir = mkdtempSync(join(tmpdir(), 'denpa-http-timings-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

let pool: ConnectionPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function send(p: ConnectionPool, path: string, keepBody = true): Promise<ExchangeOutcome> {
  return exchange(p, { url: new URL(path, base), method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"09012345678"}', timeoutMs: 10_000, keepBody }, now);
}

describe('HTTP exchange timings', () => {
  it('waiting is the header delay, receiving the body delay, duration their sum with sending; the dial is blocked and connecting', async () => {
    pool = new ConnectionPool({ connections: 4, keepAliveTimeoutMs: 10_000, now });
    const before = connections;
    // The first request dials (and runs cold code: its phases may be skewed by
    // compilation); the next two are the ones whose phases are checked.
    const first = await send(pool, `/?h=${HEADER_DELAY_MS}&b=${BODY_DELAY_MS}`);
    const warm = [await send(pool, `/?h=${HEADER_DELAY_MS}&b=${BODY_DELAY_MS}`), await send(pool, `/?h=${HEADER_DELAY_MS}&b=${BODY_DELAY_MS}`)];
    expect(connections - before).toBe(1);
    for (const r of [first, ...warm]) {
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(202);
      expect(r.statusText).toBe('Accepted');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body?.toString('utf8')).toBe(BODY);
      expect(r.bytesReceived).toBeGreaterThan(Buffer.byteLength(BODY) + 40);
      const t = r.timings;
      expect(t.duration).toBeCloseTo(t.sending + t.waiting + t.receiving, 9);
      expect(t.waiting + t.receiving).toBeGreaterThanOrEqual(HEADER_DELAY_MS + BODY_DELAY_MS - 1);
    }
    for (const { timings: t } of warm) {
      expect(t.waiting).toBeGreaterThanOrEqual(HEADER_DELAY_MS - 1);
      expect(t.waiting).toBeLessThan(HEADER_DELAY_MS + LATE_MS);
      expect(t.receiving).toBeGreaterThanOrEqual(BODY_DELAY_MS - 1);
      expect(t.receiving).toBeLessThan(BODY_DELAY_MS + LATE_MS);
      expect(t.sending).toBeGreaterThanOrEqual(0);
      expect(t.sending).toBeLessThan(LATE_MS);
      expect(t.connecting).toBe(0);
    }
    // Only the request that opened the connection waited for a dial.
    expect(first.timings.connecting).toBeGreaterThan(0);
    expect(first.timings.blocked).toBeGreaterThanOrEqual(first.timings.connecting);
  });

  it('a request queued behind a busy connection counts the queue as blocked, not as duration', async () => {
    pool = new ConnectionPool({ connections: 1, keepAliveTimeoutMs: 10_000, now });
    const [a, b] = await Promise.all([send(pool, `/?h=${HEADER_DELAY_MS}`), send(pool, `/?h=${HEADER_DELAY_MS}`)]);
    const [early, late] = (a as ExchangeOutcome).timings.blocked <= (b as ExchangeOutcome).timings.blocked ? [a, b] : [b, a];
    expect(late?.timings.blocked).toBeGreaterThanOrEqual(HEADER_DELAY_MS - 1);
    for (const r of [early, late]) {
      expect(r?.timings.waiting).toBeGreaterThanOrEqual(HEADER_DELAY_MS - 1);
      expect(r?.timings.duration).toBeLessThan(HEADER_DELAY_MS + LATE_MS);
    }
  });

  it("responseType 'none' counts the body's bytes without keeping them", async () => {
    pool = new ConnectionPool({ connections: 1, keepAliveTimeoutMs: 10_000, now });
    const r = await send(pool, '/', false);
    expect(r.status).toBe(202);
    expect(r.body).toBeNull();
    expect(r.bytesReceived).toBeGreaterThan(Buffer.byteLength(BODY));
  });

  it('a refused connection ends with an error and no duration, as in k6', async () => {
    pool = new ConnectionPool({ connections: 1, keepAliveTimeoutMs: 10_000, now });
    const r = await exchange(pool, { url: new URL('http://127.0.0.1:1/'), method: 'GET', headers: {}, body: undefined, timeoutMs: 5_000, keepBody: true }, now);
    expect(r.status).toBe(0);
    expect((r.error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(r.timings.duration).toBe(0);
  });
});

describe('runScript HTTP metrics', () => {
  it("emits k6's phase metrics and res.timings with duration = sending + waiting + receiving", async () => {
    const path = join(dir, 'phases.ts');
    writeFileSync(
      path,
      `
      import http from 'k6/http';
      import { check } from 'k6';
      export const options = { vus: 1, iterations: 4 };
      export default async function () {
        const res = await http.asyncRequest('POST', __ENV.BASE + '/?h=${HEADER_DELAY_MS}&b=${BODY_DELAY_MS}', '{}');
        const t = res.timings;
        check(res, {
          'sum of phases': () => Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 1e-9,
          'status text': (r) => r.status_text === '202 Accepted',
        });
      }
      `,
    );
    const out = await runScript({ scriptPath: path, env: { BASE: base }, log: () => undefined });
    const m = out.summary.metrics;
    expect(m.checks?.values).toMatchObject({ rate: 1, passes: 8 });
    const med = (name: string): number => m[name]?.values.med ?? Number.NaN;
    expect(med('http_req_waiting')).toBeGreaterThanOrEqual(HEADER_DELAY_MS - 1);
    expect(med('http_req_waiting')).toBeLessThan(HEADER_DELAY_MS + LATE_MS);
    expect(med('http_req_receiving')).toBeGreaterThanOrEqual(BODY_DELAY_MS - 1);
    expect(med('http_req_receiving')).toBeLessThan(BODY_DELAY_MS + LATE_MS);
    // One dial for four requests on one VU; it lands in blocked and connecting only.
    expect(m.http_req_connecting?.values.max).toBeGreaterThan(0);
    expect(m.http_req_connecting?.values.min).toBe(0);
    expect(m.http_req_blocked?.values.max).toBeGreaterThanOrEqual(m.http_req_connecting?.values.max as number);
    expect(m.http_req_duration?.values.max).toBeLessThan(HEADER_DELAY_MS + BODY_DELAY_MS + 2 * LATE_MS);
  }, 20_000);
});
