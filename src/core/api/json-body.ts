// The JSON body parser. Fastify's own reads the body as a string and turns
// invalid UTF-8 into U+FFFD silently; we read bytes, refuse invalid UTF-8
// with a 400, keep the raw bytes (the idempotency hash covers exactly what
// was sent), and parse with fastify's prototype-poisoning guard.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/** Only on the error path: fastify reports a prototype key as "not valid JSON"; plain JSON.parse tells the two apart. */
function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
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
    // Validate natively, then decode: cheaper than a fatal TextDecoder per request.
    if (!isUtf8(bytes)) {
      done(new ApiError('API_ERR_BAD_ENCODING', 'the request body is not valid UTF-8'), undefined);
      return;
    }
    // A leading BOM is dropped, as TextDecoder (ignoreBOM: false) did.
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const text = bytes.toString('utf8', start);
    parseJson(request, text, (err, value) => {
      if (!err) done(null, value);
      else if (isValidJson(text)) {
        // Valid JSON, refused for what it says: name the key, not a syntax error.
        const key = /"__proto__"\s*:/.test(text) ? '__proto__' : 'constructor.prototype';
        done(new ApiError('API_ERR_VALIDATION', `${key} is not allowed: it would set an object's prototype`, [{ field: key, message: "is not allowed: it would set an object's prototype" }]), undefined);
      } else done(new ApiError('API_ERR_BAD_JSON', `the request body is not valid JSON: ${err.message}`), undefined);
    });
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/i, { parseAs: 'buffer' }, parse);
}

export const jsonBody = fp(jsonBodyPlugin, { name: 'denpa-json-body', fastify: '5.x', dependencies: ['denpa-problem'] });
