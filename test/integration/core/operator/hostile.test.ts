// Hostile input against the operator API, from a seeded generator: wrong
// types, bad JSON, prototype-pollution keys, oversized and odd strings,
// bad path parameters and tokens, with and without an admin session.
// Every answer is a 4xx problem+json (never a 5xx), and nothing changes:
// no account, key, request or pause appears, disappears or moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom, type Random } from '../../../../src/runtime/index.ts';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

const REQUESTS = 1000;
const SEED = 20261206;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)]!;

/** Refused by every field below: wrong types, out of range, empty or too long. */
const WRONG = [-1, 1.5, 1e308, true, null, [], {}, '', 'x'.repeat(600), { $gt: '' }, ['admin']];
const POLLUTION = ['{"__proto__":{"role":"admin"},"reason":"x"}', '{"constructor":{"prototype":{"polluted":true}},"reason":"x"}', '{"reason":"x","__proto__":{"opsRole":"none"}}'];
const BAD_JSON = ['{', '{"reason":', '{"reason":"x",}', 'null', '[]', '"x"', '\ufeff{}', '{"a":1}{"a":1}', `${'['.repeat(5000)}`];
const PATHS = [
  '/v1/ops/messages/%00',
  '/v1/ops/messages/' + 'A'.repeat(300),
  '/v1/ops/messages/..%2F..%2Fetc',
  '/v1/ops/carriers/kddi/pause',
  '/v1/ops/carriers/DOCOMO/resume',
  '/v1/ops/tenants/nobody/keys',
  '/v1/ops/tenants/%E0%A4%A/keys',
  '/v1/ops/tenants/default/keys/key_zz/rotate',
  '/v1/ops/requests/req_1234',
  '/v1/ops/requests/req_0123456789abcdef/approve',
  '/v1/ops/operators/ROOT/role',
  '/v1/ops/operators/a/unlock',
  '/v1/ops/messages?tenant=',
  '/v1/ops/messages?tenant=default&limit=-1',
  '/v1/ops/messages?tenant=default&state=lost',
  '/v1/ops/requests?state=all&limit=1e3',
  '/v1/ops/audit?since=yesterday',
  '/v1/ops/audit?__proto__[x]=1',
  '/v1/ops/routes/kddi/override',
  '/v1/ops/routes/docomo/override?mode=hold',
  '/v1/ops/messages/%00/retry',
  '/v1/ops/messages/' + 'B'.repeat(300) + '/retry',
  '/v1/ops/messages/01NOSUCHMESSAGE/retry',
  '/v1/ops/messages/01NOSUCHMESSAGE/callbacks/replay',
  '/v1/ops/tenants/nobody/callbacks/replay',
  '/v1/ops/tenants/nobody/disable',
  '/v1/ops/tenants/default/disable',
  '/v1/ops/tenants/' + 'C'.repeat(100),
];
/** Each route with its required fields (a body of these, valid, would be accepted). */
const BODY_ROUTES: { method: 'POST' | 'PUT' | 'PATCH'; url: string; fields: string[] }[] = [
  { method: 'POST', url: '/v1/ops/login', fields: ['name', 'password'] },
  { method: 'POST', url: '/v1/ops/operators', fields: ['name', 'role', 'password'] },
  { method: 'PUT', url: '/v1/ops/operators/alice/role', fields: ['role', 'reason'] },
  { method: 'POST', url: '/v1/ops/carriers/docomo/pause', fields: ['reason'] },
  { method: 'POST', url: '/v1/ops/tenants/default/queue/cancel', fields: ['reason'] },
  { method: 'POST', url: '/v1/ops/tenants/default/keys/KEY/rotate', fields: ['overlap_seconds', 'reason'] },
  { method: 'POST', url: '/v1/ops/routes/au/override', fields: ['mode', 'reason'] },
  { method: 'POST', url: '/v1/ops/tenants/default/callbacks/replay', fields: ['since', 'until', 'reason'] },
  // A valid create needs only a name: these two carry fields that each break a rule when wrong.
  { method: 'POST', url: '/v1/ops/tenants', fields: ['name', 'callback_url', 'send_windows'] },
  { method: 'PATCH', url: '/v1/ops/tenants/default', fields: ['rate_limit'] },
];

let core: OpsTestCore;
let admin: Record<string, string>;
let keyId: string;

/** Everything the operator API could change, except the audit trail and sessions (which hostile requests do add to). */
function snapshot(c: OpsTestCore): string {
  return JSON.stringify(
    ['SELECT name, role, working_hours, created_at FROM operators ORDER BY name', 'SELECT * FROM tenant_keys ORDER BY id', 'SELECT * FROM change_requests ORDER BY id', 'SELECT * FROM carrier_pauses', 'SELECT * FROM route_overrides', 'SELECT * FROM tenants'].map((q) => c.db.prepare(q).all()),
  );
}

beforeAll(async () => {
  core = await startOpsCore();
  await core.addOperator('root', 'admin');
  await core.addOperator('alice', 'operator');
  admin = await core.login('root');
  const k = core.ops.desk.keys.issue();
  core.ops.desk.keys.install('default', k.id, k.keyHash, 'test');
  keyId = k.id;
});
afterAll(async () => {
  await core.close();
});

function hostile(r: Random): { method: string; url: string; headers: Record<string, string>; payload?: string } {
  const headers: Record<string, string> = r.next() < 0.8 ? { ...admin } : pick<Record<string, string>>(r, [{}, { authorization: 'Bearer dop_' + 'x'.repeat(43) }, { authorization: 'Bearer ' + 'y'.repeat(600) }, { authorization: 'Bearer \u00e9' }]);
  const kind = pick(r, ['wrong-type', 'missing', 'extra', 'bad-json', 'pollution', 'path', 'media']);
  if (kind === 'path') return { method: pick(r, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), url: pick(r, PATHS), headers: { ...headers, 'content-type': 'application/json' }, payload: '{"reason":"x"}' };
  const route = pick(r, BODY_ROUTES);
  const url = route.url.replace('KEY', keyId);
  const json = { ...headers, 'content-type': 'application/json' };
  const valid: Record<string, unknown> = { reason: 'r', name: 'bob', role: 'viewer', password: 'twelve chars!!', overlap_seconds: 60, mode: 'hold', since: 0, until: 1000, callback_url: 'http://169.254.169.254/x', send_windows: { dunning: '24:30-25:00' }, rate_limit: { max: 5, window_ms: 1000 } };
  const body = Object.fromEntries(route.fields.map((f) => [f, valid[f]]));
  switch (kind) {
    case 'wrong-type':
      return { method: route.method, url, headers: json, payload: JSON.stringify({ ...body, [pick(r, route.fields)]: pick(r, WRONG) }) };
    case 'missing': {
      const drop = pick(r, route.fields);
      const rest = { ...body };
      delete rest[drop];
      return { method: route.method, url, headers: json, payload: JSON.stringify(rest) };
    }
    case 'extra':
      return { method: route.method, url, headers: json, payload: JSON.stringify({ ...body, [pick(r, ['opsRole', 'state', 'filed_by', 'approved', 'x'])]: pick(r, WRONG) }) };
    case 'bad-json':
      return { method: route.method, url, headers: json, payload: pick(r, BAD_JSON) };
    case 'pollution':
      return { method: route.method, url, headers: json, payload: pick(r, POLLUTION) };
    default:
      return { method: route.method, url, headers: { ...headers, 'content-type': pick(r, ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) }, payload: JSON.stringify(body) };
  }
}

describe('hostile input to the operator API', () => {
  it(`${REQUESTS} seeded hostile requests: only 4xx problem+json, nothing changed`, async () => {
    const before = snapshot(core);
    const r = new SeededRandom(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const h = hostile(r);
      // A valid-looking request may still be allowed (alice's role change, a pause): only the malformed ones count here.
      const res = await core.app.inject({ method: h.method as 'GET', url: h.url, headers: h.headers, ...(h.payload !== undefined ? { payload: h.payload } : {}) });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      expect(res.statusCode, `${h.method} ${h.url} ${h.payload?.slice(0, 80)}`).toBeLessThan(500);
      if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      else throw new Error(`accepted a hostile request: ${h.method} ${h.url} ${h.payload} -> ${res.statusCode}`);
    }
    expect(snapshot(core)).toBe(before);
    // The generator reaches validation, auth, routing and media-type refusals.
    for (const s of [400, 401, 404, 415]) expect(statuses.get(s) ?? 0, `status ${s}`).toBeGreaterThan(0);
    // And the service still answers: the admin session works, the audit chain is whole.
    expect((await core.app.inject({ url: '/v1/ops/me', headers: admin })).statusCode).toBe(200);
    expect(core.ops.desk.audit.verify().verdict.ok).toBe(true);
  });
});
