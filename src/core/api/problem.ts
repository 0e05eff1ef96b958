// Rendering every error as application/problem+json (RFC 9457). Errors
// raised by fastify itself (body too large, wrong media type, bad JSON) are
// mapped to our codes so that a client sees one catalogue.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { API_ERRORS, ApiError, problemType, type ApiErrorCode, type FieldError } from './errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ApiErrorCode;
  errors?: FieldError[];
}

export function problemOf(err: ApiError, instance?: string): Problem {
  const problem: Problem = {
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    detail: err.message,
    code: err.code,
  };
  if (instance !== undefined) problem.instance = instance;
  if (err.errors && err.errors.length > 0) problem.errors = [...err.errors];
  return problem;
}

const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_ERR_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_ERR_BAD_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'API_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_ASYNC_CONSTRAINT: 'API_ERR_NOT_FOUND',
};

/** Any thrown thing -> an ApiError (unknown errors become 500, logged by the caller). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Partial<FastifyError> & { status?: number };
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped === 'API_ERR_UNSUPPORTED_MEDIA_TYPE') {
    return new ApiError(mapped, 'send the body as application/json', [{ field: 'header.content-type', message: 'must be application/json' }]);
  }
  if (mapped) return new ApiError(mapped, e.message);
  if (e.code === 'FST_ERR_BAD_URL') {
    return new ApiError('API_ERR_VALIDATION', 'the URL is not validly percent-encoded', [{ field: 'url', message: 'is not validly percent-encoded' }]);
  }
  // The store refused because it is closing (shutdown): nothing was stored, retry elsewhere.
  if (e.code === 'STORE_ERR_CLOSED') return new ApiError('API_ERR_UNAVAILABLE', 'the core is shutting down; nothing was stored');
  // secure-json-parse and JSON.parse errors raised in our body parser.
  if (err instanceof SyntaxError) return new ApiError('API_ERR_BAD_JSON', err.message);
  const status = e.statusCode ?? e.status;
  if (status === 413) return new ApiError('API_ERR_TOO_LARGE', e.message);
  if (status === 415) return new ApiError('API_ERR_UNSUPPORTED_MEDIA_TYPE', e.message);
  if (status === 404) return new ApiError('API_ERR_NOT_FOUND', e.message);
  if (status !== undefined && status >= 400 && status < 500) {
    const detail = e.message ?? 'bad request';
    return new ApiError('API_ERR_VALIDATION', detail, [{ field: 'request', message: detail }]);
  }
  if (status === 503) return new ApiError('API_ERR_UNAVAILABLE', e.message);
  return new ApiError('API_ERR_INTERNAL', 'internal error');
}

export function sendProblem(reply: FastifyReply, err: ApiError, request?: FastifyRequest): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply
    .code(err.statusCode)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemOf(err, request?.url)));
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err, request, reply) => {
    const apiErr = toApiError(err);
    if (apiErr.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: apiErr.code, detail: apiErr.message }, 'request refused');
    return sendProblem(reply, apiErr, request);
  });
  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, new ApiError('API_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`), request);
  });
}

/**
 * For fastify's `clientErrorHandler` option: errors Node's HTTP parser raises
 * before there is a request (headers too large, request timeout, bytes that
 * are not HTTP) get the same problem+json as everything else.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const apiErr =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('API_ERR_HEADERS_TOO_LARGE', 'the request headers exceed the server limit')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('API_ERR_TIMEOUT', 'the request was not received in time')
        : new ApiError('API_ERR_MALFORMED', `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`);
  const body = JSON.stringify(problemOf(apiErr));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiErr.statusCode} ${STATUS_CODES[apiErr.statusCode] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** For fastify's `frameworkErrors` option: router-level errors (bad URL encoding) never reach the error handler. */
export function frameworkErrorHandler(err: Error, request: FastifyRequest, reply: FastifyReply): void {
  void sendProblem(reply, toApiError(err), request);
}

export const problem = fp(problemPlugin, { name: 'denpa-problem', fastify: '5.x' });

/** For docs and tests: every status we may answer. */
export const PROBLEM_STATUSES = [...new Set(Object.values(API_ERRORS).map((d) => d.status))];
