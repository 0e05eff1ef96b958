// What every operator endpoint shares: the role it needs (route config
// `role`), the session check, and one audit record per request, written
// before the answer leaves so that nothing is answered unrecorded. Denials
// (401, 403, 423) are recorded like everything else.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors.ts';
import { PROBLEM_CONTENT_TYPE, problemOf } from '../../api/problem.ts';
import type { AuditOutcome } from '../../audit/index.ts';
import type { OperatorAccount } from '../accounts.ts';
import type { OpsDesk } from '../desk.ts';
import { redactParams } from '../masking.ts';
import { roleAtLeast, type Role } from '../roles.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The lowest operator role this endpoint needs; 'none' for the login itself. */
    opsRole?: Role | 'none';
    /** The audit trail's name for what this endpoint does. */
    opsAction?: string;
  }
  interface FastifyRequest {
    operator?: OperatorAccount;
    /** Set by a route: what the audit record should add (e.g. the request id it filed). */
    auditDetail?: string;
    /** Set by the login route: the name tried, for the record of a failed login. */
    auditWho?: string;
  }
}

const BEARER = /^Bearer[ ]+([\x21-\x7E]{1,512})[ ]*$/i;

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 423) return 'denied';
  return status >= 500 ? 'failed' : 'refused';
}

function problemCode(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  try {
    const p = JSON.parse(payload) as { code?: unknown; detail?: unknown };
    return typeof p.code === 'string' ? `${p.code}: ${String(p.detail ?? '')}` : undefined;
  } catch {
    return undefined;
  }
}

export interface GuardHooks {
  /** After a request was authenticated (or a login succeeded): the off-hours watch. */
  readonly onOperatorActivity?: (account: OperatorAccount, action: string, request: FastifyRequest) => void;
}

export function installGuard(app: FastifyInstance, desk: OpsDesk, hooks: GuardHooks = {}): void {
  app.decorateRequest('operator', undefined);
  app.decorateRequest('auditDetail', undefined);
  app.decorateRequest('auditWho', undefined);

  app.addHook('onRequest', (request, _reply, done) => {
    const role = request.routeOptions.config.opsRole;
    if (role === 'none') return done();
    // A route without a declared role is a programming error: refuse rather than serve it open.
    if (role === undefined) return done(new ApiError('API_ERR_ROLE_REQUIRED', 'this endpoint declares no role'));
    const m = BEARER.exec(request.headers.authorization ?? '');
    const session = m ? desk.accounts.session(m[1]!) : undefined;
    if (!session) {
      return done(
        new ApiError('API_ERR_UNAUTHORIZED', 'log in at POST /v1/ops/login and send Authorization: Bearer <session token>', [{ field: 'header.authorization', message: m ? 'is not a live session' : 'is required' }], {
          'www-authenticate': 'Bearer realm="denpa-ops"',
        }),
      );
    }
    request.operator = session.account;
    if (!roleAtLeast(session.account.role, role)) {
      return done(new ApiError('API_ERR_ROLE_REQUIRED', `${request.routeOptions.config.opsAction ?? 'this'} needs the ${role} role; ${session.account.name} is ${session.account.role}`));
    }
    hooks.onOperatorActivity?.(session.account, request.routeOptions.config.opsAction ?? 'unknown', request);
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const status = reply.statusCode;
    const parts = [request.auditDetail, status >= 400 ? problemCode(payload) : undefined].filter((x): x is string => x !== undefined);
    const detail = parts.length > 0 ? parts.join('; ') : undefined;
    try {
      desk.record({
        who: request.operator?.name ?? request.auditWho ?? 'anonymous',
        ...(request.operator ? { role: request.operator.role } : {}),
        from: request.ip,
        action: request.routeOptions.config.opsAction ?? `${request.method} ${request.routeOptions.url ?? request.url}`,
        // Not `body`: that key is masked as a message body by redactParams.
        params: redactParams({ path: request.params, query: request.query, payload: request.body }),
        outcome: outcomeOf(status),
        status,
        ...(detail !== undefined ? { detail } : {}),
      });
    } catch (err) {
      // No answer without its record: the client sees 500 (whatever was done stays done; the log has the error).
      request.log.error({ err }, 'audit trail write failed');
      reply.code(500).type(PROBLEM_CONTENT_TYPE);
      return done(null, JSON.stringify(problemOf(new ApiError('API_ERR_INTERNAL', 'internal error'), request.url)));
    }
    done(null, payload);
  });
}
