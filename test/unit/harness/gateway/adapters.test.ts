// Each adapter's request, checked against the gateway's documentation (the
// Kannel user guide's sendsms CGI and dlr-url escapes, Jasmin's HTTP API
// page), not against our own encoder: the query or form is read back with
// the platform's URLSearchParams, as the gateway would read it.
import { describe, expect, it } from 'vitest';
import { gatewayAdapter, callbackUrl, internationalNumber, credentials } from '../../../../scenarios/lib/gateway/index.ts';
import { KANNEL_DLR_MASK } from '../../../../scenarios/lib/gateway/kannel.ts';
import { utf16beHex, jasminMessageId } from '../../../../scenarios/lib/gateway/jasmin.ts';
import type { HttpGatewayConfig } from '../../../../scenarios/lib/gateway/http.ts';

const message = { to: '090-1234-5678', text: '認証コードは123456です。', category: 'otp', runId: 'AB12', seq: 7, sinkUrl: 'http://127.0.0.1:8790' };

describe('numbers and credentials', () => {
  it.each([
    ['09012345678', '819012345678'],
    ['+818012345678', '818012345678'],
    ['070-1234-5678', '817012345678'],
    ['819012345678', '819012345678'],
  ])('%s -> %s', (to, want) => expect(internationalNumber(to)).toBe(want));

  it('splits username:password at the first colon and refuses a bare key', () => {
    expect(credentials('foo:bar:baz')).toEqual({ username: 'foo', password: 'bar:baz' });
    expect(() => credentials('denpa-dev-key')).toThrow(/username:password/);
  });
});

describe('denpa adapter', () => {
  const a = gatewayAdapter('denpa', { baseUrl: 'http://127.0.0.1:8080', apiKey: 'k1' });
  it('posts /v1/messages with a bearer key, client_ref and the callback URL', () => {
    const r = a.request(message);
    expect(r).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8080/v1/messages', headers: { Authorization: 'Bearer k1', 'Content-Type': 'application/json' } });
    expect(JSON.parse(r.body ?? '')).toEqual({ to: message.to, text: message.text, category: 'otp', client_ref: 'AB12-7', callback_url: 'http://127.0.0.1:8790/callbacks/AB12' });
  });
  it.each([
    [202, true],
    [200, false],
    [429, false],
    [503, false],
  ])('answer %i accepted=%s', (status, want) => expect(a.accepted({ status, body: '{}' })).toBe(want));
});

describe('kannel adapter (smsbox /cgi-bin/sendsms)', () => {
  const a = gatewayAdapter('kannel', { baseUrl: 'http://127.0.0.1:13013', apiKey: 'foo:bar' });
  const r = a.request(message);
  const url = new URL(r.url);
  const q = url.searchParams;

  it('is a GET of /cgi-bin/sendsms with the documented CGI variables', () => {
    expect(r.method).toBe('GET');
    expect(r.body).toBeNull();
    expect(url.pathname).toBe('/cgi-bin/sendsms');
    expect(q.get('username')).toBe('foo');
    expect(q.get('password')).toBe('bar');
    expect(q.get('to')).toBe('819012345678');
    expect(q.get('text')).toBe(message.text);
    expect(q.get('charset')).toBe('UTF-8');
    // coding: 0 = 7 bit, 1 = 8 bit, 2 = UCS-2
    expect(q.get('coding')).toBe('2');
  });

  it('asks for final reports only: dlr-mask 1 + 2 + 16', () => {
    expect(q.get('dlr-mask')).toBe('19');
    expect(KANNEL_DLR_MASK).toBe(19);
  });

  it('leaves the %d %i %I %A escapes for Kannel to fill, after it decodes the CGI variable', () => {
    const dlr = q.get('dlr-url') ?? '';
    expect(dlr).toBe('http://127.0.0.1:8790/callbacks/kannel/AB12/7?type=%d&smsc=%i&id=%I&reply=%A');
    // The escapes travel percent-encoded, or Kannel's own URL decoding would eat them.
    expect(r.url).toContain('%25d');
  });

  it.each([
    [202, '0: Accepted for delivery', true],
    [202, '3: Queued for later delivery', true],
    [403, 'Authorization failed for sendsms', false],
    [400, 'Sender missing and no global set, rejected', false],
    [503, 'Temporal failure, try again later.', false],
  ])('answer %i %s accepted=%s', (status, body, want) => expect(a.accepted({ status, body })).toBe(want));
});

describe('jasmin adapter (HTTP API /send)', () => {
  const a = gatewayAdapter('jasmin', { baseUrl: 'http://127.0.0.1:1401', apiKey: 'jasmin_user:jasmin_pass' });
  const r = a.request(message);
  const form = new URLSearchParams(r.body ?? '');

  it('encodes UCS-2 as the docs show: the Arabic example and hex-content 0623063106460628', () => {
    expect(utf16beHex('\u0623\u0631\u0646\u0628')).toBe('0623063106460628');
    expect(utf16beHex('認')).toBe('8a8d');
  });

  it('posts the documented parameters with a terminal-and-SMSC DLR by POST', () => {
    expect(r).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:1401/send', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(Object.fromEntries(form)).toEqual({
      username: 'jasmin_user',
      password: 'jasmin_pass',
      to: '819012345678',
      coding: '8',
      'hex-content': utf16beHex(message.text),
      dlr: 'yes',
      'dlr-url': 'http://127.0.0.1:8790/callbacks/jasmin/AB12/7',
      'dlr-level': '3',
      'dlr-method': 'POST',
    });
    expect(form.has('content')).toBe(false);
  });

  it.each([
    [200, 'Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d"', true],
    [400, 'Error "Mandatory arguments not found, please refer to the HTTPAPI specifications."', false],
    [403, 'Error "Authentication failure for username:foo"', false],
    [412, 'Error "No route found"', false],
    [500, 'Error "Cannot send submit_sm, check SMPPClientManagerPB log file for details"', false],
    [200, 'Error "No route found"', false],
  ])('answer %i %s accepted=%s', (status, body, want) => expect(a.accepted({ status, body })).toBe(want));

  it('reads the queued message id', () => {
    expect(jasminMessageId('Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d"')).toBe('07033084-5cfd-4812-90a4-e4d24ffb6e3d');
    expect(jasminMessageId('Error "No route found"')).toBeUndefined();
  });
});

describe('http adapter (declarative)', () => {
  const config: HttpGatewayConfig = {
    request: {
      method: 'POST',
      url: '{{baseUrl}}/api/{{category}}/sms?ref={{clientRef}}',
      headers: { Authorization: 'Token {{apiKey}}', 'X-Run': '{{runId}}' },
      bodyFormat: 'json',
      body: '{"to": {{toInternational}}, "text": {{text}}, "notify": {{callbackUrl}}, "seq": {{seq}}}',
      accepted: [201],
    },
    callback: { status: { json: 'state' }, statuses: { DONE: 'delivered' } },
  };
  const a = gatewayAdapter('http', { baseUrl: 'https://gw.example', apiKey: 's3cret' }, config);

  it('fills the templates, each value escaped for where it goes', () => {
    const r = a.request({ ...message, text: 'He said "hi" & 50%' });
    expect(r.url).toBe('https://gw.example/api/otp/sms?ref=AB12-7');
    expect(r.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Token s3cret', 'X-Run': 'AB12' });
    expect(JSON.parse(r.body ?? '')).toEqual({ to: '819012345678', text: 'He said "hi" & 50%', notify: callbackUrl('http', message), seq: '7' });
    expect(r.name).toBe('POST {baseUrl}/api/{category}/sms?ref={clientRef}');
  });

  it('form bodies are percent-encoded', () => {
    const f = gatewayAdapter('http', { baseUrl: 'https://gw.example', apiKey: 'k' }, { ...config, request: { method: 'POST', url: '{{baseUrl}}/send', bodyFormat: 'form', body: 'to={{to}}&msg={{text}}' } });
    const body = new URLSearchParams(f.request({ ...message, text: 'a&b=c 認証' }).body ?? '');
    expect(body.get('to')).toBe(message.to);
    expect(body.get('msg')).toBe('a&b=c 認証');
  });

  it('counts only the configured statuses as accepted', () => {
    expect(a.accepted({ status: 201, body: '' })).toBe(true);
    expect(a.accepted({ status: 202, body: '' })).toBe(false);
  });

  it('refuses to start without its config, and an unknown gateway', () => {
    expect(() => gatewayAdapter('http', { baseUrl: 'x', apiKey: 'k' })).toThrow(/--gateway-config/);
    expect(() => gatewayAdapter('smpp', { baseUrl: 'x', apiKey: 'k' })).toThrow(/unknown gateway/);
  });
});
