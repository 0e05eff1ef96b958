// The /v1/messages API through app.inject on a real SQLite store.
import { afterEach, describe, expect, it } from 'vitest';
import { auth, KEY, OTHER_KEY, otp, startTestCore, testConfig, type TestCore } from './harness.ts';
import { openSqliteStore } from '../../../../src/core/store/index.ts';

let core: TestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function start(overrides?: Record<string, unknown>): Promise<TestCore> {
  core = await startTestCore(overrides ? { config: testConfig(overrides) } : {});
  return core;
}

function problemOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = JSON.parse(res.body) as { type: string; title: string; status: number; detail: string; code: string; errors?: { field: string; message: string }[] };
  expect(p.status).toBe(res.statusCode);
  expect(p.type).toMatch(/^urn:denpa:problem:/);
  expect(typeof p.title).toBe('string');
  expect(typeof p.detail).toBe('string');
  return p;
}

async function listAll(c: TestCore, key = KEY): Promise<unknown[]> {
  const r = await c.app.inject({ method: 'GET', url: '/v1/messages?limit=1000', headers: auth(key) });
  expect(r.statusCode).toBe(200);
  return (JSON.parse(r.body) as { messages: unknown[] }).messages;
}

describe('POST /v1/messages', () => {
  it('answers 202 with id, encoding, segments and characters', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ client_ref: 'AB12-7' }) });
    expect(r.statusCode).toBe(202);
    const body = JSON.parse(r.body);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      status: 'accepted',
      to: '819012345678',
      category: 'otp',
      encoding: 'GSM-7',
      segments: 1,
      characters: 19,
      client_ref: 'AB12-7',
    });
    expect(r.headers.location).toBe(`/v1/messages/${body.id}`);
  });

  it('counts UCS-2 and concatenated messages', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ text: 'お知らせ'.repeat(20), category: 'notice' }) });
    expect(r.statusCode).toBe(202);
    expect(JSON.parse(r.body)).toMatchObject({ encoding: 'UCS-2', segments: 2, characters: 80 });
  });

  it('stores durably before answering: the message is there after reopening the store', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ text: '認証コード 482913', ttl_seconds: 120 }) });
    expect(r.statusCode).toBe(202);
    const { id } = JSON.parse(r.body);
    await c.close(true);
    core = undefined;
    const store = await openSqliteStore({ dataDir: c.dataDir });
    try {
      const m = await store.getMessage(id);
      expect(m).toMatchObject({ id, tenant: 'default', to: '819012345678', text: '認証コード 482913', category: 'otp', state: 'accepted', encoding: 'UCS-2', carrier: 'docomo' });
      expect(m!.expiresAt - m!.acceptedAt).toBe(120_000);
    } finally {
      await store.close();
    }
  });

  it('routes by the prefix table and applies the category TTL', async () => {
    const c = await start();
    const r1 = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ to: '+818051234567', category: 'promotion' }) });
    const g = await c.app.inject({ method: 'GET', url: `/v1/messages/${JSON.parse(r1.body).id}`, headers: auth() });
    const m = JSON.parse(g.body);
    expect(m).toMatchObject({ carrier: 'au', category: 'promotion', status: 'accepted' });
    expect(m.expires_at - m.accepted_at).toBe(3 * 86_400 * 1000);
  });

  it.each([
    [{ to: undefined }, 'to', /required/],
    [{ to: 12345678901 }, 'to', /string/],
    [{ to: '03-1234-5678' }, 'to', /not a mobile/],
    [{ to: '020-1234-5678' }, 'to', /M2M/],
    [{ to: '090-1234-567' }, 'to', /11 digits/],
    [{ to: '090-abcd-5678' }, 'to', /digits/],
    [{ to: '+1 415 555 0100' }, 'to', /Japanese/],
    [{ text: '' }, 'text', /length/],
    [{ text: 'x'.repeat(1531) }, 'text', /10 segments/],
    [{ text: 'あ'.repeat(671) }, 'text', /10 segments/],
    [{ to: '090-1234-5678', text: 'あ'.repeat(661) }, 'text', /docomo accepts at most 660 UCS-2 units/],
    [{ text: 42 }, 'text', /string/],
    [{ category: 'marketing' }, 'category', /one of: otp, notice, dunning, promotion/],
    [{ category: undefined }, 'category', /required/],
    [{ ttl_seconds: 0 }, 'ttl_seconds', /greater or equal/],
    [{ ttl_seconds: 1.5 }, 'ttl_seconds', /integer/],
    [{ ttl_seconds: '60' }, 'ttl_seconds', /integer/],
    [{ callback_url: 'not-a-url' }, 'callback_url', /absolute http/],
    [{ callback_url: 'not a url' }, 'callback_url', /spaces or control characters/],
    [{ callback_url: 'ftp://example.test/x' }, 'callback_url', /http or https/],
    [{ scheduled_at: 'tomorrow' }, 'scheduled_at', /RFC 3339/],
    [{ scheduled_at: '2099-01-01T00:00:00Z' }, 'scheduled_at', /within/],
    [{ sender: 'ä' }, 'sender', /printable ASCII/],
    [{ sender: 'x'.repeat(21) }, 'sender', /printable ASCII/],
    [{ client_ref: 'x'.repeat(129) }, 'client_ref', /length/],
    [{ notify_submitted: 'yes' }, 'notify_submitted', /boolean/],
    [{ surprise: 1 }, 'surprise', /not a known field/],
  ])('400 naming the field for %j', async (over, field, message) => {
    const c = await start();
    const payload: Record<string, unknown> = otp(over);
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete payload[k];
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload });
    expect(r.statusCode).toBe(400);
    const p = problemOf(r);
    expect(p.code).toBe('API_ERR_VALIDATION');
    const e = p.errors?.find((x) => x.field === field);
    expect(e, JSON.stringify(p.errors)).toBeDefined();
    expect(e!.message).toMatch(message);
    expect(await listAll(c)).toHaveLength(0);
  });

  it('400 for a body that is not an object, bad JSON, bad UTF-8, prototype pollution (named, as a validation error)', async () => {
    const c = await start();
    const json = { ...auth(), 'content-type': 'application/json' };
    const cases: [string | Buffer, string][] = [
      ['[1,2]', 'API_ERR_VALIDATION'],
      ['"text"', 'API_ERR_VALIDATION'],
      ['null', 'API_ERR_VALIDATION'],
      ['{"to": "09012345678",', 'API_ERR_BAD_JSON'],
      ["{'to': 1}", 'API_ERR_BAD_JSON'],
      ['', 'API_ERR_BAD_JSON'],
      [Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'API_ERR_BAD_ENCODING'],
      [Buffer.from('{"text":"\xed\xa0\x80"}', 'latin1'), 'API_ERR_BAD_ENCODING'],
      ['{"__proto__": {"admin": true}, "to": "09012345678", "text": "x", "category": "otp"}', 'API_ERR_VALIDATION'],
      ['{"constructor": {"prototype": {"admin": true}}}', 'API_ERR_VALIDATION'],
    ];
    for (const [payload, code] of cases) {
      const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: json, payload });
      expect(r.statusCode, String(payload)).toBe(400);
      expect(problemOf(r).code, String(payload)).toBe(code);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(await listAll(c)).toHaveLength(0);
  });

  it('accepts application/json with a charset parameter', async () => {
    const c = await start();
    const r = await c.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...auth(), 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify(otp()),
    });
    expect(r.statusCode).toBe(202);
  });

  it('415 for another content type', async () => {
    const c = await start();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': type }, payload: 'to=1' });
      expect(r.statusCode, type).toBe(415);
      expect(problemOf(r)).toMatchObject({ code: 'API_ERR_UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'header.content-type' }] });
    }
  });

  it('413 for a body over the limit, nothing stored', async () => {
    const c = await start({ http: { logLevel: 'silent', bodyLimitBytes: 4096 } });
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ text: 'x'.repeat(5000) }) });
    expect(r.statusCode).toBe(413);
    expect(problemOf(r).code).toBe('API_ERR_TOO_LARGE');
    expect(await listAll(c)).toHaveLength(0);
  });
});

describe('auth and tenants', () => {
  it('401 without a key, with an unknown key, or a malformed header', async () => {
    const c = await start();
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope' }, { authorization: `Basic ${KEY}` }, { authorization: 'Bearer' }]) {
      const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
      expect(r.statusCode, JSON.stringify(headers)).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(problemOf(r)).toMatchObject({ code: 'API_ERR_UNAUTHORIZED', errors: [{ field: 'header.authorization' }] });
    }
    const g = await c.app.inject({ method: 'GET', url: '/v1/messages' });
    expect(g.statusCode).toBe(401);
    expect(await listAll(c)).toHaveLength(0);
  });

  it("403 for another tenant's message; listings are per tenant", async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() });
    const { id } = JSON.parse(r.body);
    const g = await c.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth(OTHER_KEY) });
    expect(g.statusCode).toBe(403);
    expect(problemOf(g)).toMatchObject({ code: 'API_ERR_FORBIDDEN', errors: [{ field: 'params.id' }] });
    const d = await c.app.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth(OTHER_KEY) });
    expect(d.statusCode).toBe(403);
    expect(await listAll(c, OTHER_KEY)).toHaveLength(0);
    expect(await listAll(c, KEY)).toHaveLength(1);
    const still = await c.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth() });
    expect(JSON.parse(still.body).status).toBe('accepted');
  });

  it('429 with Retry-After past the tenant rate limit, other tenants unaffected', async () => {
    const c = await start({
      tenants: [
        { name: 'default', keys: [KEY], callbackSecret: 'default-secret', rateLimit: { max: 3, windowMs: 60_000 } },
        { name: 'other', keys: [OTHER_KEY], callbackSecret: 'other-secret', rateLimit: { max: 100, windowMs: 60_000 } },
      ],
    });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() });
      codes.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(problemOf(r).code).toBe('API_ERR_RATE_LIMITED');
      }
    }
    expect(codes).toEqual([202, 202, 202, 429, 429]);
    const o = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(OTHER_KEY), payload: otp() });
    expect(o.statusCode).toBe(202);
    expect(await listAll(c, OTHER_KEY)).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('a retry returns the first answer (same status, same body) and stores once', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'order-4711' };
    const first = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    c.clock.advance(5000);
    const second = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await listAll(c)).toHaveLength(1);
  });

  it('a retry after a restart of the core still gets the first answer', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'across-restart' };
    const first = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    await c.close(true);
    core = await startTestCore({ dataDir: c.dataDir });
    const again = await core.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    expect(await listAll(core)).toHaveLength(1);
  });

  it('concurrent retries with one key store once', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'burst-1' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() })));
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([202]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await listAll(c)).toHaveLength(1);
  });

  it('422 when the same key comes with a different body', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'k-1' };
    await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp({ text: 'another code 999999' }) });
    expect(r.statusCode).toBe(422);
    expect(problemOf(r)).toMatchObject({ code: 'API_ERR_IDEMPOTENCY_MISMATCH', errors: [{ field: 'header.idempotency-key' }] });
    expect(await listAll(c)).toHaveLength(1);
  });

  it('keys are per tenant', async () => {
    const c = await start();
    const a = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'idempotency-key': 'same' }, payload: otp() });
    const b = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(OTHER_KEY), 'idempotency-key': 'same' }, payload: otp() });
    expect(a.statusCode).toBe(202);
    expect(b.statusCode).toBe(202);
    expect(JSON.parse(a.body).id).not.toBe(JSON.parse(b.body).id);
  });

  it('a rejected request leaves the key unused', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'fix-and-retry' };
    const bad = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp({ to: '0312345678' }) });
    expect(bad.statusCode).toBe(400);
    const good = await c.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: otp() });
    expect(good.statusCode).toBe(202);
  });

  it('400 for a malformed key', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'idempotency-key': 'x'.repeat(300) }, payload: otp() });
    expect(r.statusCode).toBe(400);
    expect(problemOf(r).errors).toEqual([{ field: 'header.idempotency-key', message: expect.any(String) }]);
  });
});

describe('POST /v1/messages/batch', () => {
  it('accepts up to 1000 in one commit', async () => {
    const c = await start();
    const messages = Array.from({ length: 1000 }, (_, i) => otp({ to: `0901234${String(i).padStart(4, '0')}`, client_ref: `R-${i}` }));
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages } });
    expect(r.statusCode).toBe(202);
    const body = JSON.parse(r.body) as { messages: { client_ref: string; status: string }[] };
    expect(body.messages).toHaveLength(1000);
    expect(body.messages[999]).toMatchObject({ client_ref: 'R-999', status: 'accepted' });
    expect(await listAll(c)).toHaveLength(1000);
  });

  it('is all or nothing: one bad message refuses the batch, naming its index', async () => {
    const c = await start();
    const messages = [otp(), otp({ to: '0312345678' }), otp(), otp({ text: '' })];
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages } });
    expect(r.statusCode).toBe(400);
    const fields = problemOf(r).errors!.map((e) => e.field);
    expect(fields).toContain('messages[3].text');
    expect(await listAll(c)).toHaveLength(0);
    const r2 = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages: [otp(), otp({ to: '0312345678' })] } });
    expect(problemOf(r2).errors).toEqual([{ field: 'messages[1].to', message: expect.stringMatching(/not a mobile/) }]);
    expect(await listAll(c)).toHaveLength(0);
  });

  it('400 for an empty batch and for more than 1000', async () => {
    const c = await start();
    const empty = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages: [] } });
    expect(problemOf(empty).errors![0]!.field).toBe('messages');
    const many = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth(), payload: { messages: Array(1001).fill(otp()) } });
    expect(many.statusCode).toBe(400);
    expect(problemOf(many).errors![0]!.field).toBe('messages');
    expect(await listAll(c)).toHaveLength(0);
  });

  it('replays a batch by Idempotency-Key', async () => {
    const c = await start();
    const headers = { ...auth(), 'idempotency-key': 'batch-9' };
    const payload = { messages: [otp(), otp({ category: 'notice' })] };
    const a = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers, payload });
    const b = await c.app.inject({ method: 'POST', url: '/v1/messages/batch', headers, payload });
    expect(b.statusCode).toBe(202);
    expect(b.body).toBe(a.body);
    expect(await listAll(c)).toHaveLength(2);
  });
});

describe('GET, list and DELETE', () => {
  it('GET shows status and every transition; 404 for unknown ids', async () => {
    const c = await start();
    const r = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() });
    const { id } = JSON.parse(r.body);
    const g = await c.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth() });
    expect(g.statusCode).toBe(200);
    const m = JSON.parse(g.body);
    expect(m).toMatchObject({ id, status: 'accepted', segments: 1, transitions: [{ status: 'accepted', at: c.clock.now() }] });
    for (const bad of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope', 'x'.repeat(64)]) {
      const n = await c.app.inject({ method: 'GET', url: `/v1/messages/${bad}`, headers: auth() });
      expect(n.statusCode, bad).toBe(404);
      expect(problemOf(n).code).toBe('API_ERR_NOT_FOUND');
    }
  });

  it('lists with filters and a cursor', async () => {
    const c = await start();
    for (let i = 0; i < 5; i++) {
      await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp({ client_ref: `c${i}`, category: i % 2 ? 'notice' : 'otp' }) });
      c.clock.advance(1000);
    }
    const page1 = JSON.parse((await c.app.inject({ method: 'GET', url: '/v1/messages?limit=2', headers: auth() })).body);
    expect(page1.messages.map((m: { client_ref: string }) => m.client_ref)).toEqual(['c0', 'c1']);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = JSON.parse((await c.app.inject({ method: 'GET', url: `/v1/messages?limit=2&cursor=${encodeURIComponent(page1.next_cursor)}`, headers: auth() })).body);
    expect(page2.messages.map((m: { client_ref: string }) => m.client_ref)).toEqual(['c2', 'c3']);
    const notices = JSON.parse((await c.app.inject({ method: 'GET', url: '/v1/messages?category=notice', headers: auth() })).body);
    expect(notices.messages).toHaveLength(2);
    const byRef = JSON.parse((await c.app.inject({ method: 'GET', url: '/v1/messages?client_ref=c4', headers: auth() })).body);
    expect(byRef.messages).toHaveLength(1);
    const byTo = JSON.parse((await c.app.inject({ method: 'GET', url: '/v1/messages?to=%2B819012345678', headers: auth() })).body);
    expect(byTo.messages).toHaveLength(5);
    const start0 = c.clock.now() - 5000;
    const since = JSON.parse((await c.app.inject({ method: 'GET', url: `/v1/messages?since=${start0 + 3000}`, headers: auth() })).body);
    expect(since.messages).toHaveLength(2);
    const iso = new Date(start0 + 2000).toISOString();
    const until = JSON.parse((await c.app.inject({ method: 'GET', url: `/v1/messages?until=${iso}`, headers: auth() })).body);
    expect(until.messages).toHaveLength(2);
  });

  it('400 for bad list queries, naming the parameter', async () => {
    const c = await start();
    for (const [q, field] of [
      ['limit=0', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['state=lost', 'query.state'],
      ['to=0312345678', 'query.to'],
      ['since=yesterday', 'query.since'],
      ['bogus=1', 'query.bogus'],
    ]) {
      const r = await c.app.inject({ method: 'GET', url: `/v1/messages?${q}`, headers: auth() });
      expect(r.statusCode, q).toBe(400);
      expect(problemOf(r).errors!.map((e) => e.field), q).toContain(field);
    }
  });

  it('DELETE cancels while accepted; 409 once claimed for submission', async () => {
    const c = await start();
    const a = JSON.parse((await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() })).body);
    const d = await c.app.inject({ method: 'DELETE', url: `/v1/messages/${a.id}`, headers: auth() });
    expect(d.statusCode).toBe(200);
    expect(JSON.parse(d.body)).toEqual({ id: a.id, status: 'canceled' });
    // The segments say canceled too, not pending.
    const detail = JSON.parse((await c.app.inject({ method: 'GET', url: `/v1/messages/${a.id}`, headers: auth() })).body);
    expect(detail.status).toBe('canceled');
    expect(detail.segment_states.map((s: { state: string; done_at: number | null }) => [s.state, s.done_at])).toEqual([['canceled', c.clock.now()]]);
    const again = await c.app.inject({ method: 'DELETE', url: `/v1/messages/${a.id}`, headers: auth() });
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('API_ERR_NOT_CANCELABLE');

    const b = JSON.parse((await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() })).body);
    const claimed = await c.store.claimDue('docomo', c.clock.now(), 10);
    expect(claimed.map((m) => m.id)).toEqual([b.id]);
    const late = await c.app.inject({ method: 'DELETE', url: `/v1/messages/${b.id}`, headers: auth() });
    expect(late.statusCode).toBe(409);
    expect(problemOf(late).detail).toMatch(/queued/);
    const none = await c.app.inject({ method: 'DELETE', url: '/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV', headers: auth() });
    expect(none.statusCode).toBe(404);
  });
});

describe('operations', () => {
  it('healthz, readyz, metrics, openapi; unknown routes are problem+json 404', async () => {
    const c = await start();
    expect((await c.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await c.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { store: { ok: true, detail: 'open' } } });
    await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() });
    const metrics = await c.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('denpa_messages_total{carrier="docomo",category="otp",state="accepted"} 1');
    expect(metrics.body).toMatch(/denpa_http_request_duration_seconds_count\{route="\/v1\/messages",method="POST",status="202"\} 1/);
    const doc = JSON.parse((await c.app.inject({ method: 'GET', url: '/openapi.json' })).body);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/messages', '/v1/messages/batch', '/v1/messages/{id}', '/healthz', '/readyz', '/metrics']));
    expect(doc.paths['/v1/messages'].post.requestBody.content['application/json'].schema.required).toEqual(['to', 'text', 'category']);
    const nf = await c.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(nf.statusCode).toBe(404);
    expect(problemOf(nf).code).toBe('API_ERR_NOT_FOUND');
  });

  it('readyz is 503 while a readiness check fails, and after the store closes', async () => {
    const c = await start();
    await c.store.close();
    const r = await c.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(JSON.parse(r.body).checks.store.ok).toBe(false);
    const post = await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload: otp() });
    expect(post.statusCode).toBe(503);
    expect(problemOf(post).code).toBe('API_ERR_UNAVAILABLE');
  });
});
