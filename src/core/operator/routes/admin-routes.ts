// What only an admin does: operator accounts, tenant keys, reading the audit trail.
//   GET    /v1/ops/operators                 list
//   POST   /v1/ops/operators                 add a viewer or operator (higher roles: a four-eyes role change)
//   POST   /v1/ops/operators/:name/unlock    end a lock-out
//   GET    /v1/ops/tenants/:tenant/keys      a tenant's issued keys (never the keys themselves)
//   POST   /v1/ops/tenants/:tenant/keys      issue a key (shown once)
//   DELETE /v1/ops/tenants/:tenant/keys/:id  revoke at once
//   GET    /v1/ops/audit?since&until&limit   audit records (already masked)
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, validationError } from '../../api/errors.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { OpsDesk } from '../desk.ts';
import { passwordProblems } from '../password.ts';
import { isTimeZone } from '../working-hours.ts';
import { AuditPageSchema, AuditQuery, KeyInfoSchema, KeyListSchema, KeyParams, NameParams, NewKeySchema, NewOperatorSchema, OperatorListSchema, OperatorSchema, TenantParams } from '../schemas.ts';
import { keyView, operatorView } from './views.ts';

export async function adminRoutes(plain: FastifyInstance, opts: { desk: OpsDesk }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { desk } = opts;
  const knownTenant = (tenant: string) => {
    if (desk.tenants.source(tenant) === undefined) throw new ApiError('API_ERR_NOT_FOUND', `no tenant ${tenant}`);
  };

  app.get(
    '/operators',
    { config: { opsRole: 'admin', opsAction: 'operator.list' }, schema: { summary: 'Operator accounts', response: { 200: OperatorListSchema, ...problemResponses(401, 403) } } },
    async () => ({ operators: desk.accounts.list().map(operatorView) }),
  );

  app.post(
    '/operators',
    {
      config: { opsRole: 'admin', opsAction: 'operator.add' },
      schema: { summary: 'Add a viewer or operator', body: NewOperatorSchema, response: { 201: OperatorSchema, ...problemResponses(400, 401, 403, 409) } },
    },
    async (request, reply) => {
      const b = request.body;
      const problems = passwordProblems(b.password).map((message) => ({ field: 'password', message }));
      if (b.working_hours && !isTimeZone(b.working_hours.timeZone)) problems.push({ field: 'working_hours.timeZone', message: 'is not a known IANA time zone' });
      if (problems.length > 0) throw validationError(problems);
      try {
        const account = await desk.accounts.add({ name: b.name, role: b.role, password: b.password, workingHours: b.working_hours }, request.operator!.name);
        reply.code(201);
        return operatorView(account);
      } catch (err) {
        if ((err as { code?: string }).code === 'exists') throw new ApiError('API_ERR_CONFLICT', `operator ${b.name} exists`);
        throw err;
      }
    },
  );

  app.post(
    '/operators/:name/unlock',
    { config: { opsRole: 'admin', opsAction: 'operator.unlock' }, schema: { summary: 'End a lock-out', params: NameParams, response: { 200: OperatorSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => {
      if (!desk.accounts.unlock(request.params.name)) throw new ApiError('API_ERR_NOT_FOUND', `no operator ${request.params.name}`);
      return operatorView(desk.accounts.get(request.params.name)!);
    },
  );

  app.get(
    '/tenants/:tenant/keys',
    { config: { opsRole: 'admin', opsAction: 'tenant-key.list' }, schema: { summary: "A tenant's issued keys", params: TenantParams, response: { 200: KeyListSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => {
      knownTenant(request.params.tenant);
      return { keys: desk.keys.list(request.params.tenant).map(keyView) };
    },
  );

  app.post(
    '/tenants/:tenant/keys',
    { config: { opsRole: 'admin', opsAction: 'tenant-key.create' }, schema: { summary: 'Issue a tenant key (shown once)', params: TenantParams, response: { 201: NewKeySchema, ...problemResponses(401, 403, 404) } } },
    async (request, reply) => {
      const { tenant } = request.params;
      knownTenant(tenant);
      if (desk.tenants.table.get(tenant)?.disabledAt !== undefined) throw new ApiError('API_ERR_CONFLICT', `tenant ${tenant} is disabled: its keys would not work`);
      const issued = desk.keys.issue();
      desk.keys.install(tenant, issued.id, issued.keyHash, request.operator!.name);
      request.auditDetail = `issued ${issued.id}`;
      reply.code(201);
      return { id: issued.id, tenant, key: issued.key };
    },
  );

  app.delete(
    '/tenants/:tenant/keys/:id',
    { config: { opsRole: 'admin', opsAction: 'tenant-key.revoke' }, schema: { summary: 'Revoke a tenant key now', params: KeyParams, response: { 200: KeyInfoSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => {
      const { tenant, id } = request.params;
      if (!desk.keys.revoke(tenant, id)) throw new ApiError('API_ERR_NOT_FOUND', `no unrevoked key ${id} for tenant ${tenant}`);
      return keyView(desk.keys.get(tenant, id)!);
    },
  );

  app.get(
    '/audit',
    { config: { opsRole: 'admin', opsAction: 'audit.read' }, schema: { summary: 'Audit records, oldest first', querystring: AuditQuery, response: { 200: AuditPageSchema, ...problemResponses(400, 401, 403) } } },
    async (request) => {
      const q = request.query;
      const records: Record<string, unknown>[] = [];
      for (const r of desk.audit.records(q.since ?? 0, q.until ?? Number.MAX_SAFE_INTEGER)) {
        if (records.length >= (q.limit ?? 200)) break;
        records.push(r as Record<string, unknown>);
      }
      return { records };
    },
  );
}
