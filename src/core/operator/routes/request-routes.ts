// Four-eyes change requests. Each risky action has its own endpoint that
// files a request (202) instead of acting; a second person with `approver`
// approves it and it runs then, once.
//   POST /v1/ops/carriers/:carrier/pause           operator  files carrier.pause
//   POST /v1/ops/tenants/:tenant/queue/cancel      operator  files queue.cancel (bulk-cancel what waits)
//   POST /v1/ops/tenants/:tenant/keys/:id/rotate   admin     files tenant-key.rotate (the new key is returned now, works once run)
//   PUT  /v1/ops/operators/:name/role              admin     files operator.role
//   POST /v1/ops/tenants/:tenant/callbacks/replay  operator  files callbacks.replay (a tenant's final callbacks in a time range, again)
//   GET  /v1/ops/requests, /v1/ops/requests/:id    viewer
//   POST /v1/ops/requests/:id/approve | /reject    approver  (never one's own)
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Carrier, Category } from '../../../domain/index.ts';
import { ApiError, validationError } from '../../api/errors.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { ChangeAction, Decision } from '../change-requests.ts';
import type { OpsDesk } from '../desk.ts';
import type { Role } from '../roles.ts';
import {
  BulkReplaySchema,
  CarrierParams,
  ChangeRequestSchema,
  FiledSchema,
  KeyParams,
  NameParams,
  QueueCancelSchema,
  ReasonSchema,
  RequestListQuery,
  RequestListSchema,
  RequestParams,
  RoleChangeSchema,
  RotateSchema,
  TenantParams,
} from '../schemas.ts';
import { requestView } from './views.ts';

export async function requestRoutes(plain: FastifyInstance, opts: { desk: OpsDesk }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { desk } = opts;
  const filed = { 202: FiledSchema, ...problemResponses(400, 401, 403, 404, 409) };

  const file = (request: FastifyRequest, action: ChangeAction, reason: string) => {
    const r = desk.requests.file(action, reason, request.operator!.name);
    request.auditDetail = `filed ${r.id} (${action.kind})`;
    return r;
  };
  const knownTenant = (tenant: string) => {
    if (desk.tenants.source(tenant) === undefined) throw new ApiError('API_ERR_NOT_FOUND', `no tenant ${tenant}`);
  };

  app.post(
    '/carriers/:carrier/pause',
    { config: { opsRole: 'operator', opsAction: 'request.file:carrier.pause' }, schema: { summary: 'Ask to pause a carrier (four-eyes)', params: CarrierParams, body: ReasonSchema, response: filed } },
    async (request, reply) => {
      reply.code(202);
      return { request: requestView(file(request, { kind: 'carrier.pause', carrier: request.params.carrier as Carrier }, request.body.reason)) };
    },
  );

  app.post(
    '/tenants/:tenant/queue/cancel',
    {
      config: { opsRole: 'operator', opsAction: 'request.file:queue.cancel' },
      schema: { summary: "Ask to cancel a tenant's waiting messages (four-eyes)", params: TenantParams, body: QueueCancelSchema, response: filed },
    },
    async (request, reply) => {
      knownTenant(request.params.tenant);
      const b = request.body;
      const action: ChangeAction = {
        kind: 'queue.cancel',
        tenant: request.params.tenant,
        ...(b.carrier ? { carrier: b.carrier as Carrier } : {}),
        ...(b.category ? { category: b.category as Category } : {}),
      };
      reply.code(202);
      return { request: requestView(file(request, action, b.reason)) };
    },
  );

  app.post(
    '/tenants/:tenant/callbacks/replay',
    {
      config: { opsRole: 'operator', opsAction: 'request.file:callbacks.replay' },
      schema: { summary: "Ask to send a tenant's final status callbacks again (four-eyes)", params: TenantParams, body: BulkReplaySchema, response: filed },
    },
    async (request, reply) => {
      knownTenant(request.params.tenant);
      const { since, until, reason } = request.body;
      if (until <= since) throw validationError([{ field: 'until', message: 'must be later than since' }]);
      reply.code(202);
      return { request: requestView(file(request, { kind: 'callbacks.replay', tenant: request.params.tenant, since, until }, reason)) };
    },
  );

  app.post(
    '/tenants/:tenant/keys/:id/rotate',
    { config: { opsRole: 'admin', opsAction: 'request.file:tenant-key.rotate' }, schema: { summary: 'Ask to rotate a tenant key (four-eyes)', params: KeyParams, body: RotateSchema, response: filed } },
    async (request, reply) => {
      const { tenant, id } = request.params;
      const key = desk.keys.get(tenant, id);
      if (!key || key.state === 'revoked' || key.state === 'expired') throw new ApiError('API_ERR_NOT_FOUND', `no live key ${id} for tenant ${tenant}`);
      const next = desk.keys.issue();
      const r = file(request, { kind: 'tenant-key.rotate', tenant, keyId: id, newKeyId: next.id, newKeyHash: next.keyHash, overlapSeconds: request.body.overlap_seconds }, request.body.reason);
      reply.code(202);
      return { request: requestView(r), new_key: next.key };
    },
  );

  app.put(
    '/operators/:name/role',
    { config: { opsRole: 'admin', opsAction: 'request.file:operator.role' }, schema: { summary: "Ask to change an operator's role (four-eyes)", params: NameParams, body: RoleChangeSchema, response: filed } },
    async (request, reply) => {
      if (!desk.accounts.get(request.params.name)) throw new ApiError('API_ERR_NOT_FOUND', `no operator ${request.params.name}`);
      reply.code(202);
      return { request: requestView(file(request, { kind: 'operator.role', operator: request.params.name, role: request.body.role as Role }, request.body.reason)) };
    },
  );

  app.get(
    '/requests',
    { config: { opsRole: 'viewer', opsAction: 'request.list' }, schema: { summary: 'Change requests, newest first', querystring: RequestListQuery, response: { 200: RequestListSchema, ...problemResponses(400, 401, 403) } } },
    async (request) => {
      for (const r of desk.requests.expireDue()) desk.record({ who: 'system', from: 'four-eyes', action: 'request.expire', params: { id: r.id, kind: r.action.kind, filed_by: r.filedBy }, outcome: 'ok' });
      return { requests: desk.requests.list(request.query.state, request.query.limit ?? 100).map(requestView) };
    },
  );

  app.get(
    '/requests/:id',
    { config: { opsRole: 'viewer', opsAction: 'request.read' }, schema: { summary: 'One change request', params: RequestParams, response: { 200: ChangeRequestSchema, ...problemResponses(401, 403, 404) } } },
    async (request) => {
      const r = desk.requests.get(request.params.id);
      if (!r) throw new ApiError('API_ERR_NOT_FOUND', `no request ${request.params.id}`);
      return requestView(r);
    },
  );

  const refuse = (d: Exclude<Decision, { kind: 'ok' }>, id: string): never => {
    if (d.kind === 'not-found') throw new ApiError('API_ERR_NOT_FOUND', `no request ${id}`);
    if (d.kind === 'own-request') throw new ApiError('API_ERR_OWN_REQUEST', `${id} was filed by you: another approver must decide it`);
    if (d.kind === 'expired') throw new ApiError('API_ERR_REQUEST_EXPIRED', `${id} expired at ${new Date(d.request.expiresAt).toISOString()}; file it again`);
    throw new ApiError('API_ERR_CONFLICT', `${id} is ${d.state}, not pending`);
  };

  app.post(
    '/requests/:id/approve',
    {
      config: { opsRole: 'approver', opsAction: 'request.approve' },
      schema: { summary: 'Approve and run a change request', params: RequestParams, response: { 200: ChangeRequestSchema, ...problemResponses(401, 403, 404, 409) } },
    },
    async (request) => {
      const d = desk.requests.decide(request.params.id, request.operator!.name, 'approved');
      if (d.kind !== 'ok') return refuse(d, request.params.id);
      request.auditDetail = `approved ${d.request.id} (${d.request.action.kind}) filed by ${d.request.filedBy} at ${new Date(d.request.filedAt).toISOString()}`;
      return requestView(await desk.run(d.request));
    },
  );

  app.post(
    '/requests/:id/reject',
    { config: { opsRole: 'approver', opsAction: 'request.reject' }, schema: { summary: 'Reject a change request', params: RequestParams, response: { 200: ChangeRequestSchema, ...problemResponses(401, 403, 404, 409) } } },
    async (request) => {
      const d = desk.requests.decide(request.params.id, request.operator!.name, 'rejected');
      if (d.kind !== 'ok') return refuse(d, request.params.id);
      return requestView(d.request);
    },
  );
}
