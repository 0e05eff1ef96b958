// The checks a tenant created or changed over the admin API must pass
// beyond its schema, the same the config file's tenants pass at load: its
// URLs by the egress rules (no loopback, private or metadata addresses
// unless egress.allow names them), and an inbound number belongs to one
// tenant only. Pure: the caller passes every other tenant.
import type { FieldError } from '../api/errors.ts';
import { parseWindowText } from '../dispatch/index.ts';
import { callbackUrlProblem, egressPolicyOf } from '../egress/index.ts';
import { addressKey } from '../inbound/index.ts';
import type { TenantSettings } from './tenant-table.ts';

export interface TenantRuleContext {
  readonly egressAllow: readonly string[];
  /** Every tenant but the one being checked (config and added). */
  readonly others: readonly { readonly name: string; readonly inboundNumbers?: readonly string[] }[];
}

export function tenantProblems(settings: TenantSettings, ctx: TenantRuleContext): FieldError[] {
  const problems: FieldError[] = [];
  const egress = egressPolicyOf(ctx.egressAllow);
  for (const [field, url] of [
    ['callback_url', settings.callbackUrl],
    ['inbound_url', settings.inboundUrl],
  ] as const) {
    const problem = url !== undefined ? callbackUrlProblem(url, egress) : undefined;
    if (problem) problems.push({ field, message: problem });
  }
  for (const [category, text] of Object.entries(settings.sendWindows ?? {})) {
    try {
      parseWindowText(text, 0);
    } catch (err) {
      problems.push({ field: `send_windows.${category}`, message: (err as Error).message });
    }
  }
  const owner = new Map<string, string>();
  for (const t of ctx.others) for (const n of t.inboundNumbers ?? []) owner.set(addressKey(n), t.name);
  const mine = new Set<string>();
  settings.inboundNumbers?.forEach((n, i) => {
    const key = addressKey(n);
    const taken = owner.get(key);
    if (taken !== undefined) problems.push({ field: `inbound_numbers.${i}`, message: `"${n}" already belongs to tenant "${taken}"` });
    else if (mine.has(key)) problems.push({ field: `inbound_numbers.${i}`, message: `"${n}" is listed twice` });
    mine.add(key);
  });
  return problems;
}
