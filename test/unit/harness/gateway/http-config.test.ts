// The http adapter's config file: a good one loads, a bad key is named by
// its JSON path.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHttpGatewayConfig, validateHttpGatewayConfig } from '../../../../src/harness/gateway/http-config.ts';
import { GatewayConfigError } from '../../../../src/harness/gateway/errors.ts';

const good = {
  request: { method: 'POST', url: '{{baseUrl}}/api/sms', headers: { Authorization: 'Bearer {{apiKey}}' }, bodyFormat: 'json', body: '{"to": {{to}}, "text": {{text}}, "ref": {{clientRef}}, "notify": {{callbackUrl}}}', accepted: [202] },
  callback: { status: { json: 'state' }, statuses: { DELIVERED: 'delivered', FAILED: 'failed', SENT: 'pending' } },
};

function withChange(path: string[], value: unknown): unknown {
  const copy = structuredClone(good) as Record<string, unknown>;
  let cur = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

describe('http gateway config', () => {
  it('accepts the documented example', () => {
    expect(validateHttpGatewayConfig(structuredClone(good))).toEqual(good);
  });

  it.each([
    { change: [['request', 'metod'], 'POST'], path: '/request/metod', message: /unknown key/ },
    { change: [['callback', 'statuses', 'DELIVERED'], 'ok'], path: '/callback/statuses/DELIVERED', message: /./ },
    { change: [['request', 'method'], 'DELETE'], path: '/request/method', message: /./ },
    { change: [['request', 'url'], 'ftp://x'], path: '/request/url', message: /./ },
    { change: [['request', 'accepted'], [99]], path: '/request/accepted/0', message: /./ },
    { change: [['callback', 'status'], { xpath: 'a' }], path: '/callback/status', message: /./ },
    { change: [['callback', 'statuses'], undefined], path: '/callback/statuses', message: /./ },
    { change: [['request', 'body'], '{"to": {{phone}}}'], path: '/request/body', message: /unknown template field \{\{phone\}\}/ },
    { change: [['request', 'headers'], { 'X-Key': '{{secret}}' }], path: '/request/headers/X-Key', message: /\{\{secret\}\}/ },
  ] as const)('names $path', ({ change, path, message }) => {
    let error: unknown;
    try {
      validateHttpGatewayConfig(withChange([...change[0]], change[1]), 'gw.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayConfigError);
    expect((error as GatewayConfigError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('gw.json');
  });

  it('a GET has no body', () => {
    expect(() => validateHttpGatewayConfig(withChange(['request', 'method'], 'GET'))).toThrow(/\/request\/body: a GET has no body/);
  });

  it('loads from a file; unreadable and non-JSON files say so in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'denpa-gwcfg-'));
    try {
      await writeFile(join(dir, 'ok.json'), JSON.stringify(good));
      await writeFile(join(dir, 'bad.json'), '{ not json');
      expect(loadHttpGatewayConfig(join(dir, 'ok.json')).request.method).toBe('POST');
      expect(() => loadHttpGatewayConfig(join(dir, 'bad.json'))).toThrow(/is not JSON/);
      expect(() => loadHttpGatewayConfig(join(dir, 'none.json'))).toThrow(/cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
