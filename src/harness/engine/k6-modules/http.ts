// k6/http for the built-in engine: `asyncRequest` (and verb helpers returning
// Promises under the async names) over the engine's keep-alive connection
// pool, with k6's built-in HTTP metrics and tags.
//
// Timings are k6's (http-timings.ts): blocked, connecting, tls_handshaking,
// sending, waiting and receiving from undici's dispatch hooks
// (http-exchange.ts), and http_req_duration = sending + waiting + receiving,
// which leaves out the wait for a connection and the hop back to the script.
// data_sent is the request line, header lines and body as built here (undici
// adds host and connection headers); data_received the status line, header
// lines and body bytes as read.

import { UnsupportedApiError } from '../errors.ts';
import { exchange } from './http-exchange.ts';
import type { EngineRuntime, VuState } from '../runtime.ts';
import { vuTags } from '../runtime.ts';

type Body = string | ArrayBuffer | Uint8Array | Record<string, unknown> | null | undefined;

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: (status: number) => boolean;
  redirects?: number;
}

export interface K6Response {
  status: number;
  status_text: string;
  proto: string;
  url: string;
  body: string | ArrayBuffer | null;
  headers: Record<string, string>;
  timings: { blocked: number; connecting: number; tls_handshaking: number; sending: number; waiting: number; receiving: number; duration: number };
  error: string;
  error_code: number;
  remote_ip: string;
  remote_port: number;
  cookies: Record<string, never>;
  request: { method: string; url: string; headers: Record<string, string[]>; body: string };
  json(selector?: string): unknown;
}

const EXPECTED_FN = Symbol('k6.expectedStatuses');

type ExpectedCallback = ((status: number) => boolean) & { [EXPECTED_FN]?: true };

/** `http.expectedStatuses(200, {min: 300, max: 399})`. */
export function expectedStatuses(...ranges: Array<number | { min: number; max: number }>): ExpectedCallback {
  for (const r of ranges) {
    if (typeof r !== 'number' && !(r && typeof r.min === 'number' && typeof r.max === 'number')) {
      throw new TypeError('http.expectedStatuses takes status numbers or {min, max} objects');
    }
  }
  const fn: ExpectedCallback = (status: number) => ranges.some((r) => (typeof r === 'number' ? status === r : status >= r.min && status <= r.max));
  fn[EXPECTED_FN] = true;
  return fn;
}

const DEFAULT_EXPECTED = expectedStatuses({ min: 200, max: 399 });

function parseTimeoutMs(t: string | number | undefined): number {
  if (t === undefined) return 60_000;
  if (typeof t === 'number') return t;
  const m = /^([0-9.]+)(ms|s|m)?$/.exec(t.trim());
  if (!m) throw new TypeError(`http params.timeout "${t}" is not a duration`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_s, dash: string, c: string) => dash + c.toUpperCase());
}

function encodeBody(body: Body, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof Uint8Array) return body;
  // k6 sends a plain object as a form.
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

function errorCode(err: unknown): { code: number; message: string } {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const c = e.code ?? e.cause?.code ?? '';
  // k6's error codes (docs "Error codes"): 1050 request timeout, 1212 connection refused, 1220 reset by peer.
  if (c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'UND_ERR_CONNECT_TIMEOUT') return { code: 1050, message: 'request timeout' };
  if (c === 'ECONNREFUSED') return { code: 1212, message: `dial: connection refused` };
  if (c === 'ECONNRESET' || c === 'UND_ERR_SOCKET') return { code: 1220, message: 'connection reset by peer' };
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return { code: 1101, message: 'lookup: no such host' };
  return { code: 1000, message: e.message ?? String(err) };
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function jsonOf(body: string | ArrayBuffer | null, selector?: string): unknown {
  if (body === null) throw new Error('the response has no body (responseType "none")');
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const value: unknown = JSON.parse(text);
  if (!selector) return value;
  // A small subset of k6's gjson selectors: dotted paths and array indexes (`a.b.0.c`).
  let cur: unknown = value;
  for (const part of selector.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The k6/http module of one VU. */
export function createHttpModule(rt: EngineRuntime, vu: VuState): Record<string, unknown> {
  const b = rt.builtin;

  async function asyncRequest(method: string, url: string, body?: Body, params?: Params | null): Promise<K6Response> {
    if (vu.phase === 'init') throw new Error('making HTTP requests in the init context is not supported (k6 forbids it too)');
    const p = params ?? {};
    const m = String(method).toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.headers ?? {})) headers[canonicalHeader(k)] = String(v);
    const payload = encodeBody(body, headers);
    const payloadBytes = payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    const timeoutMs = parseTimeoutMs(p.timeout);
    const responseType = p.responseType ?? 'text';
    let target: URL | undefined;
    try {
      target = new URL(url);
    } catch {
      target = undefined;
    }
    const out = target
      ? await exchange(rt.connections, { url: target, method: m, headers, body: payload, timeoutMs, keepBody: responseType !== 'none' }, rt.now)
      : undefined;
    let status = out?.status ?? 0;
    const rawHeaders = out?.headers ?? {};
    const received = out?.bytesReceived ?? 0;
    const timings = out?.timings ?? { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
    let errorText = '';
    let code = 0;
    if (!out || out.error !== undefined) {
      const e = out ? errorCode(out.error) : { code: 1000, message: `invalid URL "${url}"` };
      code = e.code;
      errorText = e.message;
      status = 0;
    }
    const respBody: string | ArrayBuffer | null = !out?.body ? null : responseType === 'binary' ? toArrayBuffer(out.body) : out.body.toString('utf8');
    const expected = status !== 0 && (p.responseCallback ?? rt.expectedStatus ?? DEFAULT_EXPECTED)(status);
    const name = p.tags?.name ?? url;
    const base = vuTags(vu);
    const tags: Record<string, string> = { ...base, method: m, url, name, status: String(status), expected_response: expected ? 'true' : 'false', proto: 'HTTP/1.1', ...(p.tags ?? {}) };
    if (code !== 0) tags.error_code = String(code);
    const { duration } = timings;
    rt.emit(b.http_reqs, 1, tags);
    rt.emit(b.http_req_duration, duration, tags);
    // Coordinated omission: from when the iteration should have started to the
    // response, so the wait for a connection and a late start both count.
    rt.emit(b.http_req_duration_intended, timings.blocked + duration + Math.max(0, vu.startMs - vu.intendedStartMs), tags);
    rt.emit(b.http_req_blocked, timings.blocked, tags);
    rt.emit(b.http_req_connecting, timings.connecting, tags);
    rt.emit(b.http_req_tls_handshaking, timings.tls_handshaking, tags);
    rt.emit(b.http_req_sending, timings.sending, tags);
    rt.emit(b.http_req_waiting, timings.waiting, tags);
    rt.emit(b.http_req_receiving, timings.receiving, tags);
    rt.emit(b.http_req_failed, expected ? 0 : 1, tags);
    const sent = m.length + url.length + 11 + Object.entries(headers).reduce((a, [k, v]) => a + k.length + v.length + 4, 0) + payloadBytes;
    rt.emit(b.data_sent, sent, base);
    if (received > 0) rt.emit(b.data_received, received, base);
    if (!expected) rt.countError();
    return {
      status,
      // k6's form: "202 Accepted".
      status_text: status ? `${status} ${out?.statusText ?? ''}`.trim() : '',
      proto: 'HTTP/1.1',
      url,
      body: respBody,
      // Canonical header names are built only if the script reads them.
      get headers(): Record<string, string> {
        const out: Record<string, string> = {};
        for (const k in rawHeaders) {
          const v = rawHeaders[k];
          if (v !== undefined) out[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : v;
        }
        Object.defineProperty(this, 'headers', { value: out, enumerable: true });
        return out;
      },
      timings: { ...timings },
      error: errorText,
      error_code: code,
      remote_ip: '',
      remote_port: 0,
      cookies: {},
      request: { method: m, url, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), body: typeof payload === 'string' ? payload : '' },
      json: (selector?: string) => jsonOf(respBody, selector),
    };
  }

  const syncUnsupported = (name: string) => () => {
    throw new UnsupportedApiError(`http.${name}`, 'synchronous requests block a VU; use `await http.asyncRequest(method, url, body, params)`');
  };
  const unsupported = (name: string) => () => {
    throw new UnsupportedApiError(`http.${name}`);
  };
  const setResponseCallback = (cb: ((status: number) => boolean) | null): void => {
    rt.expectedStatus = cb;
  };
  const mod: Record<string, unknown> = {
    asyncRequest,
    expectedStatuses,
    setResponseCallback,
    request: syncUnsupported('request'),
    get: syncUnsupported('get'),
    post: syncUnsupported('post'),
    put: syncUnsupported('put'),
    patch: syncUnsupported('patch'),
    del: syncUnsupported('del'),
    head: syncUnsupported('head'),
    options: syncUnsupported('options'),
    batch: unsupported('batch'),
    url: unsupported('url'),
    file: unsupported('file'),
    cookieJar: unsupported('cookieJar'),
  };
  mod.default = mod;
  return mod;
}

/** Members of k6/http the engine implements (the bundle check refuses the others at once). */
export const HTTP_SUPPORTED = ['asyncRequest', 'expectedStatuses', 'setResponseCallback'] as const;
