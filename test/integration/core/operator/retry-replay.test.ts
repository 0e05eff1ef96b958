// Operator actions on messages and callbacks over /v1/ops: retrying a
// failed or expired message (operator, not four-eyes), replaying one
// message's final status callback (operator, not four-eyes) and replaying a
// tenant's callbacks over a time range (a four-eyes request). Each is in the
// audit trail; refusals change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { auth } from '../api/harness.ts';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

const cores: OpsTestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

async function setup() {
  const c = await startOpsCore();
  cores.push(c);
  await c.addOperator('viewer', 'viewer');
  await c.addOperator('op', 'operator');
  await c.addOperator('op2', 'operator');
  await c.addOperator('boss', 'approver');
  return { c, viewer: await c.login('viewer'), op: await c.login('op'), op2: await c.login('op2'), boss: await c.login('boss') };
}

/** A notice with a callback_url that expires unsent (60 s TTL), its expired callback delivered. */
async function expiredMessage(c: OpsTestCore): Promise<string> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: auth(),
    payload: { to: '090-1234-5678', text: 'ご請求のお知らせ', category: 'notice', ttl_seconds: 60, callback_url: 'http://127.0.0.1:9/hook' },
  });
  expect(res.statusCode).toBe(202);
  const id = res.json<{ id: string }>().id;
  c.clock.advance(61_000);
  expect((await c.store.expireDue(c.clock.now(), 10)).map((f) => f.id)).toEqual([id]);
  const jobs = await c.store.claimDueCallbacks(c.clock.now(), 10);
  await c.store.settleCallbacks(jobs.map((j) => ({ kind: 'delivered' as const, id: j.id, at: c.clock.now() })));
  expect(await c.store.pendingCallbackCount()).toBe(0);
  return id;
}

type Rec = { who: string; action: string; outcome: string; status?: number; detail?: string };
const trail = (c: OpsTestCore) => [...c.ops.desk.audit.records()] as Rec[];

describe('retrying messages', () => {
  it('an operator retries an expired message: back in its lane, its carrier woken, audited; a second retry is refused', async () => {
    const { c, op, viewer } = await setup();
    const id = await expiredMessage(c);
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${id}/retry`, headers: viewer })).statusCode).toBe(403);

    const res = await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${id}/retry`, headers: op });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id, outcome: 'retried', was: 'expired', carrier: 'docomo' });
    expect(c.actions.woken).toEqual(['docomo']);
    const m = await c.store.getMessage(id);
    expect(m).toMatchObject({ state: 'accepted', expiresAt: c.clock.now() + 60_000 });
    expect(m?.transitions.at(-1)).toMatchObject({ state: 'accepted', detail: 'retried by operator op (was expired)' });
    expect((await c.store.claimDue('docomo', c.clock.now(), 10)).map((x) => x.id)).toEqual([id]);

    const again = await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${id}/retry`, headers: op });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'API_ERR_CONFLICT', detail: `message ${id} is queued: only a failed or expired message can be retried` });
    expect((await c.store.getMessage(id))?.state).toBe('queued');
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/messages/01NOSUCHMESSAGE0000000000/retry', headers: op })).statusCode).toBe(404);

    const retries = trail(c).filter((r) => r.action === 'message.retry');
    expect(retries.map((r) => [r.who, r.outcome, r.status])).toEqual([
      ['viewer', 'denied', 403],
      ['op', 'ok', 200],
      ['op', 'refused', 409],
      ['op', 'refused', 404],
    ]);
    expect(retries[1]!.detail).toBe('was expired, back in the docomo lane');
  });
});

describe('replaying callbacks', () => {
  it("one message's final callback goes again, same event id and body; refused for an open message or one without a callback_url", async () => {
    const { c, op } = await setup();
    const id = await expiredMessage(c);
    const res = await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${id}/callbacks/replay`, headers: op });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ id, status: 'expired', replayed: true });
    const jobs = await c.store.claimDueCallbacks(c.clock.now(), 10);
    expect(jobs.map((j) => j.id)).toEqual([`${id}.expired`]);
    // Claimed (leased), not yet settled: still pending, so a second replay has nothing to put back.
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${id}/callbacks/replay`, headers: op })).json()).toEqual({ id, status: 'expired', replayed: false });

    const open = (await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: { to: '090-1234-5678', text: 'x', category: 'notice', callback_url: 'http://127.0.0.1:9/hook' } })).json<{ id: string }>().id;
    const refusedOpen = await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${open}/callbacks/replay`, headers: op });
    expect(refusedOpen.statusCode).toBe(409);
    expect(refusedOpen.json<{ detail: string }>().detail).toContain('is accepted: it has no final status');
    const bare = (await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: { to: '090-1234-5678', text: 'x', category: 'notice' } })).json<{ id: string }>().id;
    await c.store.cancelMessage('default', bare, c.clock.now());
    const refusedBare = await c.app.inject({ method: 'POST', url: `/v1/ops/messages/${bare}/callbacks/replay`, headers: op });
    expect(refusedBare.statusCode).toBe(409);
    expect(refusedBare.json<{ detail: string }>().detail).toContain('without a callback_url');
    expect(await c.store.pendingCallbackCount()).toBe(1);
  });

  it("a tenant's callbacks over a time range: a four-eyes request, approved by an approver only, run once", async () => {
    const { c, op, op2, boss } = await setup();
    const a = await expiredMessage(c);
    const b = await expiredMessage(c);
    const until = c.clock.now() + 1;
    const filed = await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/callbacks/replay', headers: op, payload: { since: 0, until, reason: 'their receiver lost yesterday' } });
    expect(filed.statusCode, filed.body).toBe(202);
    const id = filed.json<{ request: { id: string } }>().request.id;
    expect(filed.json()).toMatchObject({ request: { kind: 'callbacks.replay', params: { tenant: 'default', since: 0, until }, state: 'pending' } });
    expect(await c.store.pendingCallbackCount()).toBe(0);

    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: op2 })).statusCode).toBe(403); // an operator is no approver
    expect(c.ops.desk.requests.get(id)!.state).toBe('pending');
    const approved = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: boss });
    expect(approved.json()).toMatchObject({ state: 'done', outcome: '2 callbacks put back in the outbox', filed_by: 'op', decided_by: 'boss' });
    expect((await c.store.claimDueCallbacks(c.clock.now(), 10)).map((j) => j.id).sort()).toEqual([`${a}.expired`, `${b}.expired`].sort());
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: boss })).statusCode).toBe(409);
    expect(trail(c).filter((r) => r.action === 'request.run:callbacks.replay')).toHaveLength(1);

    for (const payload of [{ since: 10, until: 10, reason: 'x' }, { since: 0, until: 5, reason: '' }, { since: -1, until: 5, reason: 'x' }]) {
      const bad = await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/callbacks/replay', headers: op, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/nobody/callbacks/replay', headers: op, payload: { since: 0, until: 5, reason: 'x' } })).statusCode).toBe(404);
    expect(c.ops.desk.requests.list(undefined, 10)).toHaveLength(1);
  });
});
