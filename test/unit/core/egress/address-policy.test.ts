import { describe, expect, it } from 'vitest';
import { callbackUrlProblem, checkAddress, checkHost, egressPolicy } from '../../../../src/core/egress/index.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';

const strict = egressPolicy([]);
const embedded = egressPolicy();

describe('address policy', () => {
  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['2852039166', 'linkLocal'],
    ['0251.0376.0251.0376', 'linkLocal'],
    ['0xa9fea9fe', 'linkLocal'],
    ['169.254.43518', 'linkLocal'],
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s (%s) in every spelling', (host, range) => {
    expect(checkHost(strict, host)).toMatchObject({ ok: false, range });
  });

  it('passes global unicast and names (names are checked again after DNS)', () => {
    expect(checkHost(strict, '93.184.215.14')).toEqual({ ok: true });
    expect(checkHost(strict, '[2606:2800:21f:cb07:6820:80da:af6b:8b2c]')).toEqual({ ok: true });
    expect(checkHost(strict, 'hooks.example.com')).toEqual({ ok: true });
  });

  it('treats localhost names as loopback without DNS', () => {
    expect(checkHost(strict, 'localhost')).toMatchObject({ ok: false, range: 'loopback' });
    expect(checkHost(strict, 'api.localhost.')).toMatchObject({ ok: false, range: 'loopback' });
  });

  it('the embedded default re-opens loopback only', () => {
    for (const h of ['127.0.0.1', '127.1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(checkHost(embedded, h)).toEqual({ ok: true });
    for (const h of ['169.254.169.254', '10.0.0.1', '0.0.0.0', '[::]']) expect(checkHost(embedded, h).ok).toBe(false);
  });

  it('an operator allow-list re-opens hosts and ranges, IPv4-mapped ranges included', () => {
    const p = egressPolicy(['10.20.0.0/16', 'hooks.internal', '::ffff:192.168.0.0/112', 'fd00::5']);
    expect(checkHost(p, '10.20.3.4')).toEqual({ ok: true });
    expect(checkHost(p, '10.21.3.4').ok).toBe(false);
    expect(checkHost(p, 'HOOKS.internal')).toEqual({ ok: true });
    expect(checkAddress(p, '192.168.7.7')).toEqual({ ok: true });
    expect(checkAddress(p, '[fd00::5]')).toEqual({ ok: true });
    expect(checkAddress(p, 'fd00::6').ok).toBe(false);
  });

  it('a bad allow-list entry is a config error naming the key', () => {
    expect(() => resolveConfig({ egress: { allow: ['10.0.0.0/99'] } }, 'x.json')).toThrow(/egress\.allow\.0: 10\.0\.0\.0\/99 is not a valid CIDR range/);
  });
});

describe('callback_url at accept', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', /internal address: 169\.254\.169\.254 is a link-local address/],
    ['http://2852039166/x', /169\.254\.169\.254 is a link-local/],
    ['http://0251.0376.0251.0376/x', /link-local/],
    ['http://[::1]:8080/x', /::1 is a loopback/],
    ['http://0.0.0.0/x', /unspecified/],
    ['http://10.0.0.8/x', /private/],
    ['https://[fd12::1]/x', /unique-local/],
    ['http://a.example/x\r\nX-Injected: 1', /control characters/],
    ['http://a.example/\u0000', /control characters/],
    ['http://a.exa\tmple/', /control characters/],
    ['http://a.example/\u0085', /control characters/],
  ])('%j is refused', (url, message) => {
    expect(callbackUrlProblem(url, strict)).toMatch(message);
  });

  it('public names and loopback under the embedded default pass', () => {
    expect(callbackUrlProblem('https://hooks.example.com/denpa?x=1', strict)).toBeUndefined();
    expect(callbackUrlProblem('http://127.0.0.1:8790/cb', embedded)).toBeUndefined();
    expect(callbackUrlProblem('http://127.0.0.1:8790/cb', strict)).toMatch(/loopback/);
  });
});
