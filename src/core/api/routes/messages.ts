// /v1: every tenant route behind the tenant's key and rate limit. The
// routes themselves are in accept-routes.ts (POST one, POST batch),
// lookup-routes.ts (GET one, GET list, DELETE), opt-out-routes.ts and
// inbound-routes.ts (mobile-originated messages).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { ApiError } from '../errors.ts';
import { acceptRoutes, type AcceptRoutesOptions } from './accept-routes.ts';
import { lookupRoutes } from './lookup-routes.ts';
import { inboundRoutes } from './inbound-routes.ts';
import { optOutRoutes } from './opt-out-routes.ts';

export type MessageRoutesOptions = AcceptRoutesOptions;

async function messageRoutesPlugin(app: FastifyInstance, opts: MessageRoutesOptions): Promise<void> {
  // Callback style: no promise per request.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      app.authenticate(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  // Per tenant: the key is the tenant name (auth ran in onRequest), the
  // limits are the tenant's own. Checked before the body is read.
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    keyGenerator: (request: FastifyRequest) => request.tenant?.name ?? `ip:${request.ip}`,
    max: (request: FastifyRequest) => request.tenant?.rateLimit.max ?? 1,
    timeWindow: (request: FastifyRequest) => request.tenant?.rateLimit.windowMs ?? 1000,
    errorResponseBuilder: (_request, ctx) =>
      new ApiError('API_ERR_RATE_LIMITED', `rate limit of ${ctx.max} requests exceeded; retry after ${ctx.after}`, undefined, {
        'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))),
      }),
  });
  await app.register(acceptRoutes, opts);
  await app.register(lookupRoutes, { store: opts.store, clock: opts.clock, metrics: opts.metrics });
  await app.register(optOutRoutes, { store: opts.store, clock: opts.clock });
  await app.register(inboundRoutes, { store: opts.store });
}

/**
 * Encapsulated (its hooks and rate limit stay inside), and named with what
 * it needs registered first: errors render as problem+json, bodies parse
 * strictly, queries are checked, keys authenticate, and the OpenAPI
 * document sees its routes.
 */
export const messageRoutes = fp(messageRoutesPlugin, {
  name: 'denpa-message-routes',
  fastify: '5.x',
  encapsulate: true,
  dependencies: ['denpa-problem', 'denpa-json-body', 'denpa-query-encoding', 'denpa-auth', '@fastify/swagger'],
});
