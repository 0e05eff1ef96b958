// Which replies are opt-outs, and which tenant an MO's address names (pure).
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { addressKey, optOutKeywordOf, tenantByAddress } from '../../../../src/core/inbound/index.ts';

describe('optOutKeywordOf (NFKC, case, surrounding punctuation; whole reply only)', () => {
  const keywords = ['停止', 'STOP', '配信停止'];
  it.each([
    ['停止', '停止'],
    ['「停止」', '停止'],
    ['停止。', '停止'],
    ['  停止  ', '停止'],
    ['STOP', 'STOP'],
    ['stop', 'STOP'],
    ['Stop!', 'STOP'],
    ['ＳＴＯＰ', 'STOP'],
    ['ｓｔｏｐ。', 'STOP'],
    ['配信停止', '配信停止'],
  ])('%j is the opt-out %j', (text, keyword) => {
    expect(optOutKeywordOf(text, keywords)).toBe(keyword);
  });
  it.each(['停止しないで', 'STOPPED', 'please stop', 'はい', '', '。。'])('%j is not an opt-out', (text) => {
    expect(optOutKeywordOf(text, keywords)).toBeUndefined();
  });
  it('configured keywords are normalised the same way (ｕｎｓｕｂ matches UNSUB)', () => {
    expect(optOutKeywordOf('unsub', ['ｕｎｓｕｂ'])).toBe('UNSUB');
    expect(optOutKeywordOf('停止', [])).toBeUndefined();
  });
});

describe('tenantByAddress', () => {
  const tenants = [
    { name: 'bank', inboundNumbers: ['0120-123-456', 'BANKJP'] },
    { name: 'shop', inboundNumbers: ['+81 90 1111 2222'] },
    { name: 'plain' },
  ];
  it.each([
    ['0120123456', 'bank'],
    ['+81120123456', 'bank'],
    ['81120123456', 'bank'],
    ['０１２０１２３４５６', 'bank'],
    ['bankjp', 'bank'],
    ['09011112222', 'shop'],
    ['819011112222', 'shop'],
    ['0120123457', undefined],
    ['DENPA', undefined],
  ])('%s -> %s', (to, tenant) => {
    expect(tenantByAddress(to, tenants)).toBe(tenant);
  });
  it('spells numbers one way', () => {
    expect(addressKey('+81-90-1234-5678')).toBe('09012345678');
    expect(addressKey('090 1234 5678')).toBe('09012345678');
  });
});

describe('inbound config', () => {
  const tenant = (name: string, extra: object) => ({ name, keys: [`${name}-tenant-key-1`], callbackSecret: `${name}-secret`, ...extra });
  it('defaults the keywords to 停止 and STOP', () => {
    expect(resolveConfig({}).inbound.optOutKeywords).toEqual(['停止', 'STOP']);
  });
  it('refuses an address owned twice and an inbound URL the egress rules refuse, naming the key', () => {
    expect(() => resolveConfig({ tenants: [tenant('a', { inboundNumbers: ['0120123456'] }), tenant('b', { inboundNumbers: ['+81120123456'] })] })).toThrow(
      /tenants\.1\.inboundNumbers\.0: "\+81120123456" already belongs to tenant "a"/,
    );
    expect(() => resolveConfig({ tenants: [tenant('a', { inboundUrl: 'http://169.254.169.254/latest' })] })).toThrow(/tenants\.0\.inboundUrl/);
    expect(() => resolveConfig({ tenants: [tenant('a', { inboundUrl: 'ftp://example.com/x' })] })).toThrow(/tenants\.0\.inboundUrl/);
    expect(resolveConfig({ tenants: [tenant('a', { inboundUrl: 'http://127.0.0.1:9/in' })] }).tenants[0]?.inboundUrl).toBe('http://127.0.0.1:9/in');
  });
});
