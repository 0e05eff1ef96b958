// Four-eyes change requests: filed by one operator, approved by another
// holding approver, run once; one's own request cannot be approved; a
// request expires; both people and both instants are in the audit trail;
// an approved request runs exactly once, also when the core stopped between
// the approval and the action.
import { afterEach, describe, expect, it } from 'vitest';
import { auth } from '../api/harness.ts';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

const cores: OpsTestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

async function start(dataDir?: string): Promise<OpsTestCore> {
  const c = await startOpsCore(dataDir ? { dataDir } : {});
  cores.push(c);
  return c;
}

async function people(c: OpsTestCore) {
  await c.addOperator('filer', 'operator');
  await c.addOperator('boss', 'approver');
  await c.addOperator('boss2', 'approver');
  await c.addOperator('root', 'admin');
  return { filer: await c.login('filer'), boss: await c.login('boss'), boss2: await c.login('boss2'), root: await c.login('root') };
}

const send = async (c: OpsTestCore, category: string) =>
  (await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: { to: '09012345678', text: 'キャンペーン', category } })).json<{ id: string }>().id;

type Rec = { who: string; action: string; at: string; outcome: string; detail?: string; params: { path?: { id?: string }; id?: string; filed_by?: string; approved_by?: string } };
const records = (c: OpsTestCore) => [...c.ops.desk.audit.records()] as Rec[];

describe('four-eyes change requests', () => {
  it('a pause is filed, not done; a second person approves it and it runs once; both people and instants are recorded', async () => {
    const c = await start();
    const s = await people(c);
    const filedAt = c.clock.now();
    const filed = await c.app.inject({ method: 'POST', url: '/v1/ops/carriers/au/pause', headers: s.filer, payload: { reason: 'SMSC maintenance 02:00' } });
    expect(filed.statusCode).toBe(202);
    const id = filed.json<{ request: { id: string; state: string } }>().request.id;
    expect(c.actions.calls).toEqual([]);
    expect((await c.app.inject({ url: '/v1/ops/status', headers: s.filer })).json<{ carriers: Record<string, { paused: boolean }> }>().carriers.au!.paused).toBe(false);

    c.clock.advance(90_000);
    const approved = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss });
    expect(approved.json()).toMatchObject({ state: 'done', filed_by: 'filer', filed_at: filedAt, decided_by: 'boss', decided_at: filedAt + 90_000, outcome: 'au paused' });
    expect(c.actions.calls).toEqual([{ carrier: 'au', paused: true }]);
    expect((await c.app.inject({ url: '/v1/ops/status', headers: s.filer })).json<{ carriers: Record<string, { paused: boolean }> }>().carriers.au!.paused).toBe(true);

    // Approving again (the same or another approver) runs nothing more.
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss2 })).json()).toMatchObject({ code: 'API_ERR_CONFLICT' });
    expect(c.actions.calls).toHaveLength(1);

    const trail = records(c);
    const file = trail.find((r) => r.action === 'request.file:carrier.pause')!;
    const approve = trail.find((r) => r.action === 'request.approve' && r.outcome === 'ok')!;
    const run = trail.filter((r) => r.action === 'request.run:carrier.pause');
    expect(file).toMatchObject({ who: 'filer', at: new Date(filedAt).toISOString(), detail: `filed ${id} (carrier.pause)` });
    expect(approve).toMatchObject({ who: 'boss', at: new Date(filedAt + 90_000).toISOString() });
    expect(approve.detail).toContain(`filed by filer at ${new Date(filedAt).toISOString()}`);
    expect(run).toHaveLength(1);
    expect(run[0]!.params).toMatchObject({ id, filed_by: 'filer', approved_by: 'boss' });

    // Resuming needs no second person.
    expect((await c.app.inject({ method: 'POST', url: '/v1/ops/carriers/au/resume', headers: s.filer })).json()).toEqual({ carrier: 'au', was_paused: true });
    expect(c.actions.calls.at(-1)).toEqual({ carrier: 'au', paused: false });
  });

  it('refuses self-approval, also for an approver or admin who filed it', async () => {
    const c = await start();
    const s = await people(c);
    const filed = await c.app.inject({ method: 'PUT', url: '/v1/ops/operators/filer/role', headers: s.root, payload: { role: 'approver', reason: 'promotion' } });
    const id = filed.json<{ request: { id: string } }>().request.id;
    const own = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.root });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'API_ERR_OWN_REQUEST' });
    expect(c.ops.desk.accounts.get('filer')!.role).toBe('operator');
    expect(c.ops.desk.requests.get(id)!.state).toBe('pending');
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss })).json()).toMatchObject({ state: 'done', outcome: 'filer is now approver' });
    expect(c.ops.desk.accounts.get('filer')!.role).toBe('approver');
    expect(records(c).filter((r) => r.action === 'request.approve').map((r) => `${r.who} ${r.outcome}`)).toEqual(['root denied', 'boss ok']);
  });

  it('a request not decided within 24 h of clock time expires, and is recorded as expired', async () => {
    const c = await start();
    const s = await people(c);
    const a = (await c.app.inject({ method: 'POST', url: '/v1/ops/carriers/docomo/pause', headers: s.filer, payload: { reason: 'x' } })).json<{ request: { id: string } }>().request.id;
    const b = (await c.app.inject({ method: 'POST', url: '/v1/ops/carriers/softbank/pause', headers: s.filer, payload: { reason: 'y' } })).json<{ request: { id: string } }>().request.id;
    c.clock.advance(24 * 3_600_000 - 1);
    const s2 = { boss: await c.login('boss'), filer: await c.login('filer') };
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${a}/approve`, headers: s2.boss })).json()).toMatchObject({ state: 'done' });
    c.clock.advance(1);
    const late = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${b}/approve`, headers: s2.boss });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'API_ERR_REQUEST_EXPIRED' });
    expect(c.actions.calls).toEqual([{ carrier: 'docomo', paused: true }]);
    expect(c.ops.desk.requests.get(b)!.state).toBe('expired');
    // Rejected requests never run either.
    const r = (await c.app.inject({ method: 'POST', url: '/v1/ops/carriers/softbank/pause', headers: s2.filer, payload: { reason: 'z' } })).json<{ request: { id: string } }>().request.id;
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${r}/reject`, headers: s2.boss })).json()).toMatchObject({ state: 'rejected', decided_by: 'boss' });
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${r}/approve`, headers: s2.boss })).statusCode).toBe(409);
    expect(c.actions.calls).toHaveLength(1);
  });

  it('a bulk cancel cancels what waited when it was approved, once', async () => {
    const c = await start();
    const s = await people(c);
    const promos = [await send(c, 'promotion'), await send(c, 'promotion')];
    const otp = await send(c, 'otp');
    const id = (await c.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/queue/cancel', headers: s.filer, payload: { reason: 'wrong list', category: 'promotion' } })).json<{ request: { id: string } }>().request.id;
    c.clock.advance(1000);
    const approved = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss });
    expect(approved.json()).toMatchObject({ state: 'done', outcome: '2 messages canceled' });
    c.clock.advance(1000);
    const later = await send(c, 'promotion');
    for (const m of promos) expect((await c.store.getMessage(m))!.state).toBe('canceled');
    expect((await c.store.getMessage(otp))!.state).toBe('accepted');
    expect((await c.store.getMessage(later))!.state).toBe('accepted');
  });

  it('approved before a stop, run at the next start exactly once; a finished request is not run again', async () => {
    const first = await start();
    const s = await people(first);
    await send(first, 'promotion');
    await send(first, 'promotion');
    const cancel = (await first.app.inject({ method: 'POST', url: '/v1/ops/tenants/default/queue/cancel', headers: s.filer, payload: { reason: 'stop it' } })).json<{ request: { id: string } }>().request.id;
    const role = (await first.app.inject({ method: 'PUT', url: '/v1/ops/operators/filer/role', headers: s.root, payload: { role: 'viewer', reason: 'left' } })).json<{ request: { id: string } }>().request.id;
    // The approval commits and the core stops before the action runs (as a kill -9 would leave it).
    expect(first.ops.desk.requests.decide(cancel, 'boss', 'approved').kind).toBe('ok');
    expect(first.ops.desk.requests.decide(role, 'boss2', 'approved').kind).toBe('ok');
    expect(first.resumed).toBe(0);
    const dataDir = first.dataDir;
    cores.splice(cores.indexOf(first), 1);
    await first.close(true);

    const second = await start(dataDir);
    expect(second.resumed).toBe(2);
    expect(second.ops.desk.requests.get(cancel)).toMatchObject({ state: 'done', outcome: '2 messages canceled', decidedBy: 'boss' });
    expect(second.ops.desk.requests.get(role)).toMatchObject({ state: 'done', outcome: 'filer is now viewer' });
    expect(second.ops.desk.accounts.get('filer')!.role).toBe('viewer');
    cores.splice(cores.indexOf(second), 1);
    await second.close(true);

    const third = await start(dataDir);
    expect(third.resumed).toBe(0);
    const runs = records(third).filter((r) => r.action.startsWith('request.run:'));
    expect(runs.map((r) => `${r.action} ${r.params.id}`).sort()).toEqual([`request.run:operator.role ${role}`, `request.run:queue.cancel ${cancel}`].sort());
    expect(third.ops.desk.audit.verify().verdict.ok).toBe(true);
  });

  it('a pause outlives a restart', async () => {
    const first = await start();
    const s = await people(first);
    const id = (await first.app.inject({ method: 'POST', url: '/v1/ops/carriers/docomo/pause', headers: s.filer, payload: { reason: 'x' } })).json<{ request: { id: string } }>().request.id;
    await first.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss });
    const dataDir = first.dataDir;
    cores.splice(cores.indexOf(first), 1);
    await first.close(true);
    const second = await start(dataDir);
    expect(second.actions.calls).toEqual([{ carrier: 'docomo', paused: true }]);
    expect(second.ops.desk.pausedCarriers()).toEqual(['docomo']);
  });
});
