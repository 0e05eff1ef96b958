// Errors as RFC 9457 problem details naming the offending field: our own
// SimulatorError, fastify's schema validation failures, and anything else
// (a 500 that says no more than it must).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SimulatorError, type FieldProblem } from '../errors.ts';

const TITLES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error' };

function fieldOf(e: { instancePath?: string; params?: Record<string, unknown> }, context: string | undefined): string {
  const path = (e.instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean);
  const missing = e.params?.missingProperty ?? e.params?.additionalProperty;
  if (typeof missing === 'string') path.push(missing);
  const field = path.join('.');
  return field || context || 'body';
}

/** The code of an answer that no SimulatorError named: every problem carries one. */
const CODES: Record<number, string> = {
  400: 'SIM_ERR_INVALID_REQUEST',
  404: 'SIM_ERR_NOT_FOUND',
  405: 'SIM_ERR_METHOD_NOT_ALLOWED',
  413: 'SIM_ERR_TOO_LARGE',
  415: 'SIM_ERR_UNSUPPORTED_MEDIA_TYPE',
  500: 'SIM_ERR_INTERNAL',
};

/** Fastify's own refusals, by its error code: the field they are about. */
const FASTIFY_FIELDS: Record<string, { code: string; field: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'SIM_ERR_BAD_JSON', field: 'body', message: 'is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'SIM_ERR_BAD_JSON', field: 'body', message: 'is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'SIM_ERR_UNSUPPORTED_MEDIA_TYPE', field: 'header.content-type', message: 'must be application/json' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'SIM_ERR_UNSUPPORTED_MEDIA_TYPE', field: 'header.content-type', message: 'must be application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'SIM_ERR_TOO_LARGE', field: 'body', message: 'is over 1 MiB' },
};

/** Every problem has `code` and `errors`, as the core's do. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, detail: string, errors?: FieldProblem[], code?: string): FastifyReply {
  code ??= CODES[status] ?? (status >= 500 ? 'SIM_ERR_INTERNAL' : 'SIM_ERR_INVALID_REQUEST');
  if (!errors || errors.length === 0) errors = [{ field: status === 404 ? 'url' : 'request', message: detail }];
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `urn:denpa:simulator:${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: request.url,
      code,
      errors,
    });
}

export function problemHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof SimulatorError) return sendProblem(reply, request, error.status, error.message, error.errors, error.code);
  if (error.validation) {
    const byField = new Map<string, { messages: string[]; allowed: unknown[] }>();
    for (const v of error.validation) {
      const params = (v as { params?: Record<string, unknown> }).params ?? {};
      const field = fieldOf(v as { instancePath?: string; params?: Record<string, unknown> }, error.validationContext);
      const entry = byField.get(field) ?? { messages: [], allowed: [] };
      byField.set(field, entry);
      // A union of literals fails once per member plus once for anyOf: say it once, with the choices.
      if (v.keyword === 'const') entry.allowed.push(params.allowedValue);
      else if (v.keyword !== 'anyOf') entry.messages.push(params.additionalProperty !== undefined ? 'unknown key' : (v.message ?? 'is invalid'));
    }
    const errors = [...byField].map(([field, e]) => ({ field, message: e.allowed.length > 0 ? `must be one of ${e.allowed.join(', ')}` : (e.messages[0] ?? 'is invalid') }));
    return sendProblem(reply, request, 400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors, 'SIM_ERR_INVALID_REQUEST');
  }
  const known = error.code ? FASTIFY_FIELDS[error.code] : undefined;
  if (known) return sendProblem(reply, request, error.statusCode ?? 400, `${known.field} ${known.message}`, [{ field: known.field, message: known.message }], known.code);
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return sendProblem(reply, request, status, status === 500 ? 'internal error' : error.message);
}
