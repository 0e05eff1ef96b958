// Tenant administration over /v1/ops on a ManualClock: the checks a new or
// changed tenant passes (egress rules on its URLs, window texts, inbound
// numbers owned once), config tenants shown but not changed here, the
// callback secret shown once and never in the audit trail, and every change
// handed whole to the delivery thread and the accept path at once.
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, testConfig } from '../api/harness.ts';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

let core: OpsTestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function setup() {
  // The config's "default" tenant owns 0120-000-000.
  const config = testConfig({
    operators: { system: 'denpa-core@test' },
    tenants: [{ name: 'default', keys: [KEY], callbackSecret: 'default-secret', rateLimit: { max: 100_000, windowMs: 60_000 }, inboundNumbers: ['0120-000-000'] }],
  });
  core = await startOpsCore({ config });
  await core.addOperator('root', 'admin');
  return { c: core, root: await core.login('root') };
}

describe('tenants over the admin API', () => {
  it('refuses what the config file would refuse, naming the field, and stores nothing', async () => {
    const { c, root } = await setup();
    const cases: [object, string][] = [
      [{ name: 'shop', callback_url: 'http://169.254.169.254/latest' }, 'callback_url'],
      [{ name: 'shop', inbound_url: 'http://10.1.2.3/mo' }, 'inbound_url'],
      [{ name: 'shop', callback_url: 'ftp://127.0.0.1/x' }, 'callback_url'],
      [{ name: 'shop', send_windows: { dunning: '24:30-08:00' } }, 'send_windows.dunning'],
      [{ name: 'shop', inbound_numbers: ['+81120000000'] }, 'inbound_numbers.0'],
      [{ name: 'shop', inbound_numbers: ['0312345678', '03-1234-5678'] }, 'inbound_numbers.1'],
      [{ name: 'bad name!' }, 'name'],
    ];
    for (const [payload, field] of cases) {
      const res = await c.app.inject({ method: 'POST', url: '/v1/ops/tenants', headers: root, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field), JSON.stringify(payload)).toContain(field);
    }
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/tenants', headers: root, payload: { name: 'default' } })).statusCode).toBe(409);
    expect(c.ops.desk.tenants.table.list()).toEqual([]);
    expect(c.actions.tenantLists).toEqual([[]]);
  });

  it('create, change, disable: each handed over whole; the secret is shown once and never recorded', async () => {
    const { c, root } = await setup();
    const created = await c.app.inject({
      method: 'POST',
      url: '/v1/ops/tenants',
      headers: root,
      payload: { name: 'shop', callback_url: 'http://127.0.0.1:9/hook', callback_secret: 'shop-secret-0123456789', inbound_numbers: ['0312345678'], send_windows: { promotion: '10:00-19:00' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ callback_secret: 'shop-secret-0123456789', tenant: { name: 'shop', state: 'active', inbound_numbers: ['0312345678'] } });
    expect(c.actions.tenantLists.at(-1)).toEqual([
      { name: 'shop', keys: [], callbackSecret: 'shop-secret-0123456789', rateLimit: { max: 20_000, windowMs: 1000 }, sendWindows: { promotion: '10:00-19:00' }, inboundNumbers: ['0312345678'] },
    ]);

    const changed = await c.app.inject({ method: 'PATCH', url: '/v1/ops/tenants/shop', headers: root, payload: { callback_url: null, rate_limit: { max: 5, window_ms: 1000 } } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ callback_url: null, rate_limit: { max: 5, window_ms: 1000 }, send_windows: { promotion: '10:00-19:00' } });
    expect(c.actions.tenantLists.at(-1)![0]).toMatchObject({ rateLimit: { max: 5, windowMs: 1000 } });
    // Config tenants are changed in the file only.
    for (const [method, url] of [
      ['PATCH', '/v1/ops/tenants/default'],
      ['POST', '/v1/ops/tenants/default/disable'],
    ] as const) {
      const res = await c.app.inject({ method, url, headers: root, ...(method === 'PATCH' ? { payload: { rate_limit: { max: 1, window_ms: 1000 } } } : {}) });
      expect(res.statusCode).toBe(409);
      expect(res.json<{ detail: string }>().detail).toContain('config file');
    }

    const disabled = await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/shop/disable', headers: root });
    expect(disabled.json()).toMatchObject({ state: 'disabled' });
    // Disabled: the delivery thread keeps its secret (its messages still call back) but not its inbound numbers.
    expect(c.actions.tenantLists.at(-1)).toEqual([{ name: 'shop', keys: [], callbackSecret: 'shop-secret-0123456789', rateLimit: { max: 5, windowMs: 1000 }, sendWindows: { promotion: '10:00-19:00' } }]);
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/shop/disable', headers: root })).statusCode).toBe(409);
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/shop/keys', headers: root })).statusCode).toBe(409);
    expect((await c.app.inject({ method: 'PATCH', url: '/v1/ops/tenants/shop', headers: root, payload: { rate_limit: { max: 9, window_ms: 1000 } } })).statusCode).toBe(409);

    const trail = JSON.stringify([...c.ops.desk.audit.records()]);
    expect(trail).not.toContain('shop-secret-0123456789');
    expect(trail).toContain('"callback_secret":"[redacted]"');
  });

  it("the new tenant's key works at once; a message without callback_url takes the tenant's; a disabled tenant's key stops at the next request", async () => {
    const { c, root } = await setup();
    await c.app.inject({ method: 'POST', url: '/v1/ops/tenants', headers: root, payload: { name: 'shop', callback_url: 'http://127.0.0.1:9/hook' } });
    const key = (await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/shop/keys', headers: root })).json<{ key: string }>().key;
    const tenantAuth = { authorization: `Bearer ${key}` };
    const sent = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: tenantAuth, payload: { to: '090-1234-5678', text: 'こんにちは', category: 'notice' } });
    expect(sent.statusCode, sent.body).toBe(202);
    const own = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: tenantAuth, payload: { to: '090-1234-5678', text: 'こんにちは', category: 'notice', callback_url: 'http://127.0.0.1:10/own' } });
    expect((await c.store.getMessage(sent.json<{ id: string }>().id))).toMatchObject({ tenant: 'shop', callbackUrl: 'http://127.0.0.1:9/hook' });
    expect((await c.store.getMessage(own.json<{ id: string }>().id))?.callbackUrl).toBe('http://127.0.0.1:10/own');

    await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/shop/disable', headers: root });
    const after = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: tenantAuth, payload: { to: '090-1234-5678', text: 'x', category: 'notice' } });
    expect(after.statusCode).toBe(401);
  });
});
