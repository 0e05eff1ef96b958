// --gateway, --gateway-config and --target resolved together, once, at the edge.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunOptions } from '../../../../src/harness/orchestrate/run-options.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

const scenario = 'scenarios/otp-smoke.ts';
const target = { target: 'http://127.0.0.1:13013', sim: 'http://127.0.0.1:8775' };
const resolve = (input: Record<string, unknown>) => resolveRunOptions({ scenario, ...input }, { clock: new ManualClock(0) });

describe('gateway options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-gwopt-'));
    await writeFile(join(dir, 'gw.json'), JSON.stringify({ request: { method: 'GET', url: '{{baseUrl}}/send?to={{to}}' }, callback: { status: { query: 's' }, statuses: { ok: 'delivered' } } }));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ request: { method: 'GET', url: '{{baseUrl}}/send', verb: 'x' }, callback: { status: { query: 's' }, statuses: { ok: 'delivered' } } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to denpa; kannel runs locally', () => {
    expect(resolve({}).gateway).toBe('denpa');
    expect(resolve({ gateway: 'kannel' }).gateway).toBe('kannel');
  });

  it.each([
    [{ gateway: 'jasmin' }, /--gateway jasmin needs --target/],
    [{ gateway: 'http', ...target }, /needs --gateway-config/],
    [{ gateway: 'kannel', gatewayConfig: 'x.json' }, /--gateway-config is for --gateway http/],
    [{ gateway: 'kannel', ...target }, /--api-key username:password/],
    [{ gateway: 'smpp' }, /--gateway/],
  ])('%j is refused', (input, message) => {
    expect(() => resolve(input)).toThrow(message);
  });

  it('loads and validates the http config file', () => {
    const o = resolve({ gateway: 'http', gatewayConfig: join(dir, 'gw.json'), ...target });
    expect(o.httpConfig?.request.url).toBe('{{baseUrl}}/send?to={{to}}');
    expect(() => resolve({ gateway: 'http', gatewayConfig: join(dir, 'bad.json'), ...target })).toThrow(/\/request\/verb: unknown key/);
  });

  it('kannel and jasmin against a target take username:password', () => {
    expect(resolve({ gateway: 'jasmin', apiKey: 'u:p', ...target }).target).toEqual({ coreUrl: target.target, simUrl: target.sim });
  });
});
