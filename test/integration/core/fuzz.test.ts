// Thousands of malformed and hostile requests from a seeded generator:
// wrong types, huge bodies, bad JSON, bad numbers, bad UTF-8, prototype
// pollution keys, deep nesting, bad headers. Every answer must be a 4xx
// problem+json, the process must keep answering, and nothing is stored.
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorHandler } from '../../../src/core/api/index.ts';
import { SeededRandom, type Random } from '../../../src/runtime/index.ts';
import { auth, startTestCore, testConfig, type TestCore } from './api/harness.ts';

const REQUESTS = 3000;
const SEED = 20260601;

interface Hostile {
  kind: string;
  method: 'POST' | 'GET' | 'DELETE' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const pick = <T>(r: Random, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)]!;

const VALID = { to: '09012345678', text: 'code 123456', category: 'otp' };
const FIELDS = ['to', 'text', 'category', 'sender', 'callback_url', 'client_ref', 'ttl_seconds', 'scheduled_at', 'notify_submitted'] as const;

/** A value of the wrong type (or shape) for a field. */
function wrongValue(r: Random, field: string): unknown {
  const wrongForString = [0, -1, 1e308, true, false, null, [], [VALID.to], {}, { $gt: '' }];
  const wrongForNumber = ['60', '', 'NaN', -5, 0, 1.5, 1e20, true, null, [], {}];
  const wrongForBool = ['true', 1, 0, null, [], {}];
  if (field === 'ttl_seconds') return pick(r, wrongForNumber);
  if (field === 'notify_submitted') return pick(r, wrongForBool);
  if (field === 'scheduled_at') return pick(r, [true, null, [], {}, -1, 'yesterday', '2026-13-45T99:99:99Z', '9'.repeat(30)]);
  if (field === 'category') return pick(r, ['OTP', 'sms', '', 'otp ', 0, null, ['otp'], { otp: 1 }]);
  if (field === 'to') return pick(r, [...wrongForString, 'x'.repeat(40)]);
  if (field === 'text') return pick(r, [...wrongForString, '', 'x'.repeat(1531), 'あ'.repeat(671), '😀'.repeat(336)]);
  if (field === 'callback_url') return pick(r, [...wrongForString, 'javascript:alert(1)', 'file:///etc/passwd', 'http://user:pw@h/x', 'no url']);
  if (field === 'sender') return pick(r, [...wrongForString, 'x'.repeat(21), 'é', '\u0000']);
  return pick(r, wrongForString);
}

const BAD_NUMBERS = [
  '0312345678',
  '0612345678',
  '020-1234-5678',
  '050-1234-5678',
  '0120-123-456',
  '090123456',
  '0901234567890',
  '+1 202 555 0100',
  '+44 7700 900123',
  '090-ABCD-5678',
  '٠٩٠١٢٣٤٥٦٧٨', // Arabic-Indic digits
  '090\u00001234\u00005678',
  '++819012345678',
  '81-90',
  '+81',
  '-',
  ' ',
  '0'.repeat(11),
  '19012345678',
];

function deep(r: Random): string {
  const depth = r.int(1000, 60_000);
  return pick(r, [
    `{"to":${'['.repeat(depth)}${']'.repeat(depth)},"text":"x","category":"otp"}`,
    `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    `{"text":"x","to":"09012345678","category":"otp","x":${'['.repeat(depth)}`,
  ]);
}

function badUtf8(r: Random): Buffer {
  const base = Buffer.from(JSON.stringify({ ...VALID, text: 'テキスト text' }));
  const bad = pick(r, [[0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x80]]);
  // Inside the text value, so that the JSON would otherwise be valid.
  const at = base.indexOf('text":"') + 7 + r.int(0, 3);
  return Buffer.concat([base.subarray(0, at), Buffer.from(bad), base.subarray(at)]);
}

function badJson(r: Random): string {
  const good = JSON.stringify(VALID);
  return pick(r, [
    good.slice(0, r.int(0, good.length - 1)),
    good.replace(/"/g, "'"),
    good.replace('}', ',}'),
    `${good}${good}`,
    '{"to": NaN, "text": Infinity}',
    '{"to": 09012345678}',
    '{"to": "a\u0001b"}'.replace('\\u0001', '\u0001'),
    'undefined',
    '\u0000',
    '{',
    '[',
    ']',
    '{"a":1,,}',
    '\ufeff\ufeff{}',
  ]);
}

function pollution(r: Random): string {
  const key = pick(r, ['__proto__', 'constructor', 'prototype']);
  const inner = key === 'constructor' ? '{"prototype":{"polluted":true}}' : '{"polluted":true}';
  return pick(r, [
    `{"${key}":${inner},"to":"09012345678","text":"x","category":"otp"}`,
    `{"to":"09012345678","text":"x","category":"otp","${key}":${inner}}`,
    `{"messages":[{"to":"09012345678","text":"x","category":"otp","${key}":${inner}}]}`,
    `{"to":"09012345678","text":"x","category":"otp","callback_url":{"${key}":${inner}}}`,
  ]);
}

/** Internal addresses in the spellings a prober tries first. */
const INTERNAL_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://2852039166/x',
  'http://0251.0376.0251.0376/x',
  'http://0xa9fea9fe/x',
  'http://169.254.43518/x',
  'http://10.0.0.1/x',
  'http://192.168.1.10:8080/x',
  'http://172.16.5.5/x',
  'http://100.64.0.9/x',
  'http://0.0.0.0/x',
  'http://[::]/x',
  'http://[fe80::1]/x',
  'http://[fd00::1]/x',
  'http://[::ffff:169.254.169.254]/x',
  'http://[::ffff:10.0.0.1]/x',
];
const CONTROL_URLS = ['http://a.example/x\r\nX-Evil: 1', 'http://a.example/\nx', 'http://a.exa\tmple/', 'http://a.example/\u0000', ' http://a.example/', 'http://a.example/\u007f'];
const LONE_SURROGATES = ['a\ud800b', '\udc00', 'x\udbff', '\ud83d', 'ok \ude00 no'];
const IMPOSSIBLE_DATES = ['2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2026-04-31T12:00:00+09:00', '2026-06-01T24:00:00Z', '2026-06-01T23:60:00Z', '2026-06-01T23:59:60Z', '2026-00-10T00:00:00Z', '2026-06-01T09:00:00+24:00'];
const BAD_QUERIES = ['client_ref=%ZZ', 'client_ref=%E0%A4%A', 'to=%', 'state=%G1', 'since=%C0%AF', 'cli%ZZent_ref=1'];

function generate(r: Random, bodyLimit: number): Hostile {
  const json = { ...auth(), 'content-type': 'application/json' };
  const kind = pick(r, [
    'wrong-type', 'bad-number', 'bad-json', 'bad-utf8', 'pollution', 'deep', 'huge', 'headers', 'batch', 'urls', 'missing', 'extra',
    'internal-url', 'control-url', 'surrogate', 'bad-date', 'bad-query',
  ]);
  const url = r.next() < 0.8 ? '/v1/messages' : '/v1/messages/batch';
  const wrap = (m: unknown) => (url.endsWith('batch') ? { messages: [VALID, m] } : m);
  switch (kind) {
    case 'wrong-type': {
      const field = pick(r, FIELDS);
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, [field]: wrongValue(r, field) })) };
    }
    case 'bad-number':
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, to: pick(r, BAD_NUMBERS) })) };
    case 'bad-json':
      return { kind, method: 'POST', url, headers: json, payload: badJson(r) };
    case 'bad-utf8':
      return { kind, method: 'POST', url: '/v1/messages', headers: json, payload: badUtf8(r) };
    case 'pollution':
      return { kind, method: 'POST', url, headers: json, payload: pollution(r) };
    case 'deep':
      return { kind, method: 'POST', url, headers: json, payload: deep(r) };
    case 'huge':
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify({ ...VALID, text: 'x'.repeat(bodyLimit + r.int(1, 50_000)) }) };
    case 'headers': {
      const h = pick(r, [
        {},
        { authorization: 'Bearer wrong-key-123' },
        { authorization: 'Token denpa-dev-key' },
        { ...json, 'content-type': pick(r, ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) },
        { ...json, 'idempotency-key': pick(r, ['', ' ', 'x'.repeat(256), 'キー', 'a b']) },
      ]) as Record<string, string>;
      const body = JSON.stringify(VALID);
      // Bad content types and keys must be refused even though the body is valid.
      if ('idempotency-key' in h && h['idempotency-key'] === '') h['idempotency-key'] = '\t';
      return { kind, method: 'POST', url: '/v1/messages', headers: h, payload: body };
    }
    case 'batch': {
      const n = r.int(0, 3);
      const payload = pick(r, [
        JSON.stringify({ messages: [] }),
        JSON.stringify({ messages: Array(1001).fill(VALID) }),
        JSON.stringify({ messages: VALID }),
        JSON.stringify({ messages: [VALID, { ...VALID, to: pick(r, BAD_NUMBERS) }].slice(0, n + 2) }),
        JSON.stringify([VALID]),
        JSON.stringify({ messages: [VALID], extra: 1 }),
      ]);
      return { kind, method: 'POST', url: '/v1/messages/batch', headers: json, payload };
    }
    case 'urls': {
      const method = pick(r, ['GET', 'DELETE', 'PUT', 'PATCH'] as const);
      const path = pick(r, [
        `/v1/messages/${'A'.repeat(r.int(1, 300))}`,
        '/v1/messages/../../etc/passwd',
        '/v1/messages/%00',
        '/v1/messages/%E0%A4%A',
        `/v1/messages?limit=${pick(r, ['-1', '0', '1001', 'abc', '1e3', ''])}`,
        `/v1/messages?state=${pick(r, ['lost', 'ACCEPTED', ''])}`,
        `/v1/messages?to=${encodeURIComponent(pick(r, BAD_NUMBERS))}`,
        `/v1/messages?since=${pick(r, ['x', '2026-99-01T00:00:00Z', '-5'])}`,
        '/v1/messages?cursor=' + 'z'.repeat(600),
        '/v1/messages?__proto__[polluted]=1&constructor[prototype][polluted]=1',
        '/v1/nothing',
      ]);
      return { kind, method, url: path, headers: auth() };
    }
    case 'internal-url':
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, callback_url: pick(r, INTERNAL_URLS) })) };
    case 'control-url':
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, callback_url: pick(r, CONTROL_URLS) })) };
    case 'surrogate':
      // JSON.stringify writes a lone surrogate as a \ud800 escape: valid JSON, ill-formed text.
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, text: pick(r, LONE_SURROGATES) })) };
    case 'bad-date':
      if (r.next() < 0.3) return { kind, method: 'GET', url: `/v1/messages?${pick(r, ['since', 'until'])}=${encodeURIComponent(pick(r, IMPOSSIBLE_DATES))}`, headers: auth() };
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, scheduled_at: pick(r, IMPOSSIBLE_DATES) })) };
    case 'bad-query':
      return { kind, method: 'GET', url: `/v1/messages?${pick(r, BAD_QUERIES)}`, headers: auth() };
    case 'missing': {
      const m: Record<string, unknown> = { ...VALID };
      delete m[pick(r, ['to', 'text', 'category'])];
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap(m)) };
    }
    default: {
      const key = pick(r, ['id', 'tenant', 'status', 'carrier', 'TO', 'Text', '', ' ', 'a'.repeat(1000)]);
      return { kind, method: 'POST', url, headers: json, payload: JSON.stringify(wrap({ ...VALID, [key]: 'x' })) };
    }
  }
}

describe('fuzz: hostile requests', () => {
  let core: TestCore;
  const bodyLimit = 64 * 1024;

  beforeAll(async () => {
    core = await startTestCore({ config: testConfig({ http: { logLevel: 'silent', bodyLimitBytes: bodyLimit } }) });
  });
  afterAll(async () => {
    await core.close();
  });

  it(`${REQUESTS} requests from seed ${SEED}: only 4xx problem+json, nothing stored, still alive`, async () => {
    const random = new SeededRandom(SEED);
    const byKind = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const h = generate(random, bodyLimit);
      const res = await core.app.inject({ method: h.method, url: h.url, headers: h.headers, ...(h.payload !== undefined ? { payload: h.payload } : {}) });
      const counts = byKind.get(h.kind) ?? new Map<number, number>();
      counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1);
      byKind.set(h.kind, counts);
      const isProblem = /^application\/problem\+json/.test(String(res.headers['content-type']));
      const okStatus = res.statusCode >= 400 && res.statusCode < 500;
      // A GET listing that happens to be well-formed is a 200 with an empty list: allowed, and checked.
      const emptyListing = res.statusCode === 200 && h.method === 'GET' && h.kind === 'urls' && JSON.parse(res.body).messages?.length === 0;
      if (!emptyListing && (!okStatus || !isProblem)) {
        failures.push(`#${i} ${h.kind} ${h.method} ${h.url} -> ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (failures.length > 10) break;
      }
    }
    if (process.env.DENPA_FUZZ_REPORT) console.log(JSON.stringify([...byKind].map(([k, m]) => [k, Object.fromEntries(m)])));
    expect(failures).toEqual([]);
    // Every kind was exercised.
    expect([...byKind.keys()].sort()).toEqual([
      'bad-date', 'bad-json', 'bad-number', 'bad-query', 'bad-utf8', 'batch', 'control-url', 'deep', 'extra', 'headers', 'huge',
      'internal-url', 'missing', 'pollution', 'surrogate', 'urls', 'wrong-type',
    ]);
    for (const kind of ['internal-url', 'control-url', 'surrogate', 'bad-date', 'bad-query']) expect([...byKind.get(kind)!.keys()]).toEqual([400]);
    expect(byKind.get('huge')!.get(413)).toBeGreaterThan(0);
    expect(byKind.get('bad-utf8')!.get(400)).toBeGreaterThan(0);
    // Nothing polluted, nothing stored, the app still serves.
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const list = await core.app.inject({ method: 'GET', url: '/v1/messages?limit=10', headers: auth() });
    expect(JSON.parse(list.body).messages).toEqual([]);
    const ok = await core.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: VALID });
    expect(ok.statusCode).toBe(202);
  });
});

describe('hostile probe: each refusal names its field', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore();
  });
  afterAll(async () => {
    await core.close();
  });

  const post = async (body: unknown, url = '/v1/messages') => {
    const res = await core.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: JSON.parse(res.body || 'null') as { code?: string; errors?: { field: string; message: string }[] } };
  };
  const fields = (b: { errors?: { field: string }[] }) => (b.errors ?? []).map((e) => e.field);

  it.each(INTERNAL_URLS)('callback_url %s is refused at accept (internal address)', async (callback_url) => {
    const r = await post({ ...VALID, callback_url });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'callback_url', message: expect.stringMatching(/^must not point at an internal address: /) }]);
  });

  it.each(CONTROL_URLS)('callback_url %j with control characters is refused', async (callback_url) => {
    const r = await post({ ...VALID, callback_url });
    expect(r.status).toBe(400);
    expect(fields(r.body)).toEqual(['callback_url']);
  });

  it.each(LONE_SURROGATES)('text %j with a lone surrogate is refused naming text', async (text) => {
    const r = await post({ ...VALID, text });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'text', message: expect.stringMatching(/lone surrogate/) }]);
    const batch = await post({ messages: [VALID, { ...VALID, text }] }, '/v1/messages/batch');
    expect(fields(batch.body)).toEqual(['messages[1].text']);
  });

  it.each(IMPOSSIBLE_DATES)('scheduled_at, since and until %s are refused', async (date) => {
    const r = await post({ ...VALID, scheduled_at: date });
    expect(r.status).toBe(400);
    expect(fields(r.body)).toEqual(['scheduled_at']);
    for (const name of ['since', 'until']) {
      const res = await core.app.inject({ method: 'GET', url: `/v1/messages?${name}=${encodeURIComponent(date)}`, headers: auth() });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).errors.map((e: { field: string }) => e.field)).toEqual([`query.${name}`]);
    }
  });

  it('real dates still pass: 2028-02-29 is a leap day', async () => {
    expect((await post({ ...VALID, scheduled_at: '2028-02-29T00:00:00+09:00' })).status).toBe(400); // beyond maxTtl from 2026-06-01
    expect((await post({ ...VALID, scheduled_at: '2026-06-02T23:59:59.5+09:00' })).status).toBe(202);
  });

  it.each(BAD_QUERIES)('GET /v1/messages?%s is a 400 naming the parameter', async (query) => {
    const res = await core.app.inject({ method: 'GET', url: `/v1/messages?${query}`, headers: auth() });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body);
    expect(body.code).toBe('API_ERR_VALIDATION');
    expect(body.errors).toEqual([{ field: expect.stringMatching(/^query\./), message: 'is not validly percent-encoded UTF-8' }]);
  });

  it('a __proto__ key is refused by name, not as bad JSON', async () => {
    const r = await post('{"__proto__":{"polluted":true},"to":"09012345678","text":"x","category":"otp"}');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('API_ERR_VALIDATION');
    expect(fields(r.body)).toEqual(['__proto__']);
  });

  it('a schema error does not hide a value error: every field at once', async () => {
    const r = await post({ to: '0312345678', text: 'hi', category: 'marketing', callback_url: 'http://10.0.0.1/x' });
    expect(r.status).toBe(400);
    expect(fields(r.body).sort()).toEqual(['callback_url', 'category', 'to']);
    const batch = await post({ messages: [{ ...VALID, to: '0800-123-4567', category: 'sms' }, { ...VALID, ttl_seconds: 'x' }] }, '/v1/messages/batch');
    expect(fields(batch.body).sort()).toEqual(['messages[0].category', 'messages[0].to', 'messages[1].ttl_seconds']);
  });

  it('parser-level errors are problem+json over a real socket: 431, bad HTTP; 408 from the same handler', async () => {
    const address = await core.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(address).port);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        let out = '';
        socket.on('data', (b) => (out += b.toString()));
        socket.on('close', () => resolve(out));
        socket.on('error', reject);
        socket.end(request);
      });
    const big = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'API_ERR_HEADERS_TOO_LARGE' });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'API_ERR_MALFORMED' });
    // A 30 s request timeout is too slow for a test: the handler is the one the server runs.
    const socket = new PassThrough();
    let written = '';
    socket.on('data', (b: Buffer) => (written += b.toString()));
    // The handler destroys the socket with the error, as Node's server does.
    const destroyedWith = new Promise<Error>((resolve) => socket.once('error', resolve));
    clientErrorHandler(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    expect(written).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, code: 'API_ERR_TIMEOUT' });
    expect((await destroyedWith).message).toBe('timeout');
  });
});
