// The JSON body parser. Fastify's own reads the body as a string and turns
// invalid UTF-8 into U+FFFD silently; we read bytes, refuse invalid UTF-8
// with a 400, keep the raw bytes (the idempotency hash covers exactly what
// was sent), and parse with fastify's prototype-poisoning guard.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

async function jsonBodyPlugin(app: FastifyInstance): Promise<void> {
  // __proto__ and constructor.prototype keys are errors, not silently dropped.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('rawBody', undefined);
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parse = (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    request.rawBody = bytes;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      done(new ApiError('API_ERR_BAD_ENCODING', 'the request body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, (err, value) => {
      if (err) done(new ApiError('API_ERR_BAD_JSON', `the request body is not valid JSON: ${err.message}`), undefined);
      else done(null, value);
    });
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: 'buffer' }, parse);
}

export const jsonBody = fp(jsonBodyPlugin, { name: 'denpa-json-body', fastify: '5.x' });
