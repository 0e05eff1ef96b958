// A core app with its operator side on a ManualClock, a real SQLite store
// and operators.db in a temp dir, scrypt at a low cost so logins are fast.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../../src/core/app.ts';
import type { CoreConfig, TenantConfig } from '../../../../src/core/config/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import { buildOpsSide, openOpsDb, type OffHoursAlert, type OpsActions, type OpsDb, type OpsSide, type Role } from '../../../../src/core/operator/index.ts';
import { openSqliteStore, type SqliteStore } from '../../../../src/core/store/index.ts';
import type { RouteOverride } from '../../../../src/core/routing/index.ts';
import type { Carrier } from '../../../../src/domain/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { testConfig } from '../api/harness.ts';

export const PASSWORD = 'correct horse battery';
export const CHEAP = { log2N: 4, r: 8, p: 1 };

/** Monday 2026-06-01 12:00 JST: inside the default working hours. */
export const OFFICE_HOURS = Date.UTC(2026, 5, 1, 3, 0, 0);

export class RecordingActions implements OpsActions {
  readonly calls: { carrier: Carrier; paused: boolean }[] = [];
  /** Each list handed to setRouteOverrides, in order. */
  readonly routeLists: (readonly RouteOverride[])[] = [];
  setCarrierPaused(carrier: Carrier, paused: boolean): void {
    this.calls.push({ carrier, paused });
  }
  linkStates(): Record<string, readonly string[]> {
    return { docomo: ['bound'], au: ['bound'], softbank: ['bound'] };
  }
  setRouteOverrides(list: readonly RouteOverride[]): void {
    this.routeLists.push(list);
  }
  routeModes(): Record<string, string> {
    return { docomo: 'direct', au: 'direct', softbank: 'direct' };
  }
  /** Each list of added tenants handed to the delivery thread, in order. */
  readonly tenantLists: (readonly TenantConfig[])[] = [];
  setAddedTenants(tenants: readonly TenantConfig[]): void {
    this.tenantLists.push(tenants);
  }
  readonly woken: Carrier[] = [];
  wake(carrier: Carrier): void {
    this.woken.push(carrier);
  }
}


export interface OpsTestCore {
  app: FastifyInstance;
  store: SqliteStore;
  db: OpsDb;
  ops: OpsSide;
  clock: ManualClock;
  metrics: CoreMetrics;
  config: CoreConfig;
  actions: RecordingActions;
  alerts: OffHoursAlert[];
  warnings: string[];
  dataDir: string;
  /** Requests approved before the last close and run at this start. */
  resumed: number;
  /** Add an operator straight in the database (as `denpa operator add` does). */
  addOperator(name: string, role: Role): Promise<void>;
  /** Log in over the API; returns the session's Authorization header. */
  login(name: string): Promise<Record<string, string>>;
  /** Close app, store and database; `keepData` leaves the directory for a restart. */
  close(keepData?: boolean): Promise<void>;
}

export async function startOpsCore(options: { dataDir?: string; config?: CoreConfig; clock?: ManualClock; actions?: OpsActions } = {}): Promise<OpsTestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'denpa-ops-'));
  const config = options.config ?? testConfig({ operators: { system: 'denpa-core@test' } });
  const store = await openSqliteStore({ dataDir });
  const clock = options.clock ?? new ManualClock(OFFICE_HOURS);
  const metrics = new CoreMetrics();
  const db = openOpsDb(dataDir);
  const actions = new RecordingActions();
  const alerts: OffHoursAlert[] = [];
  const warnings: string[] = [];
  const ops = buildOpsSide(config, { db, clock, store, metrics, actions: options.actions ?? actions, cost: CHEAP, warn: (_f, m) => warnings.push(m), sendAlert: (a) => alerts.push(a) });
  // As startCore does: durable pauses back on, approved-but-not-run requests run.
  ops.desk.applyPauses();
  ops.desk.applyRouteOverrides();
  const resumed = await ops.desk.resume();
  const app = await buildApp({ config, store, clock, metrics, logger: false, ops });
  return {
    resumed,
    app,
    store,
    db,
    ops,
    clock,
    metrics,
    config,
    actions,
    alerts,
    warnings,
    dataDir,
    async addOperator(name, role) {
      await ops.desk.accounts.add({ name, role, password: PASSWORD }, 'test');
    },
    async login(name) {
      const res = await app.inject({ method: 'POST', url: '/v1/ops/login', payload: { name, password: PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`);
      return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
    },
    async close(keepData = false) {
      await app.close();
      await store.close();
      db.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
