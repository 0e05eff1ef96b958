// Tenant authentication by API key: `Authorization: Bearer <key>`. Keys are
// compared by a hash lookup; the map is built once from the config.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from './errors.ts';

export interface Tenant {
  readonly name: string;
  readonly callbackSecret: string;
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** Where a message that names no callback_url is called back (tenants created over the admin API). */
  readonly callbackUrl?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant?: Tenant;
  }
  interface FastifyInstance {
    /** Resolve the caller's tenant or throw 401 (use as an onRequest hook). */
    authenticate(request: FastifyRequest): void;
  }
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
const HASHED_KEY = /^sha256:([0-9a-f]{64})$/;
/** A configured key, or the `sha256:<hex>` of one (so the config file need not hold the key). */
const configuredDigest = (key: string): Buffer => {
  const m = HASHED_KEY.exec(key);
  return m ? Buffer.from(m[1]!, 'hex') : digest(key);
};

/** Keys issued through the operator API (operator/tenant-key-table.ts): the tenant owning a live one. */
export type IssuedKeyLookup = (key: string) => string | undefined;
/** Tenants created over the operator API (operator/tenant-table.ts): an enabled one by name, read at each request. */
export type AddedTenantLookup = (name: string) => Tenant | undefined;

export class TenantKeys {
  private readonly byDigest = new Map<string, { digest: Buffer; tenant: Tenant }>();

  constructor(
    tenants: readonly (Tenant & { keys: readonly string[] })[],
    private readonly issued?: IssuedKeyLookup,
    private readonly added?: AddedTenantLookup,
  ) {
    for (const t of tenants) {
      const tenant: Tenant = { name: t.name, callbackSecret: t.callbackSecret, rateLimit: t.rateLimit };
      for (const k of t.keys) {
        const d = configuredDigest(k);
        this.byDigest.set(d.toString('hex'), { digest: d, tenant });
      }
    }
  }

  /**
   * Keys already verified by digest, so a client's every request does not
   * hash its key again (a SHA-256 per request showed in profiles). Only keys
   * that matched enter it, so it never holds more than the configured keys.
   */
  private readonly verified = new Map<string, Tenant>();

  /** The tenant owning `key`, or undefined. */
  lookup(key: string): Tenant | undefined {
    const known = this.verified.get(key);
    if (known) return known;
    const d = digest(key);
    const hit = this.byDigest.get(d.toString('hex'));
    // Issued keys are not cached: a revocation or the end of a rotation's overlap applies at the next request.
    if (!hit) {
      const name = this.issued?.(key);
      return name === undefined ? undefined : this.tenant(name);
    }
    // The map lookup already matched; the constant-time compare keeps the
    // intent explicit should the lookup ever change to a prefix scheme.
    if (!timingSafeEqual(hit.digest, d)) return undefined;
    this.verified.set(key, hit.tenant);
    return hit.tenant;
  }

  /** A config tenant, else an enabled added one (a disabled one's keys stop working at its next request). */
  tenant(name: string): Tenant | undefined {
    for (const { tenant } of this.byDigest.values()) if (tenant.name === name) return tenant;
    return this.added?.(name);
  }
}

const BEARER = /^Bearer[ ]+([\x21-\x7E]{1,512})[ ]*$/i;

export function authenticateRequest(keys: TenantKeys, request: FastifyRequest): Tenant {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new ApiError('API_ERR_UNAUTHORIZED', 'send Authorization: Bearer <api key>', [{ field: 'header.authorization', message: 'is required' }], {
      'www-authenticate': 'Bearer realm="denpa"',
    });
  }
  const m = BEARER.exec(header);
  const tenant = m ? keys.lookup(m[1]!) : undefined;
  if (!tenant) {
    throw new ApiError('API_ERR_UNAUTHORIZED', 'the API key is not known', [{ field: 'header.authorization', message: 'is not a known API key' }], {
      'www-authenticate': 'Bearer realm="denpa", error="invalid_token"',
    });
  }
  return tenant;
}

async function authPlugin(app: FastifyInstance, opts: { keys: TenantKeys }): Promise<void> {
  app.decorateRequest('tenant', undefined);
  app.decorate('authenticate', (request: FastifyRequest) => {
    request.tenant = authenticateRequest(opts.keys, request);
  });
}

export const auth = fp(authPlugin, { name: 'denpa-auth', fastify: '5.x', dependencies: ['denpa-problem'] });
