// Route changes as four-eyes requests: an admin files a route override
// (direct | fallback | hold, or clear) for a carrier or one category of its
// traffic; another person approves it; it runs once; the standing list is
// durable in operators.db and handed whole to the delivery thread at each
// change and at every start.
import { afterEach, describe, expect, it } from 'vitest';
import { startOpsCore, type OpsTestCore } from './ops-harness.ts';

const cores: OpsTestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

async function start(options: Parameters<typeof startOpsCore>[0] = {}): Promise<OpsTestCore> {
  const c = await startOpsCore(options);
  cores.push(c);
  return c;
}

async function restart(c: OpsTestCore, options: Parameters<typeof startOpsCore>[0] = {}): Promise<OpsTestCore> {
  cores.splice(cores.indexOf(c), 1);
  await c.close(true);
  return start({ ...options, dataDir: c.dataDir });
}

async function people(c: OpsTestCore) {
  await c.addOperator('root', 'admin');
  await c.addOperator('root2', 'admin');
  await c.addOperator('boss', 'approver');
  await c.addOperator('filer', 'operator');
  return { root: await c.login('root'), root2: await c.login('root2'), boss: await c.login('boss'), filer: await c.login('filer') };
}

const fileRoute = async (c: OpsTestCore, headers: Record<string, string>, carrier: string, payload: object) =>
  c.app.inject({ method: 'POST', url: `/v1/ops/routes/${carrier}/override`, headers, payload: { reason: 'docomo SMSC degraded', ...payload } });

describe('four-eyes route changes', () => {
  it('filed by an admin, refused to its filer, run once on approval: the whole list goes to the delivery thread', async () => {
    const c = await start();
    const s = await people(c);
    expect(c.actions.routeLists).toEqual([[]]); // the (empty) standing list, handed over at start

    const filed = await fileRoute(c, s.root, 'docomo', { mode: 'fallback' });
    expect(filed.statusCode, filed.body).toBe(202);
    const id = filed.json<{ request: { id: string; kind: string; params: object } }>().request.id;
    expect(filed.json()).toMatchObject({ request: { kind: 'route.change', params: { carrier: 'docomo', mode: 'fallback' }, state: 'pending' } });
    expect(c.actions.routeLists).toHaveLength(1);

    // Only admin files route changes; the filer cannot approve, whatever the role.
    expect((await fileRoute(c, s.filer, 'au', { mode: 'hold' })).statusCode).toBe(403);
    const own = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.root });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'API_ERR_OWN_REQUEST' });
    expect(c.ops.desk.routes.list()).toEqual([]);

    const approved = await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.boss });
    expect(approved.json()).toMatchObject({ state: 'done', outcome: 'docomo: fallback (applied)', decided_by: 'boss' });
    expect(c.actions.routeLists.at(-1)).toEqual([{ carrier: 'docomo', mode: 'fallback' }]);
    // Approving again runs nothing.
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${id}/approve`, headers: s.root2 })).statusCode).toBe(409);
    expect(c.actions.routeLists).toHaveLength(2);

    // A category of its own next to the carrier-wide one; the whole list each time.
    const otp = (await fileRoute(c, s.root, 'docomo', { mode: 'direct', category: 'otp' })).json<{ request: { id: string } }>().request.id;
    await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${otp}/approve`, headers: s.root2 });
    expect(c.actions.routeLists.at(-1)).toEqual([
      { carrier: 'docomo', mode: 'fallback' },
      { carrier: 'docomo', category: 'otp', mode: 'direct' },
    ]);

    const routes = await c.app.inject({ url: '/v1/ops/routes', headers: s.filer });
    expect(routes.statusCode).toBe(200);
    const body = routes.json<{ overrides: object[]; prefixes: { prefix: string; carrier: string }[]; carriers: Record<string, { port: number; link_states: string[] }>; fallback: { aggregator: object | null; modes: Record<string, string> } }>();
    expect(body.overrides).toEqual([
      { carrier: 'docomo', category: null, mode: 'fallback', set_at: c.clock.now(), request_id: id },
      { carrier: 'docomo', category: 'otp', mode: 'direct', set_at: c.clock.now(), request_id: otp },
    ]);
    expect(body.prefixes).toEqual(c.config.routing.map((r) => ({ prefix: r.prefix, carrier: r.carrier })));
    expect(body.carriers.au).toMatchObject({ port: c.config.carriers.au.port, link_states: ['bound'] });
    expect(body.fallback.modes).toEqual({ docomo: 'direct', au: 'direct', softbank: 'direct' });

    // Clearing takes the carrier-wide override off and leaves the OTP one.
    const clear = (await fileRoute(c, s.root, 'docomo', { mode: 'clear' })).json<{ request: { id: string } }>().request.id;
    expect((await c.app.inject({ method: 'POST', url: `/v1/ops/requests/${clear}/approve`, headers: s.boss })).json()).toMatchObject({ state: 'done', outcome: 'docomo: override cleared (applied)' });
    expect(c.actions.routeLists.at(-1)).toEqual([{ carrier: 'docomo', category: 'otp', mode: 'direct' }]);

    const runs = ([...c.ops.desk.audit.records()] as { action: string; params: { id?: string; filed_by?: string; approved_by?: string } }[]).filter((r) => r.action === 'request.run:route.change');
    expect(runs.map((r) => r.params)).toEqual([
      { id, filed_by: 'root', approved_by: 'boss' },
      { id: otp, filed_by: 'root', approved_by: 'root2' },
      { id: clear, filed_by: 'root', approved_by: 'boss' },
    ]);
  });

  it('the standing list survives a restart and is handed over at start; an approval left unrun by a stop runs once at the next start', async () => {
    const first = await start();
    const s = await people(first);
    const hold = (await fileRoute(first, s.root, 'au', { mode: 'hold', category: 'promotion' })).json<{ request: { id: string } }>().request.id;
    await first.app.inject({ method: 'POST', url: `/v1/ops/requests/${hold}/approve`, headers: s.boss });
    const direct = (await fileRoute(first, s.root, 'softbank', { mode: 'direct' })).json<{ request: { id: string } }>().request.id;
    // Approved, then the core stops before the action (as kill -9 would leave it).
    expect(first.ops.desk.requests.decide(direct, 'boss', 'approved').kind).toBe('ok');

    const second = await restart(first);
    expect(second.resumed).toBe(1);
    expect(second.actions.routeLists).toEqual([
      [{ carrier: 'au', category: 'promotion', mode: 'hold' }],
      [
        { carrier: 'au', category: 'promotion', mode: 'hold' },
        { carrier: 'softbank', mode: 'direct' },
      ],
    ]);
    const third = await restart(second);
    expect(third.resumed).toBe(0);
    expect(third.actions.routeLists).toEqual([
      [
        { carrier: 'au', category: 'promotion', mode: 'hold' },
        { carrier: 'softbank', mode: 'direct' },
      ],
    ]);
    expect(([...third.ops.desk.audit.records()] as { action: string }[]).filter((r) => r.action === 'request.run:route.change')).toHaveLength(2);
  });

  it('bad input is refused and files nothing', async () => {
    const c = await start();
    const s = await people(c);
    for (const [carrier, payload] of [
      ['kddi', { mode: 'hold' }],
      ['docomo', { mode: 'aggregator' }],
      ['docomo', { mode: 'hold', category: 'spam' }],
      ['docomo', { mode: 'hold', reason: '' }],
      ['docomo', { mode: 'hold', extra: 1 }],
    ] as const) {
      const res = await fileRoute(c, s.root, carrier, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(c.ops.desk.requests.list(undefined, 10)).toEqual([]);
  });
});
