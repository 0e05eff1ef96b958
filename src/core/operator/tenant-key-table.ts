// Tenant API keys issued through the admin API. Only a key's SHA-256 is
// stored (a key is 192 random bits: a fast hash suffices, and the tenant
// API's every request must look one up); the key itself is shown once, to
// whoever created it. Rotation gives a new key and lets the old one work
// until the end of an overlap period, so a tenant can switch without an
// outage; revocation ends a key at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/index.ts';
import type { OpsDb } from './ops-db.ts';

export type KeyState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface TenantKeyInfo {
  readonly id: string;
  readonly tenant: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
  readonly state: KeyState;
}

export interface IssuedKey {
  readonly id: string;
  /** The key itself: returned once, never stored. */
  readonly key: string;
  readonly keyHash: string;
}

export const keyDigest = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

interface Row {
  id: string;
  tenant: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}

export class TenantKeyTable {
  private readonly s;

  constructor(
    db: OpsDb,
    private readonly clock: Clock,
  ) {
    this.s = {
      insert: db.prepare('INSERT INTO tenant_keys (id, tenant, key_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)'),
      list: db.prepare('SELECT id, tenant, created_at, created_by, expires_at, revoked_at FROM tenant_keys WHERE tenant = ? ORDER BY created_at, id'),
      get: db.prepare('SELECT id, tenant, created_at, created_by, expires_at, revoked_at FROM tenant_keys WHERE tenant = ? AND id = ?'),
      revoke: db.prepare('UPDATE tenant_keys SET revoked_at = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL'),
      expire: db.prepare('UPDATE tenant_keys SET expires_at = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)'),
      lookup: db.prepare('SELECT tenant FROM tenant_keys WHERE key_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)'),
    };
  }

  /** A fresh key (not yet stored): for create now, or for a rotation that runs once approved. */
  issue(): IssuedKey {
    const key = `dk_${randomBytes(24).toString('base64url')}`;
    return { id: `key_${randomBytes(8).toString('hex')}`, key, keyHash: keyDigest(key) };
  }

  /** Store an issued key's hash for `tenant`. */
  install(tenant: string, id: string, keyHash: string, by: string): void {
    this.s.insert.run(id, tenant, keyHash, this.clock.now(), by);
  }

  list(tenant: string): TenantKeyInfo[] {
    return (this.s.list.all(tenant) as Row[]).map((r) => this.infoOf(r));
  }

  get(tenant: string, id: string): TenantKeyInfo | undefined {
    const r = this.s.get.get(tenant, id) as Row | undefined;
    return r ? this.infoOf(r) : undefined;
  }

  revoke(tenant: string, id: string): boolean {
    return this.s.revoke.run(this.clock.now(), tenant, id).changes > 0;
  }

  /** The rotation itself: the new key's hash goes in, the old key stops working `overlapMs` from now. */
  rotate(tenant: string, oldId: string, next: { id: string; keyHash: string }, overlapMs: number, by: string): boolean {
    const now = this.clock.now();
    if (this.s.expire.run(now + overlapMs, tenant, oldId, now).changes === 0) return false;
    this.install(tenant, next.id, next.keyHash, by);
    return true;
  }

  /** The tenant owning a live key, or undefined. */
  tenantOf(key: string): string | undefined {
    const r = this.s.lookup.get(keyDigest(key), this.clock.now()) as { tenant: string } | undefined;
    return r?.tenant;
  }

  private infoOf(r: Row): TenantKeyInfo {
    const now = this.clock.now();
    const state: KeyState = r.revoked_at !== null ? 'revoked' : r.expires_at === null ? 'active' : r.expires_at > now ? 'expiring' : 'expired';
    return {
      id: r.id,
      tenant: r.tenant,
      createdAt: r.created_at,
      createdBy: r.created_by,
      expiresAt: r.expires_at ?? undefined,
      revokedAt: r.revoked_at ?? undefined,
      state,
    };
  }
}
