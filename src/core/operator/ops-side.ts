// The operator side of a core, built from its config: the desk on the
// operators' database, the off-hours watch with its metric and log line.
import os from 'node:os';
import { Counter } from 'prom-client';
import type { Clock } from '../../runtime/index.ts';
import type { CoreConfig } from '../config/index.ts';
import type { CoreMetrics } from '../metrics/index.ts';
import type { Store } from '../store/index.ts';
import { DEFAULT_COST, type ScryptCost } from './password.ts';
import { OpsDesk, type OpsActions } from './desk.ts';
import { OffHoursWatch, type OffHoursAlert } from './off-hours.ts';
import type { OpsDb } from './ops-db.ts';

export interface OpsSide {
  readonly desk: OpsDesk;
  readonly offHours: OffHoursWatch;
}

export interface OpsSideDeps {
  readonly db: OpsDb;
  readonly clock: Clock;
  readonly store: Store;
  readonly metrics?: CoreMetrics;
  readonly actions?: OpsActions;
  readonly warn?: (fields: object, message: string) => void;
  /** Queue an off-hours alert for its signed POST (undefined: no alert URL configured). */
  readonly sendAlert?: (alert: OffHoursAlert) => void;
  /** Tests lower the scrypt cost; the core uses DEFAULT_COST. */
  readonly cost?: ScryptCost;
}

export const systemName = (config: CoreConfig): string => config.operators.system ?? `denpa-core@${os.hostname()}`;

export function buildOpsSide(config: CoreConfig, deps: OpsSideDeps): OpsSide {
  const o = config.operators;
  const system = systemName(config);
  const desk = new OpsDesk({
    db: deps.db,
    clock: deps.clock,
    store: deps.store,
    actions: deps.actions,
    policy: { sessionTtlMs: o.sessionMinutes * 60_000, maxFailedLogins: o.maxFailedLogins, lockoutMs: o.lockoutMinutes * 60_000, cost: deps.cost ?? DEFAULT_COST },
    requestTtlMs: o.requestTtlHours * 3_600_000,
    system,
    tenants: config.tenants,
    egressAllow: config.egress.allow,
    workingHours: o.workingHours,
    routing: { carriers: config.carriers, routing: config.routing, fallback: config.fallback },
  });
  const counter = deps.metrics
    ? new Counter({ name: 'denpa_ops_off_hours_total', help: 'Operator logins and actions outside working hours', labelNames: ['kind'], registers: [deps.metrics.registry] })
    : undefined;
  const offHours = new OffHoursWatch({
    clock: deps.clock,
    defaults: o.workingHours,
    system,
    count: (kind) => counter?.inc({ kind }),
    ...(deps.warn ? { warn: deps.warn } : {}),
    ...(deps.sendAlert ? { send: deps.sendAlert } : {}),
  });
  return { desk, offHours };
}
