// Every tenant the core serves: the config file's and those created over
// the admin API (tenant-table.ts). It answers the key check by name (an
// enabled added tenant, read at each request, so a new tenant's key works
// at once and a disabled one's stops), and hands the whole list of added
// tenants to whoever applies them (the API's send windows, the delivery
// thread's callback secrets, windows and inbound numbers) at start and
// after every change.
import type { Clock } from '../../runtime/index.ts';
import type { Tenant } from '../api/auth.ts';
import type { FieldError } from '../api/errors.ts';
import type { TenantConfig } from '../config/index.ts';
import type { OpsDb } from './ops-db.ts';
import { tenantProblems } from './tenant-rules.ts';
import { asTenantConfig, TenantTable, type ApiTenant, type TenantSettings } from './tenant-table.ts';

export type TenantSource = 'config' | 'api';
export type TenantsListener = (added: readonly TenantConfig[]) => void;

export class TenantDirectory {
  readonly table: TenantTable;
  private readonly listeners: TenantsListener[] = [];

  constructor(
    db: OpsDb,
    clock: Clock,
    readonly configured: readonly TenantConfig[],
    private readonly egressAllow: readonly string[],
  ) {
    this.table = new TenantTable(db, clock);
  }

  source(name: string): TenantSource | undefined {
    if (this.configured.some((t) => t.name === name)) return 'config';
    return this.table.get(name) ? 'api' : undefined;
  }

  /** An enabled added tenant as the key check sees it; undefined for a config, disabled or unknown one. */
  added(name: string): Tenant | undefined {
    const t = this.table.get(name);
    if (!t || t.disabledAt !== undefined) return undefined;
    return { name: t.name, callbackSecret: t.callbackSecret, rateLimit: t.rateLimit, ...(t.callbackUrl !== undefined ? { callbackUrl: t.callbackUrl } : {}) };
  }

  /** What a tenant named `name` (new, or changing) with `settings` would break. */
  problems(name: string, settings: TenantSettings): FieldError[] {
    const others = [...this.configured, ...this.table.list()].filter((t) => t.name !== name);
    return tenantProblems(settings, { egressAllow: this.egressAllow, others });
  }

  /** Called with the list now and after every change. */
  listen(listener: TenantsListener): void {
    this.listeners.push(listener);
    listener(this.addedConfigs());
  }

  /** After a create, update or disable: everyone gets the whole list again. */
  changed(): void {
    const list = this.addedConfigs();
    for (const l of this.listeners) l(list);
  }

  /** The added tenants in the config's shape; a disabled one keeps its secret (its messages still call back) but no inbound numbers. */
  addedConfigs(): TenantConfig[] {
    return this.table.list().map((t: ApiTenant) => {
      const c = asTenantConfig(t);
      if (t.disabledAt === undefined) return c;
      const { inboundNumbers: _n, inboundUrl: _u, ...rest } = c;
      return rest;
    });
  }
}
