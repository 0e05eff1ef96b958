// Routes as operators see and change them.
//   GET  /v1/ops/routes                    viewer  the configured links and prefixes, the standing overrides and who set them
//   POST /v1/ops/routes/:carrier/override  admin   files route.change (four-eyes): set direct | fallback | hold, or clear
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CARRIERS, type Carrier, type Category } from '../../../domain/index.ts';
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
      const carriers: Record<string, { host: string; port: number; system_id: string; binds: number; tps: number; link_states: string[] }> = {};
      for (const c of CARRIERS) {
        const l = desk.o.routing.carriers[c];
        carriers[c] = { host: l.host, port: l.port, system_id: l.systemId, binds: l.binds, tps: l.tps, link_states: [...(states[c] ?? [])] };
      }
      return {
        carriers,
        prefixes: desk.o.routing.routing.map((r) => ({ prefix: r.prefix, carrier: r.carrier })),
        overrides: desk.routes.list().map((r) => ({ carrier: r.carrier, category: r.category ?? null, mode: r.mode, set_at: r.setAt, request_id: r.requestId })),
        overrides_applied: desk.o.actions?.setRouteOverrides !== undefined,
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
