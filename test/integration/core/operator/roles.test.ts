// Every role against every operator endpoint: allowed at or above the role
// the endpoint declares, 403 role-required below it, 401 without a session,
// and every denial in the audit trail. The table must name every /v1/ops
// route the OpenAPI document lists, so a new endpoint cannot skip it.
import { afterEach, describe, expect, it } from 'vitest';
import { ROLES, roleAtLeast, type Role } from '../../../../src/core/operator/index.ts';
import { auth } from '../api/harness.ts';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

interface Fixture {
  messageId: string;
  /** Ended expired, with a callback_url: for a callback replay and a retry. */
  expiredId: string;
  keyId: string;
  keyId2: string;
  requestA: string;
  requestB: string;
}

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  route: string;
  url: (f: Fixture) => string;
  body?: (f: Fixture, role: Role) => object;
  role: Role;
  allowedStatus: number;
}

const E = (method: Endpoint['method'], route: string, role: Role, allowedStatus: number, url?: Endpoint['url'], body?: Endpoint['body']): Endpoint => ({
  method,
  route,
  role,
  allowedStatus,
  url: url ?? (() => route),
  ...(body ? { body } : {}),
});

// Logout last: it ends the session the others use.
const ENDPOINTS: Endpoint[] = [
  E('GET', '/v1/ops/me', 'viewer', 200),
  E('GET', '/v1/ops/status', 'viewer', 200),
  E('GET', '/v1/ops/messages', 'viewer', 200, () => '/v1/ops/messages?tenant=default'),
  E('GET', '/v1/ops/messages/:id', 'viewer', 200, (f) => `/v1/ops/messages/${f.messageId}`),
  E('POST', '/v1/ops/messages/:id/cancel', 'operator', 200, (f) => `/v1/ops/messages/${f.messageId}/cancel`),
  // The replay before the retry: a retried message has no final status to replay.
  E('POST', '/v1/ops/messages/:id/callbacks/replay', 'operator', 200, (f) => `/v1/ops/messages/${f.expiredId}/callbacks/replay`),
  E('POST', '/v1/ops/messages/:id/retry', 'operator', 200, (f) => `/v1/ops/messages/${f.expiredId}/retry`),
  E('POST', '/v1/ops/tenants/:tenant/callbacks/replay', 'operator', 202, () => '/v1/ops/tenants/default/callbacks/replay', () => ({ since: 0, until: 1e13, reason: 'their endpoint lost a day' })),
  E('GET', '/v1/ops/routes', 'viewer', 200),
  E('POST', '/v1/ops/routes/:carrier/override', 'admin', 202, () => '/v1/ops/routes/docomo/override', () => ({ mode: 'fallback', reason: 'SMSC degraded' })),
  E('POST', '/v1/ops/carriers/:carrier/resume', 'operator', 200, () => '/v1/ops/carriers/docomo/resume'),
  E('POST', '/v1/ops/carriers/:carrier/pause', 'operator', 202, () => '/v1/ops/carriers/docomo/pause', () => ({ reason: 'SMSC maintenance' })),
  E('POST', '/v1/ops/tenants/:tenant/queue/cancel', 'operator', 202, () => '/v1/ops/tenants/default/queue/cancel', () => ({ reason: 'wrong campaign', category: 'promotion' })),
  E('POST', '/v1/ops/tenants/:tenant/keys/:id/rotate', 'admin', 202, (f) => `/v1/ops/tenants/default/keys/${f.keyId}/rotate`, () => ({ overlap_seconds: 3600, reason: 'yearly' })),
  E('PUT', '/v1/ops/operators/:name/role', 'admin', 202, () => '/v1/ops/operators/filer/role', () => ({ role: 'viewer', reason: 'moved team' })),
  E('GET', '/v1/ops/requests', 'viewer', 200),
  E('GET', '/v1/ops/requests/:id', 'viewer', 200, (f) => `/v1/ops/requests/${f.requestA}`),
  E('POST', '/v1/ops/requests/:id/approve', 'approver', 200, (f) => `/v1/ops/requests/${f.requestA}/approve`),
  E('POST', '/v1/ops/requests/:id/reject', 'approver', 200, (f) => `/v1/ops/requests/${f.requestB}/reject`),
  E('GET', '/v1/ops/operators', 'admin', 200),
  E('POST', '/v1/ops/operators', 'admin', 201, undefined, (_f, role) => ({ name: `new-${role}`, role: 'viewer', password: 'a long enough password' })),
  E('POST', '/v1/ops/operators/:name/unlock', 'admin', 200, () => '/v1/ops/operators/filer/unlock'),
  E('GET', '/v1/ops/tenants/:tenant/keys', 'admin', 200, () => '/v1/ops/tenants/default/keys'),
  E('POST', '/v1/ops/tenants/:tenant/keys', 'admin', 201, () => '/v1/ops/tenants/default/keys'),
  E('DELETE', '/v1/ops/tenants/:tenant/keys/:id', 'admin', 200, (f) => `/v1/ops/tenants/default/keys/${f.keyId2}`),
  E('GET', '/v1/ops/audit', 'admin', 200),
  E('GET', '/v1/ops/tenants', 'viewer', 200),
  E('POST', '/v1/ops/tenants', 'admin', 201, undefined, (_f, role) => ({ name: `shop-${role}`, callback_url: 'http://127.0.0.1:9/hook' })),
  E('PATCH', '/v1/ops/tenants/:tenant', 'admin', 200, () => '/v1/ops/tenants/added', () => ({ rate_limit: { max: 10, window_ms: 1000 } })),
  E('POST', '/v1/ops/tenants/:tenant/disable', 'admin', 200, () => '/v1/ops/tenants/added/disable'),
  E('POST', '/v1/ops/logout', 'viewer', 200),
];

let core: OpsTestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function fixture(c: OpsTestCore): Promise<Fixture> {
  for (const role of ROLES) await c.addOperator(role, role);
  await c.addOperator('filer', 'operator');
  const sent = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: { to: '090-1234-5678', text: 'お知らせです', category: 'notice' } });
  expect(sent.statusCode).toBe(202);
  const short = await c.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: auth(),
    payload: { to: '090-1234-5679', text: 'お知らせです', category: 'notice', ttl_seconds: 60, callback_url: 'http://127.0.0.1:9/hook' },
  });
  const expiredId = short.json<{ id: string }>().id;
  c.clock.advance(61_000);
  expect((await c.store.expireDue(c.clock.now(), 10)).map((x) => x.id)).toEqual([expiredId]);
  c.ops.desk.tenants.table.create('added', { rateLimit: { max: 100, windowMs: 1000 } }, 'a-callback-secret-of-some-length', 'test');
  const k1 = c.ops.desk.keys.issue();
  const k2 = c.ops.desk.keys.issue();
  c.ops.desk.keys.install('default', k1.id, k1.keyHash, 'test');
  c.ops.desk.keys.install('default', k2.id, k2.keyHash, 'test');
  const a = c.ops.desk.requests.file({ kind: 'queue.cancel', tenant: 'default', category: 'promotion' }, 'test', 'filer');
  const b = c.ops.desk.requests.file({ kind: 'queue.cancel', tenant: 'default', category: 'dunning' }, 'test', 'filer');
  return { messageId: sent.json<{ id: string }>().id, expiredId, keyId: k1.id, keyId2: k2.id, requestA: a.id, requestB: b.id };
}

describe('operator roles', () => {
  it('the table names every /v1/ops route in the OpenAPI document', async () => {
    core = await startOpsCore();
    const doc = core.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const listed = new Set<string>();
    for (const [p, methods] of Object.entries(doc.paths)) {
      if (!p.startsWith('/v1/ops/')) continue;
      for (const m of Object.keys(methods)) listed.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const inTable = new Set([...ENDPOINTS.map((e) => `${e.method} ${e.route}`), 'POST /v1/ops/login']);
    expect([...listed].sort()).toEqual([...inTable].sort());
  });

  it.each(ROLES)('%s: allowed at or above each endpoint role, refused below, every answer audited', async (role) => {
    core = await startOpsCore();
    const f = await fixture(core);
    const session = await core.login(role);
    const seqBefore = core.ops.desk.audit.verify().verdict.count;
    for (const e of ENDPOINTS) {
      const res = await core.app.inject({ method: e.method, url: e.url(f), headers: session, ...(e.body ? { payload: e.body(f, role) } : {}) });
      const label = `${role} ${e.method} ${e.route}`;
      if (roleAtLeast(role, e.role)) {
        expect(res.statusCode, `${label}: ${res.body}`).toBe(e.allowedStatus);
      } else {
        expect(res.statusCode, label).toBe(403);
        expect(res.json<{ code: string }>().code, label).toBe('API_ERR_ROLE_REQUIRED');
      }
    }
    const verdict = core.ops.desk.audit.verify().verdict;
    expect(verdict.ok).toBe(true);
    // One record per request, plus the run of the approved request for approver and admin.
    const runs = roleAtLeast(role, 'approver') ? 1 : 0;
    expect(verdict.count - seqBefore).toBe(ENDPOINTS.length + runs);
    const records = [...core.ops.desk.audit.records()] as { who: string; action: string; outcome: string; status?: number }[];
    const denied = records.filter((r) => r.who === role && r.outcome === 'denied');
    expect(denied).toHaveLength(ENDPOINTS.filter((e) => !roleAtLeast(role, e.role)).length);
    for (const d of denied) expect(d.status).toBe(403);
  });

  it('below-role requests change nothing', async () => {
    core = await startOpsCore();
    const f = await fixture(core);
    const viewer = await core.login('viewer');
    for (const e of ENDPOINTS.filter((x) => x.role !== 'viewer')) {
      await core.app.inject({ method: e.method, url: e.url(f), headers: viewer, ...(e.body ? { payload: e.body(f, 'viewer') } : {}) });
    }
    expect(core.ops.desk.requests.list(undefined, 100).map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(core.ops.desk.keys.list('default').map((k) => k.state)).toEqual(['active', 'active']);
    expect(core.ops.desk.accounts.list().map((a) => `${a.name}:${a.role}`)).toEqual(['admin:admin', 'approver:approver', 'filer:operator', 'operator:operator', 'viewer:viewer']);
    expect((await core.store.getMessage(f.messageId))?.state).toBe('accepted');
    expect((await core.store.getMessage(f.expiredId))?.state).toBe('expired');
    expect(core.ops.desk.routes.list()).toEqual([]);
    expect(core.ops.desk.tenants.table.list().map((t) => [t.name, t.rateLimit.max, t.disabledAt])).toEqual([['added', 100, undefined]]);
  });

  it('without a session every endpoint but login answers 401, recorded as anonymous', async () => {
    core = await startOpsCore();
    const f = await fixture(core);
    for (const headers of [{}, { authorization: 'Bearer dop_not-a-session' }, { authorization: 'Basic YTpi' }, auth()]) {
      for (const e of ENDPOINTS) {
        const res = await core.app.inject({ method: e.method, url: e.url(f), headers, ...(e.body ? { payload: e.body(f, 'viewer') } : {}) });
        expect(res.statusCode, `${e.method} ${e.route}`).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
    const anonymous = ([...core.ops.desk.audit.records()] as { who: string; outcome: string }[]).filter((r) => r.who === 'anonymous');
    expect(anonymous).toHaveLength(ENDPOINTS.length * 4);
    expect(anonymous.every((r) => r.outcome === 'denied')).toBe(true);
  });
});
