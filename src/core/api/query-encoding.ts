// Query strings are decoded leniently by the router: `?client_ref=%ZZ`
// would reach the route as the literal text and match nothing (200, empty
// list). Here every name and value must be validly percent-encoded UTF-8,
// or the request is a 400 naming the parameter.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { fieldError } from './errors.ts';

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** The first query parameter that is not validly percent-encoded, or undefined. */
export function badlyEncodedParameter(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (!decodes(name)) return name;
    if (!decodes(value)) return decodeURIComponent(name.replace(/\+/g, ' '));
  }
  return undefined;
}

async function queryEncodingPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (request, _reply, done) => {
    const name = request.url.includes('%') ? badlyEncodedParameter(request.url) : undefined;
    if (name === undefined) done();
    else done(fieldError(`query.${name}`, 'is not validly percent-encoded UTF-8'));
  });
}

export const queryEncoding = fp(queryEncodingPlugin, { name: 'denpa-query-encoding', fastify: '5.x', dependencies: ['denpa-problem'] });
