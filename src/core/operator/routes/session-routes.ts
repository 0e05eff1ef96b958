// Logging in and out.
//   POST /v1/ops/login   {name, password} -> a session token (15 min by default)
//   POST /v1/ops/logout  ends the caller's session
//   GET  /v1/ops/me      who the session belongs to
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../api/errors.ts';
import { problemResponses } from '../../api/schemas.ts';
import type { OpsDesk } from '../desk.ts';
import { EndedSchema, LoginSchema, MeSchema, SessionSchema } from '../schemas.ts';
import type { OffHoursWatch } from '../off-hours.ts';

export async function sessionRoutes(plain: FastifyInstance, opts: { desk: OpsDesk; offHours: OffHoursWatch }): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { desk } = opts;

  app.post(
    '/login',
    {
      config: { opsRole: 'none', opsAction: 'login' },
      schema: { summary: 'Log in as an operator', security: [], body: LoginSchema, response: { 200: SessionSchema, ...problemResponses(400, 401, 423) } },
    },
    async (request) => {
      const { name, password } = request.body;
      request.auditWho = name.slice(0, 64);
      const outcome = await desk.accounts.login(name, password);
      if (outcome.kind === 'locked') {
        throw new ApiError('API_ERR_LOCKED', `the account is locked until ${new Date(outcome.until).toISOString()} after repeated failed logins; an admin may unlock it`, undefined, {
          'retry-after': String(Math.max(1, Math.ceil((outcome.until - desk.clock.now()) / 1000))),
        });
      }
      if (outcome.kind === 'bad-credentials') {
        if (outcome.lockedNow) request.auditDetail = 'locked after repeated failures';
        throw new ApiError('API_ERR_UNAUTHORIZED', 'unknown name or wrong password', [{ field: 'body', message: 'unknown name or wrong password' }]);
      }
      request.operator = outcome.account;
      opts.offHours.observe(outcome.account, 'login', request.ip);
      return { token: outcome.token, expires_at: outcome.expiresAt, name: outcome.account.name, role: outcome.account.role };
    },
  );

  app.post(
    '/logout',
    { config: { opsRole: 'viewer', opsAction: 'logout' }, schema: { summary: 'End this session', response: { 200: EndedSchema, ...problemResponses(401) } } },
    async (request) => {
      const token = /^Bearer[ ]+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      return { ended: desk.accounts.logout(token) };
    },
  );

  app.get(
    '/me',
    { config: { opsRole: 'viewer', opsAction: 'me.read' }, schema: { summary: 'The session owner', response: { 200: MeSchema, ...problemResponses(401) } } },
    async (request) => {
      const me = request.operator!;
      const token = /^Bearer[ ]+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      return { name: me.name, role: me.role, expires_at: desk.accounts.session(token)?.expiresAt ?? 0, within_working_hours: opts.offHours.within(me, desk.clock.now()) };
    },
  );
}
