// Rows of the operator side as the API shows them (snake_case, nulls for absent).
import type { MessageRecord } from '../../store/index.ts';
import type { OperatorAccount } from '../accounts.ts';
import type { ChangeRequest } from '../change-requests.ts';
import { bodyFor, numberFor } from '../masking.ts';
import type { Role } from '../roles.ts';
import type { TenantKeyInfo } from '../tenant-key-table.ts';

export const operatorView = (a: OperatorAccount) => ({
  name: a.name,
  role: a.role,
  working_hours: a.workingHours ?? null,
  locked_until: a.lockedUntil ?? null,
  created_at: a.createdAt,
  created_by: a.createdBy,
});

export const keyView = (k: TenantKeyInfo) => ({
  id: k.id,
  tenant: k.tenant,
  state: k.state,
  created_at: k.createdAt,
  created_by: k.createdBy,
  expires_at: k.expiresAt ?? null,
  revoked_at: k.revokedAt ?? null,
});

export function requestView(r: ChangeRequest) {
  const { kind, ...params } = r.action;
  // The rotated-in key's hash is nobody's business but the database's.
  const shown: Record<string, unknown> = { ...params };
  delete shown.newKeyHash;
  return {
    id: r.id,
    kind,
    params: shown,
    reason: r.reason,
    state: r.state,
    filed_by: r.filedBy,
    filed_at: r.filedAt,
    expires_at: r.expiresAt,
    decided_by: r.decidedBy ?? null,
    decided_at: r.decidedAt ?? null,
    done_at: r.doneAt ?? null,
    outcome: r.outcome ?? null,
  };
}

/** A message as `role` may see it: numbers and bodies masked below operator, OTP bodies never shown. */
export const messageView = (m: MessageRecord, role: Role) => ({
  id: m.id,
  tenant: m.tenant,
  state: m.state,
  to: numberFor(role, m.to),
  text: bodyFor(role, m.category, m.text),
  category: m.category,
  carrier: m.carrier,
  accepted_at: m.acceptedAt,
  final_at: m.finalAt ?? null,
  error: m.error ? { code: m.error.code, description: m.error.description } : null,
});
