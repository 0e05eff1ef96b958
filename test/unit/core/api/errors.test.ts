import { describe, expect, it } from 'vitest';
import { API_ERRORS, ApiError, acceptMessage, fieldName, problemOf, problemType, toApiError } from '../../../../src/core/api/index.ts';
import { defaultConfig } from '../../../../src/core/config/index.ts';

describe('the error catalogue', () => {
  it.each(Object.entries(API_ERRORS))('%s has a status, a title and a stable type', (code, def) => {
    expect(code).toMatch(/^API_ERR_[A-Z_]+$/);
    expect(def.status).toBeGreaterThanOrEqual(400);
    expect(def.status).toBeLessThan(600);
    const err = new ApiError(code as keyof typeof API_ERRORS, 'why');
    expect(err.statusCode).toBe(def.status);
    const p = problemOf(err, '/x');
    expect(p).toEqual({ type: `urn:denpa:problem:${def.slug}`, title: def.title, status: def.status, detail: 'why', code, instance: '/x' });
  });

  it('types are unique', () => {
    const types = Object.keys(API_ERRORS).map((c) => problemType(c as keyof typeof API_ERRORS));
    expect(new Set(types).size).toBe(types.length);
  });

  it.each([
    [{ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'API_ERR_TOO_LARGE'],
    [{ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 'API_ERR_UNSUPPORTED_MEDIA_TYPE'],
    [{ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, 'API_ERR_BAD_JSON'],
    [{ code: 'FST_ERR_BAD_URL', statusCode: 400 }, 'API_ERR_VALIDATION'],
    [{ code: 'STORE_ERR_CLOSED' }, 'API_ERR_UNAVAILABLE'],
    [{ statusCode: 404 }, 'API_ERR_NOT_FOUND'],
    [{ statusCode: 400, message: 'weird' }, 'API_ERR_VALIDATION'],
    [new SyntaxError('Unexpected token'), 'API_ERR_BAD_JSON'],
    [new TypeError('x is undefined'), 'API_ERR_INTERNAL'],
    ['a string', 'API_ERR_INTERNAL'],
  ])('maps %j to %s', (thrown, code) => {
    const err = thrown instanceof Error || typeof thrown === 'string' ? thrown : Object.assign(new Error((thrown as { message?: string }).message ?? 'x'), thrown);
    expect(toApiError(err).code).toBe(code);
  });

  it('never leaks an internal message', () => {
    expect(toApiError(new Error('SELECT * FROM secrets failed')).message).toBe('internal error');
  });
});

describe('fieldName', () => {
  it.each([
    ['/to', 'body', 'to'],
    ['/messages/3/to', 'body', 'messages[3].to'],
    ['', 'body', 'body'],
    ['/limit', 'query', 'query.limit'],
    ['/id', 'params', 'params.id'],
    ['/a~1b', 'body', 'a/b'],
  ])('%s in %s -> %s', (path, part, expected) => {
    expect(fieldName(path, part)).toBe(expected);
  });
});

describe('acceptMessage', () => {
  const config = defaultConfig();
  const ctx = { tenant: 't', now: Date.UTC(2026, 5, 1), id: '01M89AXBZ6D7GEJQA4ZC8DNNXC', config };

  it('builds the stored message: canonical number, route, deadlines, encoded parts', () => {
    const a = acceptMessage({ to: '080-5123-4567', text: 'x'.repeat(200), category: 'notice', client_ref: 'r' }, ctx);
    if (!a.ok) throw new Error(JSON.stringify(a.errors));
    expect(a.message).toMatchObject({
      to: '818051234567',
      carrier: 'au',
      encoding: 'GSM-7',
      segments: 2,
      characters: 200,
      acceptedAt: ctx.now,
      expiresAt: ctx.now + 86_400_000,
      sender: 'DENPA',
      clientRef: 'r',
      notifySubmitted: false,
    });
    expect(a.message.parts.map((p) => [p.dataCoding, p.esmClass, p.bytes.length])).toEqual([
      [0, 0x40, 159],
      [0, 0x40, 53],
    ]);
    // Both segments share one reference and number themselves 1/2, 2/2.
    expect(a.message.parts.map((p) => Buffer.from(p.bytes.subarray(0, 6)).toString('hex'))).toEqual([
      `050003${Buffer.from([a.message.parts[0]!.bytes[3]!]).toString('hex')}0201`,
      `050003${Buffer.from([a.message.parts[0]!.bytes[3]!]).toString('hex')}0202`,
    ]);
    expect(a.answer).toEqual({ id: ctx.id, status: 'accepted', to: '818051234567', category: 'notice', encoding: 'GSM-7', segments: 2, characters: 200, client_ref: 'r' });
  });

  it('a schedule moves the deadline; a past schedule means now', () => {
    const later = acceptMessage({ to: '09012345678', text: 'x', category: 'otp', scheduled_at: ctx.now + 60_000 }, ctx);
    if (!later.ok) throw new Error('expected ok');
    expect(later.message.scheduledAt).toBe(ctx.now + 60_000);
    expect(later.message.expiresAt).toBe(ctx.now + 60_000 + 300_000);
    const past = acceptMessage({ to: '09012345678', text: 'x', category: 'otp', scheduled_at: '2020-01-01T00:00:00+09:00' }, ctx);
    if (!past.ok) throw new Error('expected ok');
    expect(past.message.scheduledAt).toBeUndefined();
  });

  it('follows the routed carrier\'s long-message limit: docomo 660 full-width characters, au and SoftBank 670', () => {
    const text = (n: number): string => 'あ'.repeat(n);
    // 0901… routes to docomo, 0805… to au, 0708… to softbank (the home-carrier table).
    expect(acceptMessage({ to: '09012345678', text: text(660), category: 'notice' }, ctx).ok).toBe(true);
    const docomo = acceptMessage({ to: '09012345678', text: text(661), category: 'notice' }, ctx);
    expect(docomo).toEqual({ ok: false, errors: [{ field: 'text', message: 'is 661 characters (661 UCS-2 units); docomo accepts at most 660 UCS-2 units in one long message' }] });
    expect(acceptMessage({ to: '08051234567', text: text(661), category: 'notice' }, ctx).ok).toBe(true);
    expect(acceptMessage({ to: '07081234567', text: text(670), category: 'notice' }, ctx).ok).toBe(true);
    // Over 670 the 10-segment rule refuses first, for every carrier.
    const au = acceptMessage({ to: '08051234567', text: text(671), category: 'notice' }, ctx);
    expect(au.ok ? [] : au.errors.map((e) => e.message)).toEqual([expect.stringContaining('the limit is 10 segments')]);
  });

  it('collects every problem with its prefix', () => {
    const a = acceptMessage({ to: '0312345678', text: 'あ'.repeat(700), category: 'otp', callback_url: 'mailto:x@y', ttl_seconds: 9_999_999 }, ctx, 'messages[2].');
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.errors.map((e) => e.field)).toEqual(['messages[2].to', 'messages[2].text', 'messages[2].callback_url', 'messages[2].ttl_seconds']);
  });
});
