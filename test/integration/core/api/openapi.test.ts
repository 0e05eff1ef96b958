// The OpenAPI document against the routes as built: every answer a probe
// provokes must be declared for its route, with the content type the
// service really sends (problem+json for errors); health, readiness and
// metrics need no key; Idempotency-Key and 503 are declared.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auth, OTHER_KEY, otp, startTestCore, testConfig, type TestCore } from './harness.ts';

interface Operation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}

let core: TestCore;
let doc: { paths: Record<string, Record<string, Operation>>; security?: unknown[] };
let own: string;
let foreign: string;

beforeAll(async () => {
  core = await startTestCore({ config: testConfig({ http: { logLevel: 'silent', bodyLimitBytes: 2048 } }) });
  doc = core.app.swagger() as unknown as typeof doc;
  const post = async (key?: string) => {
    const res = await core.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(key), payload: otp() });
    return (JSON.parse(res.body) as { id: string }).id;
  };
  own = await post();
  foreign = await post(OTHER_KEY);
});
afterAll(async () => {
  await core.close();
});

type Probe = { method: string; url: string; headers?: Record<string, string>; payload?: string | object };
const json = (body: object, extra: Record<string, string> = {}): Probe['headers'] => ({ ...auth(), 'content-type': 'application/json', ...extra });

/** Requests that provoke the answers each route can give, keyed by the document's path and method. */
function probes(): Record<string, Probe[]> {
  const bad = { ...otp(), category: 'sms' };
  const long = { ...otp(), text: 'x'.repeat(4000) };
  return {
    'post /v1/messages': [
      { method: 'POST', url: '/v1/messages', headers: json({}), payload: otp() },
      { method: 'POST', url: '/v1/messages', payload: otp() },
      { method: 'POST', url: '/v1/messages', headers: json({}), payload: bad },
      { method: 'POST', url: '/v1/messages', headers: json({}), payload: long },
      { method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hi' },
      { method: 'POST', url: '/v1/messages', headers: json({}, { 'idempotency-key': 'k-1' }), payload: otp() },
      { method: 'POST', url: '/v1/messages', headers: json({}, { 'idempotency-key': 'k-1' }), payload: otp({ text: 'other' }) },
    ],
    'post /v1/messages/batch': [
      { method: 'POST', url: '/v1/messages/batch', headers: json({}), payload: { messages: [otp()] } },
      { method: 'POST', url: '/v1/messages/batch', payload: { messages: [otp()] } },
      { method: 'POST', url: '/v1/messages/batch', headers: json({}), payload: { messages: [bad] } },
      { method: 'POST', url: '/v1/messages/batch', headers: json({}), payload: { messages: [long] } },
      { method: 'POST', url: '/v1/messages/batch', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hi' },
    ],
    'get /v1/messages/{id}': [
      { method: 'GET', url: `/v1/messages/${own}`, headers: auth() },
      { method: 'GET', url: `/v1/messages/${own}` },
      { method: 'GET', url: `/v1/messages/${foreign}`, headers: auth() },
      { method: 'GET', url: '/v1/messages/01AAAAAAAAAAAAAAAAAAAAAAAA', headers: auth() },
      { method: 'GET', url: `/v1/messages/${'A'.repeat(100)}`, headers: auth() },
    ],
    'get /v1/messages': [
      { method: 'GET', url: '/v1/messages', headers: auth() },
      { method: 'GET', url: '/v1/messages' },
      { method: 'GET', url: '/v1/messages?limit=0', headers: auth() },
      { method: 'GET', url: '/v1/messages?client_ref=%ZZ', headers: auth() },
    ],
    'delete /v1/messages/{id}': [
      { method: 'DELETE', url: `/v1/messages/${foreign}` },
      { method: 'DELETE', url: `/v1/messages/${foreign}`, headers: auth() },
      { method: 'DELETE', url: '/v1/messages/01AAAAAAAAAAAAAAAAAAAAAAAA', headers: auth() },
      { method: 'DELETE', url: `/v1/messages/${'A'.repeat(100)}`, headers: auth() },
      { method: 'DELETE', url: `/v1/messages/${own}`, headers: auth() },
      { method: 'DELETE', url: `/v1/messages/${own}`, headers: auth() },
    ],
    'post /v1/opt-outs': [
      { method: 'POST', url: '/v1/opt-outs', headers: json({}), payload: { numbers: ['09087654321'] } },
      { method: 'POST', url: '/v1/opt-outs', payload: { numbers: ['09087654321'] } },
      { method: 'POST', url: '/v1/opt-outs', headers: json({}), payload: { numbers: ['03-1234-5678'] } },
      { method: 'POST', url: '/v1/opt-outs', headers: json({}), payload: { numbers: ['09012345678'.repeat(400)] } },
      { method: 'POST', url: '/v1/opt-outs', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hi' },
    ],
    'get /v1/opt-outs': [
      { method: 'GET', url: '/v1/opt-outs', headers: auth() },
      { method: 'GET', url: '/v1/opt-outs' },
      { method: 'GET', url: '/v1/opt-outs?limit=0', headers: auth() },
    ],
    'get /v1/inbound-messages': [
      { method: 'GET', url: '/v1/inbound-messages', headers: auth() },
      { method: 'GET', url: '/v1/inbound-messages' },
      { method: 'GET', url: '/v1/inbound-messages?limit=0', headers: auth() },
    ],
    'get /v1/opt-outs/{number}': [
      { method: 'GET', url: '/v1/opt-outs/09087654321', headers: auth() },
      { method: 'GET', url: '/v1/opt-outs/09087654321' },
      { method: 'GET', url: '/v1/opt-outs/0312345678', headers: auth() },
    ],
    'delete /v1/opt-outs/{number}': [
      { method: 'DELETE', url: '/v1/opt-outs/09087654321' },
      { method: 'DELETE', url: '/v1/opt-outs/0312345678', headers: auth() },
      { method: 'DELETE', url: '/v1/opt-outs/09087654321', headers: auth() },
      { method: 'DELETE', url: '/v1/opt-outs/09087654321', headers: auth() },
    ],
    'get /healthz': [{ method: 'GET', url: '/healthz' }],
    'get /readyz': [{ method: 'GET', url: '/readyz' }],
    'get /metrics': [{ method: 'GET', url: '/metrics' }],
  };
}

it('every answer the routes give is declared for its route, with the content type sent', async () => {
  const table = probes();
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
  // A route without probes would go unchecked: the table must cover the document.
  expect(Object.keys(table).sort()).toEqual(documented.sort());
  const mismatches: string[] = [];
  const seen = new Set<string>();
  for (const [route, list] of Object.entries(table)) {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path]![method]!;
    for (const p of list) {
      const res = await core.app.inject({ method: p.method as 'GET', url: p.url, ...(p.headers ? { headers: p.headers } : {}), ...(p.payload !== undefined ? { payload: p.payload } : {}) });
      seen.add(`${route} ${res.statusCode}`);
      const declared = op.responses[String(res.statusCode)];
      const sent = String(res.headers['content-type']).split(';')[0]!;
      if (!declared) mismatches.push(`${route}: ${res.statusCode} not declared (${res.body.slice(0, 80)})`);
      else if (!declared.content || !(sent in declared.content)) mismatches.push(`${route}: ${res.statusCode} sent as ${sent}, declared ${Object.keys(declared.content ?? {}).join(', ')}`);
    }
  }
  expect(mismatches).toEqual([]);
  // The probes reached the interesting answers, not just 200s.
  for (const s of ['post /v1/messages 202', 'post /v1/messages 401', 'post /v1/messages 413', 'post /v1/messages 415', 'post /v1/messages 422', 'get /v1/messages/{id} 403', 'get /v1/messages/{id} 404', 'delete /v1/messages/{id} 409']) {
    expect(seen).toContain(s);
  }
});

it('health, readiness and metrics need no key; every /v1 route needs the bearer key and declares 503; POSTs declare Idempotency-Key', () => {
  expect(doc.security).toEqual([{ bearer: [] }]);
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (path.startsWith('/v1/')) {
        expect(op.security, `${method} ${path}`).toBeUndefined();
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '429', '503']));
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(r.content ?? {}), `${method} ${path} ${status}`).toEqual(['application/problem+json']);
        }
      } else {
        expect(op.security, `${method} ${path}`).toEqual([]);
      }
      // Adding to the opt-out list is idempotent by itself (a repeat adds nothing), so only the message POSTs take a key.
      if (method === 'post' && path.startsWith('/v1/messages')) expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'), `${method} ${path}`).toBe(true);
    }
  }
});
