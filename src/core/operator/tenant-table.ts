// Tenants created over the admin API, durable in operators.db. A tenant
// here has what a config tenant has but its keys (those are issued through
// the key API, tenant-key-table.ts) and, in addition, a default callback
// URL for messages that name none. Disabling keeps the row (its messages
// still finish and call back) and ends its keys at the next request.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/index.ts';
import type { Category } from '../../domain/index.ts';
import type { TenantConfig } from '../config/index.ts';
import type { OpsDb } from './ops-db.ts';

export interface TenantSettings {
  readonly callbackUrl?: string;
  readonly inboundUrl?: string;
  /** A window text per category it names; the others keep the core's. */
  readonly sendWindows?: Partial<Record<Category, string>>;
  readonly inboundNumbers?: readonly string[];
  readonly rateLimit: TenantConfig['rateLimit'];
}

export interface ApiTenant extends TenantSettings {
  readonly name: string;
  readonly callbackSecret: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
  readonly disabledAt?: number;
}

interface Row {
  name: string;
  settings: string;
  callback_secret: string;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  disabled_at: number | null;
}

const tenantOf = (r: Row): ApiTenant => ({
  ...(JSON.parse(r.settings) as TenantSettings),
  name: r.name,
  callbackSecret: r.callback_secret,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
  ...(r.disabled_at !== null ? { disabledAt: r.disabled_at } : {}),
});

/** A callback secret for a tenant that did not bring one: 32 random bytes, base64url. */
export const newCallbackSecret = (): string => randomBytes(32).toString('base64url');

export class TenantTable {
  private readonly s;

  constructor(
    db: OpsDb,
    private readonly clock: Clock,
  ) {
    this.s = {
      insert: db.prepare(
        'INSERT INTO tenants (name, settings, callback_secret, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      update: db.prepare('UPDATE tenants SET settings = ?, updated_at = ?, updated_by = ? WHERE name = ?'),
      disable: db.prepare('UPDATE tenants SET disabled_at = ?, updated_at = ?, updated_by = ? WHERE name = ? AND disabled_at IS NULL'),
      get: db.prepare('SELECT * FROM tenants WHERE name = ?'),
      list: db.prepare('SELECT * FROM tenants ORDER BY name'),
    };
  }

  /** false when the name is taken. */
  create(name: string, settings: TenantSettings, callbackSecret: string, by: string): boolean {
    const now = this.clock.now();
    return this.s.insert.run(name, JSON.stringify(settings), callbackSecret, now, by, now, by).changes > 0;
  }

  /** Replace the settings; false for an unknown tenant. */
  update(name: string, settings: TenantSettings, by: string): boolean {
    return this.s.update.run(JSON.stringify(settings), this.clock.now(), by, name).changes > 0;
  }

  /** false when unknown or already disabled. */
  disable(name: string, by: string): boolean {
    const now = this.clock.now();
    return this.s.disable.run(now, now, by, name).changes > 0;
  }

  get(name: string): ApiTenant | undefined {
    const r = this.s.get.get(name) as Row | undefined;
    return r ? tenantOf(r) : undefined;
  }

  list(): ApiTenant[] {
    return (this.s.list.all() as Row[]).map(tenantOf);
  }
}

/** An API tenant in the config's shape (no keys: those are issued), as the delivery thread takes it. */
export function asTenantConfig(t: ApiTenant): TenantConfig {
  return {
    name: t.name,
    keys: [],
    callbackSecret: t.callbackSecret,
    rateLimit: t.rateLimit,
    // The config's type lists every category; a partial table means the same (SendWindowPolicy reads only what is named).
    ...(t.sendWindows ? { sendWindows: t.sendWindows as NonNullable<TenantConfig['sendWindows']> } : {}),
    ...(t.inboundNumbers ? { inboundNumbers: [...t.inboundNumbers] } : {}),
    ...(t.inboundUrl !== undefined ? { inboundUrl: t.inboundUrl } : {}),
  };
}
