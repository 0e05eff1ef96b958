// Tenants over the admin API. The config file's tenants are listed (source
// "config") but changed only in the file; tenants created here live in
// operators.db and take effect at once: their keys (issued through
// POST /v1/ops/tenants/:tenant/keys) authenticate at the next request, their
// callbacks are signed with their secret, their windows and inbound numbers
// apply in the API and the delivery thread.
//   GET   /v1/ops/tenants                  viewer  every tenant, config and added
//   POST  /v1/ops/tenants                  admin   create (the callback secret is shown once)
//   PATCH /v1/ops/tenants/:tenant          admin   change an added tenant's settings
//   POST  /v1/ops/tenants/:tenant/disable  admin   its keys stop working; its messages still finish and call back
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, validationError } from '../../api/errors.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { TenantConfig } from '../../config/index.ts';
import type { OpsDesk } from '../desk.ts';
import { CreatedTenantSchema, NewTenantSchema, TenantChangeSchema, TenantListSchema, TenantParams, TenantSchema } from '../schemas.ts';
import { newCallbackSecret, type ApiTenant, type TenantSettings } from '../tenant-table.ts';

/** The config's default for a tenant's rate limit. */
const DEFAULT_RATE_LIMIT = { max: 20_000, windowMs: 1000 };

const configView = (t: TenantConfig) => ({
  name: t.name,
  source: 'config' as const,
  state: 'active' as const,
  callback_url: null,
  inbound_url: t.inboundUrl ?? null,
  send_windows: t.sendWindows ?? null,
  inbound_numbers: [...(t.inboundNumbers ?? [])],
  rate_limit: { max: t.rateLimit.max, window_ms: t.rateLimit.windowMs },
  created_at: null,
  created_by: null,
  updated_at: null,
  disabled_at: null,
});

const addedView = (t: ApiTenant) => ({
  name: t.name,
  source: 'api' as const,
  state: t.disabledAt === undefined ? ('active' as const) : ('disabled' as const),
  callback_url: t.callbackUrl ?? null,
  inbound_url: t.inboundUrl ?? null,
  send_windows: t.sendWindows ?? null,
  inbound_numbers: [...(t.inboundNumbers ?? [])],
  rate_limit: { max: t.rateLimit.max, window_ms: t.rateLimit.windowMs },
  created_at: t.createdAt,
  created_by: t.createdBy,
  updated_at: t.updatedAt,
  disabled_at: t.disabledAt ?? null,
});

type Fields = {
  callback_url?: string | null;
  inbound_url?: string | null;
  send_windows?: TenantSettings['sendWindows'] | null;
  inbound_numbers?: string[] | null;
  rate_limit?: { max: number; window_ms: number };
};

/** `base` with the given fields replacing its own; null clears a field. */
function settingsOf(base: TenantSettings, b: Fields): TenantSettings {
  const pick = <T>(given: T | null | undefined, current: T | undefined): T | undefined => (given === null ? undefined : (given ?? current));
  const callbackUrl = pick(b.callback_url, base.callbackUrl);
  const inboundUrl = pick(b.inbound_url, base.inboundUrl);
  const sendWindows = pick(b.send_windows, base.sendWindows);
  const inboundNumbers = pick(b.inbound_numbers, base.inboundNumbers);
  return {
    ...(callbackUrl !== undefined ? { callbackUrl } : {}),
    ...(inboundUrl !== undefined ? { inboundUrl } : {}),
    ...(sendWindows !== undefined ? { sendWindows } : {}),
    ...(inboundNumbers !== undefined ? { inboundNumbers } : {}),
    rateLimit: b.rate_limit ? { max: b.rate_limit.max, windowMs: b.rate_limit.window_ms } : base.rateLimit,
  };
}

export async function tenantRoutes(plain: FastifyInstance, opts: { desk: OpsDesk }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { tenants } = opts.desk;

  /** An added tenant by name: 404 for none, 409 for a config one. */
  const added = (name: string): ApiTenant => {
    const source = tenants.source(name);
    if (source === undefined) throw new ApiError('API_ERR_NOT_FOUND', `no tenant ${name}`);
    if (source === 'config') throw new ApiError('API_ERR_CONFLICT', `tenant ${name} is in the config file: change it there (and restart)`);
    return tenants.table.get(name)!;
  };
  const checked = (name: string, settings: TenantSettings): TenantSettings => {
    const problems = tenants.problems(name, settings);
    if (problems.length > 0) throw validationError(problems);
    return settings;
  };

  app.get(
    '/tenants',
    { config: { opsRole: 'viewer', opsAction: 'tenant.list' }, schema: { summary: 'Every tenant: from the config file and created here', response: { 200: TenantListSchema, ...problemResponses(401, 403) } } },
    async () => ({ tenants: [...tenants.configured.map(configView), ...tenants.table.list().map(addedView)] }),
  );

  app.post(
    '/tenants',
    {
      config: { opsRole: 'admin', opsAction: 'tenant.create' },
      schema: { summary: 'Create a tenant (issue its first key at POST /v1/ops/tenants/:tenant/keys)', body: NewTenantSchema, response: { 201: CreatedTenantSchema, ...problemResponses(400, 401, 403, 409) } },
    },
    async (request, reply) => {
      const b = request.body;
      if (tenants.source(b.name) !== undefined) throw new ApiError('API_ERR_CONFLICT', `tenant ${b.name} exists`);
      const settings = checked(b.name, settingsOf({ rateLimit: DEFAULT_RATE_LIMIT }, b));
      const secret = b.callback_secret ?? newCallbackSecret();
      if (!tenants.table.create(b.name, settings, secret, request.operator!.name)) throw new ApiError('API_ERR_CONFLICT', `tenant ${b.name} exists`);
      tenants.changed();
      reply.code(201);
      return { tenant: addedView(tenants.table.get(b.name)!), callback_secret: secret };
    },
  );

  app.patch(
    '/tenants/:tenant',
    {
      config: { opsRole: 'admin', opsAction: 'tenant.update' },
      schema: { summary: "Change a tenant's settings (tenants created here)", params: TenantParams, body: TenantChangeSchema, response: { 200: TenantSchema, ...problemResponses(400, 401, 403, 404, 409) } },
    },
    async (request) => {
      const current = added(request.params.tenant);
      if (current.disabledAt !== undefined) throw new ApiError('API_ERR_CONFLICT', `tenant ${current.name} is disabled`);
      tenants.table.update(current.name, checked(current.name, settingsOf(current, request.body)), request.operator!.name);
      tenants.changed();
      return addedView(tenants.table.get(current.name)!);
    },
  );

  app.post(
    '/tenants/:tenant/disable',
    {
      config: { opsRole: 'admin', opsAction: 'tenant.disable' },
      schema: { summary: 'Disable a tenant: its keys stop working, its accepted messages still finish', params: TenantParams, response: { 200: TenantSchema, ...problemResponses(401, 403, 404, 409) } },
    },
    async (request) => {
      const current = added(request.params.tenant);
      if (!tenants.table.disable(current.name, request.operator!.name)) throw new ApiError('API_ERR_CONFLICT', `tenant ${current.name} is already disabled`);
      tenants.changed();
      return addedView(tenants.table.get(current.name)!);
    },
  );
}
