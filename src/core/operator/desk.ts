// The operators' desk: the parts of the operator side wired together (the
// accounts, the tenant keys, the change requests and the audit trail on one
// database) and the four-eyes runner that carries out an approved request.
import type { Carrier } from '../../domain/index.ts';
import type { Clock } from '../../runtime/index.ts';
import type { CoreConfig, TenantConfig } from '../config/index.ts';
import { AuditTrail, type AuditEvent } from '../audit/index.ts';
import type { RouteOverride } from '../routing/index.ts';
import { REPLAY_MAX, type RetryOutcome, type Store } from '../store/index.ts';
import { OperatorAccounts, type AccountPolicy } from './accounts.ts';
import { ChangeRequests, type ChangeAction, type ChangeRequest } from './change-requests.ts';
import type { OpsDb } from './ops-db.ts';
import { StandingRoutes } from './standing-routes.ts';
import { TenantDirectory } from './tenant-directory.ts';
import { TenantKeyTable } from './tenant-key-table.ts';
import type { WorkingHours } from './working-hours.ts';

/** What the desk asks of the running core (the delivery thread's links). */
export interface OpsActions {
  /** Stop (true) or restart (false) claiming messages for a carrier; its links stay bound for receipts. */
  setCarrierPaused(carrier: Carrier, paused: boolean): void;
  /** Every bind of every carrier, by state. */
  linkStates(): Record<string, readonly string[]>;
  /** Replace the delivery thread's standing route overrides with `list` (the whole list, so a repeat changes nothing). */
  setRouteOverrides(list: readonly RouteOverride[]): void;
  /** Each carrier's automatic fallback switch now ('direct' or 'fallback'), overrides aside. */
  routeModes(): Record<string, string>;
  /** The tenants created over the admin API, the whole list: the delivery thread signs their callbacks and applies their windows and numbers. */
  setAddedTenants?(tenants: readonly TenantConfig[]): void;
  /** Look at a carrier's lanes now (a retried message is due at once); without it, at the delivery thread's next poll. */
  wake?(carrier: Carrier): void;
}

/** A route change's outcome when the delivery thread cannot take overrides. */
const ROUTES_NOT_APPLIED = 'recorded; applies when the delivery thread starts';

export interface OpsDeskOptions {
  readonly db: OpsDb;
  readonly clock: Clock;
  readonly store: Store;
  readonly actions?: OpsActions | undefined;
  readonly policy: AccountPolicy;
  readonly requestTtlMs: number;
  /** Which system the audit records name, e.g. denpa-core@host. */
  readonly system: string;
  /** The config file's tenants (the admin API adds others: TenantDirectory). */
  readonly tenants: readonly TenantConfig[];
  /** egress.allow: the URLs of added tenants pass the same checks as a callback_url. */
  readonly egressAllow: readonly string[];
  readonly workingHours: WorkingHours;
  /** The configured links and prefix table, as GET /v1/ops/routes shows them. */
  readonly routing: Pick<CoreConfig, 'carriers' | 'routing' | 'fallback'>;
}

/** The most messages one queue.cancel request cancels (1000 per page). */
const CANCEL_PAGES = 100;

export class OpsDesk {
  readonly accounts: OperatorAccounts;
  readonly keys: TenantKeyTable;
  readonly requests: ChangeRequests;
  readonly audit: AuditTrail;
  readonly routes: StandingRoutes;
  readonly tenants: TenantDirectory;
  readonly clock: Clock;
  private readonly s;

  constructor(readonly o: OpsDeskOptions) {
    this.clock = o.clock;
    this.accounts = new OperatorAccounts(o.db, o.clock, o.policy);
    this.keys = new TenantKeyTable(o.db, o.clock);
    this.requests = new ChangeRequests(o.db, o.clock, o.requestTtlMs);
    this.audit = new AuditTrail(o.db, o.system);
    this.routes = new StandingRoutes(o.db);
    this.tenants = new TenantDirectory(o.db, o.clock, o.tenants, o.egressAllow);
    this.tenants.listen((list) => o.actions?.setAddedTenants?.(list));
    this.s = {
      pause: o.db.prepare('INSERT INTO carrier_pauses (carrier, paused_at, request_id) VALUES (?, ?, ?) ON CONFLICT (carrier) DO NOTHING'),
      resume: o.db.prepare('DELETE FROM carrier_pauses WHERE carrier = ?'),
      paused: o.db.prepare('SELECT carrier FROM carrier_pauses ORDER BY carrier'),
    };
  }

  record(event: Omit<AuditEvent, 'system' | 'at'> & { at?: number }): void {
    this.audit.append({ ...event, at: event.at ?? this.clock.now(), system: this.o.system });
  }

  pausedCarriers(): Carrier[] {
    return (this.s.paused.all() as { carrier: Carrier }[]).map((r) => r.carrier);
  }

  /** Resume is not a four-eyes action: restoring service should never wait for a second person. */
  resumeCarrier(carrier: Carrier): boolean {
    const was = this.s.resume.run(carrier).changes > 0;
    this.o.actions?.setCarrierPaused(carrier, false);
    return was;
  }

  /** An operator's retry of one failed or expired message (not four-eyes: one message, and it only tries again what already failed). */
  async retryMessage(id: string, by: string): Promise<RetryOutcome> {
    const outcome = await this.o.store.retryMessage(id, this.clock.now(), `retried by operator ${by}`);
    if (outcome.kind === 'retried') this.o.actions?.wake?.(outcome.carrier);
    return outcome;
  }

  /** Put the durable pauses back on a freshly started delivery thread. */
  applyPauses(): void {
    for (const c of this.pausedCarriers()) this.o.actions?.setCarrierPaused(c, true);
  }

  /** Hand the standing route overrides to the delivery thread; false when it cannot take them. */
  applyRouteOverrides(): boolean {
    if (!this.o.actions) return false;
    this.o.actions.setRouteOverrides(this.routes.overrides());
    return true;
  }

  /**
   * Run an approved request once. Actions on this database (role changes,
   * key rotations) commit together with the move to `done` and its audit
   * record; actions on the core (a pause, a bulk cancel) are idempotent,
   * so a core that stops half-way and runs them again at its next start
   * changes nothing twice.
   */
  async run(request: ChangeRequest): Promise<ChangeRequest> {
    const a = request.action;
    const finish = (ok: boolean, outcome: string) =>
      this.requests.atomically(() => {
        if (!this.requests.finish(request.id, ok, outcome)) return;
        this.record({ who: request.decidedBy ?? 'unknown', from: 'four-eyes', action: `request.run:${a.kind}`, params: { id: request.id, filed_by: request.filedBy, approved_by: request.decidedBy }, outcome: ok ? 'ok' : 'failed', detail: outcome });
      });
    try {
      if (a.kind === 'operator.role' || a.kind === 'tenant-key.rotate') {
        this.requests.atomically(() => {
          const outcome = this.runLocal(a);
          finish(outcome.ok, outcome.detail);
        });
      } else {
        const detail = await this.runOnCore(a, request);
        finish(true, detail);
      }
    } catch (err) {
      finish(false, `failed: ${(err as Error).message}`);
    }
    return this.requests.get(request.id)!;
  }

  /** At start: run what was approved but had not run when the last core stopped. */
  async resume(): Promise<number> {
    const left = this.requests.approvedNotRun();
    for (const r of left) await this.run(r);
    return left.length;
  }

  private runLocal(a: Extract<ChangeAction, { kind: 'operator.role' | 'tenant-key.rotate' }>): { ok: boolean; detail: string } {
    if (a.kind === 'operator.role') {
      return this.accounts.setRole(a.operator, a.role) ? { ok: true, detail: `${a.operator} is now ${a.role}` } : { ok: false, detail: `no operator ${a.operator}` };
    }
    const rotated = this.keys.rotate(a.tenant, a.keyId, { id: a.newKeyId, keyHash: a.newKeyHash }, a.overlapSeconds * 1000, 'four-eyes');
    return rotated
      ? { ok: true, detail: `${a.newKeyId} active; ${a.keyId} works for ${a.overlapSeconds} s more` }
      : { ok: false, detail: `key ${a.keyId} of ${a.tenant} is not live (revoked, expired or unknown)` };
  }

  private async runOnCore(a: Extract<ChangeAction, { kind: 'carrier.pause' | 'queue.cancel' | 'route.change' | 'callbacks.replay' }>, request: ChangeRequest): Promise<string> {
    if (a.kind === 'route.change') return this.changeRoute(a, request);
    if (a.kind === 'callbacks.replay') {
      // Run again after a stop, it puts back what was delivered since: a receiver de-duplicates by event id.
      const n = await this.o.store.replayCallbacks({ tenant: a.tenant, since: a.since, until: a.until }, this.clock.now(), REPLAY_MAX);
      return n < REPLAY_MAX ? `${n} callbacks put back in the outbox` : `${n} callbacks put back in the outbox (the most one request replays; file another for the rest)`;
    }
    if (a.kind === 'carrier.pause') {
      this.s.pause.run(a.carrier, this.clock.now(), request.id);
      if (!this.o.actions) return `${a.carrier} marked paused (applies when the delivery thread starts)`;
      this.o.actions.setCarrierPaused(a.carrier, true);
      return `${a.carrier} paused`;
    }
    // Only what was waiting when the request was approved: messages accepted since are not the ones the operators looked at.
    // `until` is exclusive: +1 takes in what was accepted in the approval's own millisecond.
    const until = (request.decidedAt ?? this.clock.now()) + 1;
    let canceled = 0;
    let cursor: string | undefined;
    for (let page = 0; page < CANCEL_PAGES; page++) {
      const p = await this.o.store.listMessages(a.tenant, { state: 'accepted', ...(a.category ? { category: a.category } : {}), until }, cursor, 1000);
      for (const m of p.messages) {
        if (a.carrier && m.carrier !== a.carrier) continue;
        if ((await this.o.store.cancelMessage(a.tenant, m.id, this.clock.now())) === 'canceled') canceled++;
      }
      if (!p.nextCursor) return `${canceled} messages canceled`;
      cursor = p.nextCursor;
    }
    return `${canceled} messages canceled (stopped after ${CANCEL_PAGES * 1000} looked at; file another request for the rest)`;
  }

  /** Written first, then the whole list handed over: a core that stops in between hands it over at its next start. */
  private changeRoute(a: Extract<ChangeAction, { kind: 'route.change' }>, request: ChangeRequest): string {
    const scope = a.category ? `${a.carrier} ${a.category}` : a.carrier;
    let what: string;
    if (a.mode === 'clear') what = this.routes.clear(a.carrier, a.category) ? `${scope}: override cleared` : `${scope}: had no override`;
    else {
      this.routes.set(a.carrier, a.category, a.mode, this.clock.now(), request.id);
      what = `${scope}: ${a.mode}`;
    }
    return this.applyRouteOverrides() ? `${what} (applied)` : `${what} (${ROUTES_NOT_APPLIED})`;
  }
}
