// The opt-out list through app.inject on a real SQLite store: the API to
// add, check, list and remove numbers, and what it does to promotions at
// accept (refused, nothing stored) while OTPs, notices and dunning pass.
import { afterEach, describe, expect, it } from 'vitest';
import { auth, OTHER_KEY, startTestCore, type TestCore } from './harness.ts';

let core: TestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function start(): Promise<TestCore> {
  core = await startTestCore();
  return core;
}

const promo = (to: string) => ({ to, text: 'セール開催中 配信停止は「停止」と返信', category: 'promotion' });

async function stored(c: TestCore): Promise<number> {
  const r = await c.app.inject({ method: 'GET', url: '/v1/messages?limit=1000', headers: auth() });
  return (JSON.parse(r.body) as { messages: unknown[] }).messages.length;
}

describe('/v1/opt-outs', () => {
  it('adds numbers in any accepted form, counts only new ones, lists them in number order with when and how', async () => {
    const c = await start();
    const add = await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['090-1234-5678', '+81 80 5123 4567'] } });
    expect(add.statusCode).toBe(200);
    expect(JSON.parse(add.body)).toEqual({ added: 2, numbers: ['819012345678', '818051234567'] });
    const again = await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['09012345678'] } });
    expect(JSON.parse(again.body)).toEqual({ added: 0, numbers: ['819012345678'] });

    const list = await c.app.inject({ method: 'GET', url: '/v1/opt-outs?limit=1', headers: auth() });
    const first = JSON.parse(list.body) as { opt_outs: { number: string }[]; next_cursor: string | null };
    expect(first).toEqual({ opt_outs: [{ number: '818051234567', opted_out_at: c.clock.now(), source: 'api' }], next_cursor: '818051234567' });
    const rest = await c.app.inject({ method: 'GET', url: `/v1/opt-outs?limit=1&cursor=${first.next_cursor}`, headers: auth() });
    expect(JSON.parse(rest.body)).toMatchObject({ opt_outs: [{ number: '819012345678' }], next_cursor: null });

    const check = await c.app.inject({ method: 'GET', url: '/v1/opt-outs/090-1234-5678', headers: auth() });
    expect(JSON.parse(check.body)).toEqual({ number: '819012345678', opted_out: true });
    // Another tenant's list is its own.
    const other = await c.app.inject({ method: 'GET', url: '/v1/opt-outs/090-1234-5678', headers: auth(OTHER_KEY) });
    expect(JSON.parse(other.body)).toEqual({ number: '819012345678', opted_out: false });
  });

  it('removes a number (200, no longer opted out), then 404 for one not on the list', async () => {
    const c = await start();
    await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['09012345678'] } });
    const del = await c.app.inject({ method: 'DELETE', url: '/v1/opt-outs/09012345678', headers: auth() });
    expect(del.statusCode).toBe(200);
    expect(JSON.parse(del.body)).toEqual({ number: '819012345678', opted_out: false });
    const gone = await c.app.inject({ method: 'DELETE', url: '/v1/opt-outs/09012345678', headers: auth() });
    expect(gone.statusCode).toBe(404);
    expect(JSON.parse(gone.body)).toMatchObject({ code: 'API_ERR_NOT_FOUND', errors: [{ field: 'params.number' }] });
  });

  it('refuses bad input with every bad number named, and adds none of the request', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['09012345678', '03-1234-5678', 'abc'] } });
    expect(r.statusCode).toBe(400);
    const p = JSON.parse(r.body) as { code: string; errors: { field: string }[] };
    expect(p.code).toBe('API_ERR_VALIDATION');
    expect(p.errors.map((e) => e.field)).toEqual(['numbers[1]', 'numbers[2]']);
    for (const payload of [{ numbers: [] }, { numbers: 'x' }, { numbers: ['090'], extra: 1 }, {}]) {
      expect((await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload })).statusCode).toBe(400);
    }
    expect((await c.app.inject({ method: 'GET', url: '/v1/opt-outs/09012345678', headers: auth() })).body).toContain('"opted_out":false');
    expect((await c.app.inject({ method: 'GET', url: '/v1/opt-outs', headers: {} })).statusCode).toBe(401);
  });
});

describe('promotions and the opt-out list', () => {
  it('refuses a promotion to a listed number (422 opted-out, nothing stored); OTP, notice and dunning to it pass', async () => {
    const c = await start();
    await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['09012345678'] } });
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: promo('090-1234-5678') });
    expect(r.statusCode).toBe(422);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'API_ERR_OPTED_OUT', type: 'urn:denpa:problem:opted-out', errors: [{ field: 'to', message: '819012345678 opted out of promotions from this tenant' }] });
    expect(await stored(c)).toBe(0);
    for (const category of ['otp', 'notice', 'dunning']) {
      const ok = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: { ...promo('09012345678'), category } });
      expect(ok.statusCode, category).toBe(202);
    }
    // Another tenant may still send it promotions; after removal, so may this one.
    expect((await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(OTHER_KEY), payload: promo('09012345678') })).statusCode).toBe(202);
    await c.app.inject({ method: 'DELETE', url: '/v1/opt-outs/09012345678', headers: auth() });
    expect((await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: promo('09012345678') })).statusCode).toBe(202);
  });

  it('refuses a whole batch naming each listed promotion, and stores none of it', async () => {
    const c = await start();
    await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['08051234567', '07081234567'] } });
    const messages = [promo('09012345678'), promo('08051234567'), { ...promo('07081234567'), category: 'otp' }, promo('07081234567')];
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages } });
    expect(r.statusCode).toBe(422);
    expect((JSON.parse(r.body) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['messages[1].to', 'messages[3].to']);
    expect(await stored(c)).toBe(0);
  });

  it('keeps the list across a restart', async () => {
    const c = await start();
    await c.app.inject({ method: 'POST', url: '/v1/opt-outs', headers: auth(), payload: { numbers: ['09012345678'] } });
    await c.close(true);
    core = await startTestCore({ dataDir: c.dataDir });
    expect((await core.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: promo('09012345678') })).statusCode).toBe(422);
  });
});
