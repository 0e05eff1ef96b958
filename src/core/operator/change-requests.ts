// Four-eyes change requests: a risky action is filed by one operator,
// approved by another holding `approver`, and only then run, once. The
// request's row is the action's state machine:
//
//   pending --approve--> approved --run--> done | failed
//      |--reject--> rejected
//      '--(expires_at passed)--> expired
//
// `approved` is committed before the action runs, so a core that stops in
// between finds the request at its next start and runs it then; the
// move to `done` is conditional on `approved`, so nothing runs it twice.
import { randomBytes } from 'node:crypto';
import type { Carrier, Category } from '../../domain/index.ts';
import type { Clock } from '../../runtime/index.ts';
import type { RouteMode } from '../routing/index.ts';
import type { OpsDb } from './ops-db.ts';
import type { Role } from './roles.ts';

export type ChangeAction =
  | { readonly kind: 'carrier.pause'; readonly carrier: Carrier }
  | { readonly kind: 'queue.cancel'; readonly tenant: string; readonly carrier?: Carrier; readonly category?: Category }
  | { readonly kind: 'tenant-key.rotate'; readonly tenant: string; readonly keyId: string; readonly newKeyId: string; readonly newKeyHash: string; readonly overlapSeconds: number }
  | { readonly kind: 'operator.role'; readonly operator: string; readonly role: Role }
  /** Set (a mode) or clear the standing route override of a carrier, or of one category of its traffic. */
  | { readonly kind: 'route.change'; readonly carrier: Carrier; readonly category?: Category; readonly mode: RouteMode | 'clear' }
  /** Send again the final status callbacks of a tenant's messages that ended in [since, until). */
  | { readonly kind: 'callbacks.replay'; readonly tenant: string; readonly since: number; readonly until: number };

export type ChangeKind = ChangeAction['kind'];
export const CHANGE_KINDS: readonly ChangeKind[] = ['carrier.pause', 'queue.cancel', 'tenant-key.rotate', 'operator.role', 'route.change', 'callbacks.replay'];

export type RequestState = 'pending' | 'approved' | 'done' | 'failed' | 'rejected' | 'expired';

export interface ChangeRequest {
  readonly id: string;
  readonly action: ChangeAction;
  readonly reason: string;
  readonly state: RequestState;
  readonly filedBy: string;
  readonly filedAt: number;
  readonly expiresAt: number;
  readonly decidedBy: string | undefined;
  readonly decidedAt: number | undefined;
  readonly doneAt: number | undefined;
  readonly outcome: string | undefined;
}

export type Decision =
  | { readonly kind: 'ok'; readonly request: ChangeRequest }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'own-request' }
  | { readonly kind: 'not-pending'; readonly state: RequestState }
  | { readonly kind: 'expired'; readonly request: ChangeRequest };

interface Row {
  id: string;
  kind: string;
  params: string;
  reason: string;
  state: RequestState;
  filed_by: string;
  filed_at: number;
  expires_at: number;
  decided_by: string | null;
  decided_at: number | null;
  done_at: number | null;
  outcome: string | null;
}

const requestOf = (r: Row): ChangeRequest => ({
  id: r.id,
  action: { ...(JSON.parse(r.params) as object), kind: r.kind } as ChangeAction,
  reason: r.reason,
  state: r.state,
  filedBy: r.filed_by,
  filedAt: r.filed_at,
  expiresAt: r.expires_at,
  decidedBy: r.decided_by ?? undefined,
  decidedAt: r.decided_at ?? undefined,
  doneAt: r.done_at ?? undefined,
  outcome: r.outcome ?? undefined,
});

export class ChangeRequests {
  private readonly s;

  constructor(
    private readonly db: OpsDb,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {
    this.s = {
      insert: db.prepare('INSERT INTO change_requests (id, kind, params, reason, state, filed_by, filed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM change_requests WHERE id = ?'),
      list: db.prepare('SELECT * FROM change_requests ORDER BY filed_at DESC, id DESC LIMIT ?'),
      listState: db.prepare('SELECT * FROM change_requests WHERE state = ? ORDER BY filed_at DESC, id DESC LIMIT ?'),
      decide: db.prepare("UPDATE change_requests SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'"),
      expire: db.prepare("UPDATE change_requests SET state = 'expired' WHERE id = ? AND state = 'pending'"),
      finish: db.prepare("UPDATE change_requests SET state = ?, done_at = ?, outcome = ? WHERE id = ? AND state = 'approved'"),
      approved: db.prepare("SELECT * FROM change_requests WHERE state = 'approved' ORDER BY decided_at, id"),
      duePending: db.prepare("SELECT * FROM change_requests WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT 1000"),
    };
  }

  file(action: ChangeAction, reason: string, by: string): ChangeRequest {
    const { kind, ...params } = action;
    const id = `req_${randomBytes(8).toString('hex')}`;
    const now = this.clock.now();
    this.s.insert.run(id, kind, JSON.stringify(params), reason, 'pending', by, now, now + this.ttlMs);
    return this.get(id)!;
  }

  get(id: string): ChangeRequest | undefined {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? requestOf(r) : undefined;
  }

  list(state: RequestState | undefined, limit: number): ChangeRequest[] {
    const rows = (state ? this.s.listState.all(state, limit) : this.s.list.all(limit)) as Row[];
    return rows.map(requestOf);
  }

  /** Approve or reject; refuses one's own request, a decided one and an expired one (marking it expired). */
  decide(id: string, by: string, verdict: 'approved' | 'rejected'): Decision {
    const r = this.get(id);
    if (!r) return { kind: 'not-found' };
    if (r.state !== 'pending') return { kind: 'not-pending', state: r.state };
    const now = this.clock.now();
    if (now >= r.expiresAt) {
      this.s.expire.run(id);
      return { kind: 'expired', request: this.get(id)! };
    }
    if (r.filedBy === by) return { kind: 'own-request' };
    if (this.s.decide.run(verdict, by, now, id).changes === 0) return { kind: 'not-pending', state: this.get(id)!.state };
    return { kind: 'ok', request: this.get(id)! };
  }

  /** approved -> done | failed; false when it was not `approved` (already finished). */
  finish(id: string, ok: boolean, outcome: string): boolean {
    return this.s.finish.run(ok ? 'done' : 'failed', this.clock.now(), outcome.slice(0, 500), id).changes > 0;
  }

  /** Approved and not yet run: left by a core that stopped between the approval and the action. */
  approvedNotRun(): ChangeRequest[] {
    return (this.s.approved.all() as Row[]).map(requestOf);
  }

  /** Mark pending requests past their expiry; returns those marked. */
  expireDue(): ChangeRequest[] {
    const due = (this.s.duePending.all(this.clock.now()) as Row[]).map(requestOf);
    const marked: ChangeRequest[] = [];
    for (const r of due) if (this.s.expire.run(r.id).changes > 0) marked.push({ ...r, state: 'expired' });
    return marked;
  }

  /** Run `fn` and this database's writes atomically. */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
