// The operator API under /v1/ops: an encapsulated plugin, so its session
// check and audit hook apply to its own routes only (tenant routes keep
// their API-key auth). Every route declares `opsRole` and `opsAction`.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { OpsDesk } from '../desk.ts';
import type { OffHoursWatch } from '../off-hours.ts';
import { adminRoutes } from './admin-routes.ts';
import { installGuard } from './guard.ts';
import { requestRoutes } from './request-routes.ts';
import { routeRoutes } from './route-routes.ts';
import { serviceRoutes } from './service-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { tenantRoutes } from './tenant-routes.ts';

export interface OpsRoutesOptions {
  readonly desk: OpsDesk;
  readonly offHours: OffHoursWatch;
}

async function opsRoutesPlugin(app: FastifyInstance, opts: OpsRoutesOptions): Promise<void> {
  await app.register(
    async (ops) => {
      installGuard(ops, opts.desk, { onOperatorActivity: (account, action, request) => opts.offHours.observe(account, action, request.ip) });
      await ops.register(sessionRoutes, opts);
      await ops.register(serviceRoutes, opts);
      await ops.register(requestRoutes, opts);
      await ops.register(adminRoutes, opts);
      await ops.register(routeRoutes, opts);
      await ops.register(tenantRoutes, opts);
    },
    { prefix: '/v1/ops' },
  );
}

export const opsRoutes = fp(opsRoutesPlugin, {
  name: 'denpa-ops-routes',
  fastify: '5.x',
  encapsulate: true,
  dependencies: ['denpa-problem', '@fastify/swagger'],
});
