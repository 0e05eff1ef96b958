// One HTTP exchange at undici's dispatch level, timed the way k6 times it.
//
// undici's request() resolves a Promise when the headers are parsed and
// hands the body over as a stream; timing around it adds what k6 leaves out
// of http_req_duration: building the request and waiting for a connection
// (k6's http_req_blocked) before, and promise and stream hops after. Those
// cost ~0.5 ms per request on a 2-core machine (docs/k6.md). Here the
// instants come from the dispatch handler's hooks, called by undici's HTTP/1
// client where they happen: onConnect (the request got its socket),
// onRequestSent (the last byte written), onResponseStarted (the first
// response byte parsed), onComplete (the last body byte).
//
// These are undici's "legacy" handler hooks (still called by undici 7's core
// Request, which package.json pins); the newer onRequestStart/onResponseStart
// interface has no hook for "request written" or "first byte".

import type { Dispatcher } from 'undici';
import type { ConnectionPool, Dial } from '../connection-pool.ts';
import { type PhaseTimings, phaseTimings } from './http-timings.ts';

export interface ExchangeRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | undefined;
  readonly timeoutMs: number;
  /** false: count the body's bytes but do not keep them (responseType 'none'). */
  readonly keepBody: boolean;
}

export interface ExchangeOutcome {
  /** 0 when no response came. */
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers as arrays. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | null;
  /** Status line, header lines and body bytes as read. */
  readonly bytesReceived: number;
  readonly error: unknown;
  readonly timings: PhaseTimings;
  /** When the exchange ended (engine clock, ms). */
  readonly doneAt: number;
}

/** undici's legacy dispatch handler, with the two hooks its types leave out. */
interface TimedHandler extends Dispatcher.DispatchHandler {
  onRequestSent(): void;
}

class Exchange implements TimedHandler {
  private readonly requestedAt: number;
  private gotSocketAt: number | undefined;
  private dial: Dial | undefined;
  private sentAt: number | undefined;
  private firstByteAt: number | undefined;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string | string[]> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private done = false;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly now: () => number,
    private readonly keepBody: boolean,
    private readonly settle: (o: ExchangeOutcome) => void,
  ) {
    this.requestedAt = now();
  }

  onConnect(): void {
    // Called again when undici retries the request on another socket: the last one counts.
    this.gotSocketAt = this.now();
    this.dial = this.pool.takeDial();
    this.sentAt = undefined;
    this.firstByteAt = undefined;
  }

  onRequestSent(): void {
    this.sentAt = this.now();
  }

  onResponseStarted(): void {
    this.firstByteAt ??= this.now();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    let bytes = 'HTTP/1.1 000 \r\n\r\n'.length + statusText.length;
    const headers: Record<string, string | string[]> = {};
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = (rawHeaders[i] as Buffer).toString('latin1');
      const value = (rawHeaders[i + 1] as Buffer).toString('latin1');
      bytes += name.length + value.length + 4;
      const key = name.toLowerCase();
      const had = headers[key];
      headers[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
    this.bytes += bytes;
    // 1xx informational answers precede the real one; their headers are not the response's.
    if (statusCode >= 200) {
      this.status = statusCode;
      this.statusText = statusText;
      this.headers = headers;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.byteLength;
    if (this.keepBody) this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(undefined);
  }

  onError(err: Error): void {
    this.finish(err);
  }

  onUpgrade(): void {
    this.finish(new Error('the server switched protocols, which k6/http requests do not support'));
  }

  private finish(error: unknown): void {
    if (this.done) return;
    this.done = true;
    const doneAt = this.now();
    const timings = phaseTimings({ requestedAt: this.requestedAt, gotSocketAt: this.gotSocketAt, dial: this.dial, sentAt: this.sentAt, firstByteAt: this.firstByteAt, doneAt });
    const ok = error === undefined;
    const outcome: ExchangeOutcome = {
      status: ok ? this.status : 0,
      statusText: ok ? this.statusText : '',
      headers: ok ? this.headers : {},
      body: ok && this.keepBody ? Buffer.concat(this.chunks) : null,
      bytesReceived: this.bytes,
      error,
      timings,
      doneAt,
    };
    // Hand the outcome over only once undici has freed the connection: with
    // pipelining 1 it waits one loop turn (a setImmediate queued right after
    // this hook returns) before reusing a socket; a script resumed earlier
    // finds the connection busy and opens another. The microtask runs after
    // undici's code that follows this hook, so this immediate comes after its
    // own. The instants are already taken: the hand-over is not timed.
    queueMicrotask(() => setImmediate(this.settle, outcome));
  }
}

/** Send one request through the pool; never rejects (a failure is in `error`). */
export function exchange(pool: ConnectionPool, req: ExchangeRequest, now: () => number): Promise<ExchangeOutcome> {
  return new Promise((settle) => {
    const handler = new Exchange(pool, now, req.keepBody, settle);
    // A dispatch that throws (bad options, closed agent) reaches onError.
    pool.dispatcher.dispatch(
      {
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body ?? null,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      },
      handler,
    );
  });
}
