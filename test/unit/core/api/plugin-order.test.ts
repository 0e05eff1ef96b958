// The API's plugins name what they need: a registration order that would
// break one fails at startup with the missing plugin's name.
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { auth, jsonBody, messageRoutes, operationRoutes, problem, queryEncoding, TenantKeys, typeboxValidatorCompiler } from '../../../../src/core/api/index.ts';
import { defaultConfig } from '../../../../src/core/config/index.ts';
import type { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import type { Store } from '../../../../src/core/store/index.ts';

// Never called: the apps here fail, or are only made ready.
const store = {} as Store;
const metrics = {} as CoreMetrics;
const config = defaultConfig();
const routeOptions = { store, clock: new ManualClock(0), config, metrics, newId: () => 'x' };

const apps: ReturnType<typeof Fastify>[] = [];
function app(): ReturnType<typeof Fastify> {
  const a = Fastify({ logger: false });
  a.setValidatorCompiler(typeboxValidatorCompiler);
  apps.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close().catch(() => {})));
});

describe('plugin dependencies', () => {
  it('refuses the message routes before auth, naming it', async () => {
    const a = app();
    await a.register(problem);
    await a.register(jsonBody);
    await a.register(queryEncoding);
    await a.register(swagger, { openapi: { info: { title: 't', version: '1' } } });
    await expect(a.register(messageRoutes, routeOptions)).rejects.toThrow(/denpa-auth/);
  });

  it('refuses auth and the body parser before problem rendering', async () => {
    await expect(app().register(auth, { keys: new TenantKeys(config.tenants) })).rejects.toThrow(/denpa-problem/);
    await expect(app().register(jsonBody)).rejects.toThrow(/denpa-problem/);
  });

  it('refuses the operation routes before the OpenAPI plugin', async () => {
    const a = app();
    await a.register(problem);
    await expect(a.register(operationRoutes, { store, metrics })).rejects.toThrow(/@fastify\/swagger/);
  });

  it('accepts the order the core uses', async () => {
    const a = app();
    await a.register(problem);
    await a.register(jsonBody);
    await a.register(queryEncoding);
    await a.register(auth, { keys: new TenantKeys(config.tenants) });
    await a.register(swagger, { openapi: { info: { title: 't', version: '1' } } });
    await a.register(operationRoutes, { store, metrics });
    await a.register(messageRoutes, routeOptions);
    await a.ready();
    expect(a.hasRoute({ method: 'POST', url: '/v1/messages' })).toBe(true);
    expect(a.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
  });
});
