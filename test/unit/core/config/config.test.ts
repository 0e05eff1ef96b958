import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfigFile, resolveConfig } from '../../../../src/core/config/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'denpa-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(input: unknown): string[] {
  try {
    resolveConfig(input, 'core.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('default config', () => {
  it('points at the simulator defaults and the dev tenant', () => {
    const c = defaultConfig();
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(c.tenants).toEqual([{ name: 'default', keys: ['denpa-dev-key'], callbackSecret: 'denpa-dev-secret', rateLimit: { max: 20_000, windowMs: 1000 } }]);
    expect(c.carriers.docomo).toMatchObject({ port: 2775, systemId: 'denpa', password: 'dcm-pass' });
    expect(c.carriers.au).toMatchObject({ port: 2776, systemId: 'denpa', password: 'au-pass' });
    expect(c.carriers.softbank).toMatchObject({ port: 2777, systemId: 'denpa', password: 'sb-pass' });
    expect(c.messages.ttlSeconds.otp).toBe(300);
    expect(c.numberLookup).toEqual({ kind: 'http', url: 'http://127.0.0.1:8775', timeoutMs: 200, batchMax: 1000, downForMs: 5000, cacheTtlSeconds: 3600, cacheMaxEntries: 100_000 });
    expect(c.routing).toHaveLength(39); // 4 mobile prefixes x 10 digits, less 0800 (toll-free);
  });

  it('fills defaults around a partial file and keeps given values', () => {
    const c = resolveConfig({ carriers: { au: { binds: 4 } }, messages: { ttlSeconds: { otp: 120 } } });
    expect(c.carriers.au.binds).toBe(4);
    expect(c.carriers.au.port).toBe(2776);
    expect(c.messages.ttlSeconds).toMatchObject({ otp: 120, notice: 86_400 });
  });

  it('does not share default objects between resolutions', () => {
    const a = defaultConfig();
    a.tenants[0]!.keys.push('x-mutated');
    a.routing.pop();
    const b = defaultConfig();
    expect(b.tenants[0]!.keys).toEqual(['denpa-dev-key']);
    expect(b.routing).toHaveLength(39);
  });
});

describe('bad config names the file and the key', () => {
  it.each([
    [{ http: { prot: 1 } }, 'core.json: http.prot: unknown key'],
    [{ carriers: { kddi: {} } }, 'core.json: carriers.kddi: unknown key'],
    [{ carriers: { docomo: { port: 70000 } } }, 'core.json: carriers.docomo.port:'],
    [{ carriers: { docomo: { window: 'ten' } } }, 'core.json: carriers.docomo.window: Expected integer'],
    [{ tenants: [] }, 'core.json: tenants:'],
    [{ tenants: [{ name: 'a', keys: ['short'], callbackSecret: '12345678' }] }, 'core.json: tenants.0.keys.0:'],
    [{ tenants: [{ name: 'a', keys: ['12345678'] }] }, 'core.json: tenants.0.callbackSecret:'],
    [{ routing: [{ prefix: '090', carrier: 'rakuten' }] }, 'core.json: routing.0.carrier:'],
    [{ messages: { ttlSeconds: { otp: 0 } } }, 'core.json: messages.ttlSeconds.otp:'],
    [{ numberLookup: { url: '127.0.0.1:8775' } }, 'core.json: numberLookup.url:'],
    [{ numberLookup: { kind: 'dns' } }, 'core.json: numberLookup.kind:'],
    [{ numberLookup: { timeoutMs: 0 } }, 'core.json: numberLookup.timeoutMs:'],
    [{ callbacks: { initialDelayMs: 10_000, maxDelayMs: 5000 } }, 'core.json: callbacks.initialDelayMs: must not exceed'],
    [
      {
        tenants: [
          { name: 'a', keys: ['12345678'], callbackSecret: '12345678' },
          { name: 'a', keys: ['12345678'], callbackSecret: '12345678' },
        ],
      },
      'core.json: tenants.1.name: duplicate tenant name',
    ],
    [[], 'core.json: (root): must be a JSON object'],
  ])('%j', (input, expected) => {
    const found = problems(input);
    expect(found.some((p) => p.startsWith(expected)), `${found.join('\n')}`).toBe(true);
  });

  it('reports a file that is not JSON, or missing, with its path', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ "http": ');
    expect(() => loadConfigFile(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
    expect(() => loadConfigFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
  });

  it('loads a good file', () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ http: { port: 0 }, store: { dataDir: '/tmp/x' } }));
    const c = loadConfigFile(good);
    expect(c.http.port).toBe(0);
    expect(c.store.dataDir).toBe('/tmp/x');
  });
});
