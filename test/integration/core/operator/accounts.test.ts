// Operator logins: the lock-out after repeated failures (on the ManualClock),
// short-lived sessions, hashed storage of passwords, session tokens and
// tenant keys, and tenant keys' life through the admin API: issued, used,
// rotated with an overlap, revoked, never in a log line.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/core/app.ts';
import { buildOpsSide, openOpsDb, verifyPassword } from '../../../../src/core/operator/index.ts';
import { auth, testConfig } from '../api/harness.ts';
import { CHEAP, PASSWORD, startOpsCore, type OpsTestCore } from './ops-harness.ts';

let core: OpsTestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

const login = (c: OpsTestCore, name: string, password: string) => c.app.inject({ method: 'POST', url: '/v1/ops/login', payload: { name, password } });

describe('operator login', () => {
  it('locks an account after 5 failed logins in a row, for 15 minutes of clock time', async () => {
    core = await startOpsCore();
    await core.addOperator('alice', 'operator');
    for (let i = 0; i < 4; i++) expect((await login(core, 'alice', 'wrong password!')).statusCode).toBe(401);
    // A success before the fifth resets the count.
    expect((await login(core, 'alice', PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(core, 'alice', 'wrong password!')).statusCode).toBe(401);
    expect((await login(core, 'alice', 'wrong password!')).statusCode).toBe(401);
    // Locked: even the right password is refused, with a Retry-After.
    const locked = await login(core, 'alice', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'API_ERR_LOCKED' });
    expect(locked.headers['retry-after']).toBe('900');
    core.clock.advance(15 * 60_000 - 1);
    expect((await login(core, 'alice', PASSWORD)).statusCode).toBe(423);
    core.clock.advance(1);
    expect((await login(core, 'alice', PASSWORD)).statusCode).toBe(200);
    const records = [...core.ops.desk.audit.records()] as { who: string; action: string; outcome: string; detail?: string }[];
    expect(records.filter((r) => r.action === 'login').map((r) => r.outcome)).toEqual([
      ...Array(4).fill('denied'), 'ok', ...Array(5).fill('denied'), 'denied', 'denied', 'ok',
    ]);
    expect(records.filter((r) => r.detail?.startsWith('locked after repeated failures; API_ERR_UNAUTHORIZED'))).toHaveLength(1);
    expect(records.every((r) => r.who === 'alice')).toBe(true);
  });

  it('an admin unlocks an account; an unknown name is refused like a wrong password', async () => {
    core = await startOpsCore();
    await core.addOperator('alice', 'operator');
    await core.addOperator('root', 'admin');
    const admin = await core.login('root');
    for (let i = 0; i < 5; i++) await login(core, 'alice', 'wrong password!');
    expect((await login(core, 'alice', PASSWORD)).statusCode).toBe(423);
    expect((await core.app.inject({ method: 'POST', url: '/v1/ops/operators/alice/unlock', headers: admin })).statusCode).toBe(200);
    expect((await login(core, 'alice', PASSWORD)).statusCode).toBe(200);
    const unknown = await login(core, 'mallory', PASSWORD);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json<{ detail: string }>().detail).toBe('unknown name or wrong password');
  });

  it('a session lasts 15 minutes of clock time; logout ends it; a role change ends it', async () => {
    core = await startOpsCore();
    await core.addOperator('alice', 'approver');
    const s = await core.login('alice');
    expect((await core.app.inject({ url: '/v1/ops/me', headers: s })).json()).toMatchObject({ name: 'alice', role: 'approver' });
    core.clock.advance(15 * 60_000 - 1);
    expect((await core.app.inject({ url: '/v1/ops/me', headers: s })).statusCode).toBe(200);
    core.clock.advance(1);
    expect((await core.app.inject({ url: '/v1/ops/me', headers: s })).statusCode).toBe(401);
    const s2 = await core.login('alice');
    expect((await core.app.inject({ method: 'POST', url: '/v1/ops/logout', headers: s2 })).json()).toEqual({ ended: true });
    expect((await core.app.inject({ url: '/v1/ops/me', headers: s2 })).statusCode).toBe(401);
    const s3 = await core.login('alice');
    core.ops.desk.accounts.setRole('alice', 'viewer');
    expect((await core.app.inject({ url: '/v1/ops/me', headers: s3 })).statusCode).toBe(401);
  });

  it('stores passwords as scrypt hashes and sessions and keys as SHA-256 only', async () => {
    core = await startOpsCore();
    await core.addOperator('root', 'admin');
    const s = await core.login('root');
    const token = s.authorization!.slice('Bearer '.length);
    const issued = (await core.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/keys', headers: s })).json<{ key: string }>();
    const row = core.db.prepare('SELECT password_hash FROM operators WHERE name = ?').get('root') as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$4\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword(PASSWORD, row.password_hash)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, row.password_hash)).toBe(false);
    // No table holds the password, the token or the key in any form but a hash.
    const dump = JSON.stringify(
      ['operators', 'sessions', 'tenant_keys', 'audit_log', 'change_requests'].map((t) => core!.db.prepare(`SELECT * FROM ${t}`).all()),
    );
    for (const secret of [PASSWORD, token, token.slice(4), issued.key]) expect(dump).not.toContain(secret);
  });
});

describe('tenant keys through the admin API', () => {
  it('a key issued works at once; a rotation lets the old one work for its overlap; a revoked key is refused at once', async () => {
    core = await startOpsCore();
    await core.addOperator('root', 'admin');
    await core.addOperator('boss', 'approver');
    const admin = await core.login('root');
    const approver = await core.login('boss');
    const send = (key: string) => core!.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(key), payload: { to: '09012345678', text: 'hello', category: 'notice' } });

    const issued = (await core.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/keys', headers: admin })).json<{ id: string; key: string }>();
    expect(issued.key).toMatch(/^dk_/);
    expect((await send(issued.key)).statusCode).toBe(202);

    const filed = await core.app.inject({ method: 'POST', url: `/v1/ops/tenants/default/keys/${issued.id}/rotate`, headers: admin, payload: { overlap_seconds: 600, reason: 'yearly rotation' } });
    expect(filed.statusCode).toBe(202);
    const { request, new_key } = filed.json<{ request: { id: string; params: object }; new_key: string }>();
    expect(JSON.stringify(request.params)).not.toContain('Hash');
    // Not yet approved: the new key does not work, the old one does.
    expect((await send(new_key)).statusCode).toBe(401);
    expect((await send(issued.key)).statusCode).toBe(202);
    expect((await core.app.inject({ method: 'POST', url: `/v1/ops/requests/${request.id}/approve`, headers: approver })).json()).toMatchObject({ state: 'done' });
    expect((await send(new_key)).statusCode).toBe(202);
    core.clock.advance(600_000 - 1);
    expect((await send(issued.key)).statusCode).toBe(202);
    core.clock.advance(1);
    expect((await send(issued.key)).statusCode).toBe(401);
    const keys = (await core.app.inject({ url: '/v1/ops/tenants/default/keys', headers: admin })).json<{ keys: { id: string; state: string }[] }>().keys;
    expect(keys.map((k) => k.state).sort()).toEqual(['active', 'expired']);

    const newId = keys.find((k) => k.state === 'active')!.id;
    expect((await core.app.inject({ method: 'DELETE', url: `/v1/ops/tenants/default/keys/${newId}`, headers: admin })).json()).toMatchObject({ state: 'revoked' });
    expect((await send(new_key)).statusCode).toBe(401);
    // The configured key is untouched by all of this.
    expect((await send('denpa-dev-key')).statusCode).toBe(202);
  });

  it('a configured key may be written as its sha256', async () => {
    const { createHash } = await import('node:crypto');
    const hashed = `sha256:${createHash('sha256').update('a-secret-tenant-key').digest('hex')}`;
    const config = testConfig({ tenants: [{ name: 'default', keys: [hashed], callbackSecret: 'default-secret', rateLimit: {} }] });
    core = await startOpsCore({ config });
    const send = (key: string) => core!.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(key), payload: { to: '09012345678', text: 'hello', category: 'notice' } });
    expect((await send('a-secret-tenant-key')).statusCode).toBe(202);
    expect((await send(hashed)).statusCode).toBe(401);
  });

  it('keys, tokens and passwords never reach the log, even at trace level with request logging', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
    const base = await startOpsCore();
    core = base;
    await base.addOperator('root', 'admin');
    const config = testConfig({ http: { logLevel: 'trace', requestLogging: true }, operators: { system: 'denpa-core@test' } });
    const db = openOpsDb(base.dataDir);
    const ops = buildOpsSide(config, { db, clock: base.clock, store: base.store, cost: CHEAP });
    const app = await buildApp({ config, store: base.store, clock: base.clock, metrics: base.metrics, loggerInstance: pino({ level: 'trace' }, stream), ops });
    try {
      const session = (await app.inject({ method: 'POST', url: '/v1/ops/login', payload: { name: 'root', password: PASSWORD } })).json<{ token: string }>().token;
      const issued = (await app.inject({ method: 'POST', url: '/v1/ops/tenants/default/keys', headers: { authorization: `Bearer ${session}` } })).json<{ key: string }>();
      await app.inject({ method: 'POST', url: '/v1/messages', headers: auth(issued.key), payload: { to: '09012345678', text: 'hello', category: 'notice' } });
      await app.inject({ method: 'POST', url: '/v1/messages', headers: auth('a-wrong-key-123'), payload: { to: '09012345678', text: 'hello', category: 'notice' } });
      const log = lines.join('');
      expect(log.length).toBeGreaterThan(0);
      for (const secret of [PASSWORD, session, issued.key, 'denpa-dev-key', 'a-wrong-key-123']) expect(log).not.toContain(secret);
    } finally {
      await app.close();
      db.close();
    }
  });
});
