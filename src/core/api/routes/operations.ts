// Liveness, readiness, Prometheus metrics and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CoreMetrics } from '../../metrics/index.ts';
import type { Store } from '../../store/index.ts';
import { HealthSchema, problemResponses, ReadySchema } from '../schemas.ts';

export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** Extra readiness checks (e.g. carrier links), keyed by name. */
export type ReadinessProbe = () => Record<string, ReadinessCheck> | Promise<Record<string, ReadinessCheck>>;

export interface OperationRoutesOptions {
  readonly store: Store;
  readonly metrics: CoreMetrics;
  readonly readiness?: ReadinessProbe;
}

async function operationRoutesPlugin(plain: FastifyInstance, opts: OperationRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();

  // No key on these: probes and scrapers call them (security: [] in the document).
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: the process answers', security: [], response: { 200: HealthSchema, ...problemResponses(503) } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the store answers and every carrier has a bound link',
        security: [],
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, ReadinessCheck> = {};
      try {
        // A point lookup: proves the store is open and answering.
        await opts.store.findIdempotency('\u0000readyz', 'probe');
        checks.store = { ok: true, detail: 'open' };
      } catch (err) {
        checks.store = { ok: false, detail: (err as Error).message };
      }
      if (opts.readiness) {
        try {
          Object.assign(checks, await opts.readiness());
        } catch (err) {
          checks.delivery = { ok: false, detail: (err as Error).message };
        }
      }
      const ready = Object.values(checks).every((c) => c.ok);
      reply.code(ready ? 200 : 503);
      return { ready, checks };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        security: [],
        response: {
          200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...problemResponses(503),
        },
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await opts.metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );

  app.get('/openapi.json', { schema: { summary: 'This OpenAPI document', hide: true } }, async () => app.swagger());
}

/** Encapsulated; errors render as problem+json and the OpenAPI document sees its routes. */
export const operationRoutes = fp(operationRoutesPlugin, {
  name: 'denpa-operation-routes',
  fastify: '5.x',
  encapsulate: true,
  dependencies: ['denpa-problem', '@fastify/swagger'],
});
