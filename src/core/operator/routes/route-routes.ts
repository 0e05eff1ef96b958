// Routes as operators see and change them.
//   GET  /v1/ops/routes                    viewer  the configured links and prefixes, the fallback route and each carrier's switch, the standing overrides and who set them
//   POST /v1/ops/routes/:carrier/override  admin   files route.change (four-eyes): set direct | fallback | hold, or clear
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CARRIERS, type Carrier, type Category } from '../../../domain/index.ts';
import type { CarrierConfig } from '../../config/index.ts';
import { AGGREGATOR } from '../../store/index.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { OpsDesk } from '../desk.ts';
import { CarrierParams, FiledSchema, RouteChangeSchema, RoutesSchema } from '../schemas.ts';
import { requestView } from './views.ts';

export async function routeRoutes(plain: FastifyInstance, opts: { desk: OpsDesk }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { desk } = opts;

  app.get(
    '/routes',
    { config: { opsRole: 'viewer', opsAction: 'routes.read' }, schema: { summary: 'Configured routes and standing overrides', response: { 200: RoutesSchema, ...problemResponses(401, 403) } } },
    async () => {
      const states = desk.o.actions?.linkStates() ?? {};
      const view = (smsc: string, l: CarrierConfig) => ({ host: l.host, port: l.port, system_id: l.systemId, binds: l.binds, tps: l.tps, link_states: [...(states[smsc] ?? [])] });
      const carriers: Record<string, ReturnType<typeof view>> = {};
      for (const c of CARRIERS) carriers[c] = view(c, desk.o.routing.carriers[c]);
      const { fallback } = desk.o.routing;
      return {
        carriers,
        prefixes: desk.o.routing.routing.map((r) => ({ prefix: r.prefix, carrier: r.carrier })),
        fallback: {
          aggregator: fallback.aggregator ? view(AGGREGATOR, fallback.aggregator) : null,
          categories: { ...fallback.categories },
          fail_after_ms: fallback.failAfterMs,
          return_after_ms: fallback.returnAfterMs,
          modes: desk.o.actions?.routeModes() ?? {},
        },
        overrides: desk.routes.list().map((r) => ({ carrier: r.carrier, category: r.category ?? null, mode: r.mode, set_at: r.setAt, request_id: r.requestId })),
      };
    },
  );

  app.post(
    '/routes/:carrier/override',
    {
      config: { opsRole: 'admin', opsAction: 'request.file:route.change' },
      schema: { summary: "Ask to set or clear a carrier's route override (four-eyes)", params: CarrierParams, body: RouteChangeSchema, response: { 202: FiledSchema, ...problemResponses(400, 401, 403) } },
    },
    async (request, reply) => {
      const b = request.body;
      const action = { kind: 'route.change' as const, carrier: request.params.carrier as Carrier, ...(b.category ? { category: b.category as Category } : {}), mode: b.mode };
      const r = desk.requests.file(action, b.reason, request.operator!.name);
      request.auditDetail = `filed ${r.id} (route.change)`;
      reply.code(202);
      return { request: requestView(r) };
    },
  );
}
