// An open-loop HTTP load at a fixed rate, for bench/core-e2e.ts: request i
// is due at t0 + i / rate whatever happened to the ones before it, and its
// latency is measured from that intended start, so a stall counts for every
// request it delayed (no coordinated omission).
//
// Two things would otherwise be charged to the server:
// - the client's own CPU: it shares the machine's two cores with the core
//   and the simulator, so requests go through undici's dispatch() with a
//   bare handler (no promise, no body stream per request) and bodies are
//   built before the clock starts;
// - the client's connection limit: with pipelining 1, N connections carry at
//   most N / latency requests a second (64 connections at 3,000/s: 21 ms), and
//   past that requests queue inside the client. The pool is sized so that
//   this does not happen at the rates we measure, and the requests sent while
//   every connection was taken are counted and printed, so a reader can see
//   when it did.
import hdr from 'hdr-histogram-js';
import type { Dispatcher, Pool } from 'undici';

export interface OpenLoopOptions {
  readonly pool: Pool;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Requests per second. */
  readonly rate: number;
  /** One body per request, in order; their count is the number of requests. */
  readonly bodies: readonly string[];
  /** The status a success answers with. */
  readonly okStatus: number;
  /** The pool's connection count (pipelining 1): more requests in flight than this queue in the client. */
  readonly connections: number;
  /** Told each request's index and intended start (ms since epoch) as it is sent (bench/callbacks.ts measures from it). */
  readonly onSend?: (i: number, intendedEpochMs: number) => void;
}

export interface OpenLoopResult {
  /** Microseconds from each request's intended start to the last byte of its answer. */
  readonly latency: hdr.Histogram;
  readonly done: number;
  /** Answers with another status, and requests that failed. */
  readonly bad: number;
  /** Slowest latency (µs) per second of intended start. */
  readonly worstBySecond: number[];
  readonly elapsedSeconds: number;
  /** Most requests in flight at once, and how many were sent while every connection was taken (they queued in the client). */
  readonly inFlight: { readonly max: number; readonly queuedInClient: number };
}

/** Bounded: `bodies.length` requests, each with undici's own timeouts. */
export function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const total = o.bodies.length;
  const worstBySecond: number[] = [];
  let done = 0;
  let bad = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let queuedInClient = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const finish = (intended: number, ok: boolean): void => {
      const us = Math.max(1, Math.round((performance.now() - intended) * 1000));
      latency.recordValue(us);
      const sec = Math.floor((intended - t0) / 1000);
      worstBySecond[sec] = Math.max(worstBySecond[sec] ?? 0, us);
      if (!ok) bad++;
      inFlight--;
      if (++done === total) {
        resolve({ latency, done, bad, worstBySecond, elapsedSeconds: (performance.now() - t0) / 1000, inFlight: { max: maxInFlight, queuedInClient } });
      }
    };
    const send = (i: number): void => {
      const intended = t0 + (i / o.rate) * 1000;
      o.onSend?.(i, performance.timeOrigin + intended);
      if (inFlight >= o.connections) queuedInClient++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      let status = 0;
      let settled = false;
      const end = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        finish(intended, ok && status === o.okStatus);
      };
      // undici's dispatch handler (its hooks are called as the exchange proceeds).
      const handler = {
        onConnect: () => {},
        onHeaders: (statusCode: number) => {
          status = statusCode;
          return true;
        },
        onData: () => true,
        onComplete: () => end(true),
        onError: () => end(false),
      };
      o.pool.dispatch({ method: 'POST', path: o.path, headers: o.headers, body: o.bodies[i] }, handler as unknown as Dispatcher.DispatchHandler);
    };
    let sent = 0;
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.rate));
      for (; sent < due; sent++) send(sent);
      if (sent < total) setTimeout(tick, 1);
    };
    if (total === 0) resolve({ latency, done, bad, worstBySecond, elapsedSeconds: 0, inFlight: { max: 0, queuedInClient: 0 } });
    else tick();
  });
}
