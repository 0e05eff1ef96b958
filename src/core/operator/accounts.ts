// Operator accounts, logins and sessions. A login checks the scrypt hash;
// repeated failures lock the account for a while (on the injected clock);
// a success hands out a short-lived session token, stored only as its
// SHA-256 (a token is 256 random bits, so a fast hash is enough: nothing
// to brute-force, unlike a password).
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/index.ts';
import type { OpsDb } from './ops-db.ts';
import { DEFAULT_COST, hashPassword, verifyPassword, type ScryptCost } from './password.ts';
import type { Role } from './roles.ts';
import type { WorkingHours } from './working-hours.ts';

export interface OperatorAccount {
  readonly name: string;
  readonly role: Role;
  /** Overrides the configured working hours for this operator. */
  readonly workingHours: WorkingHours | undefined;
  readonly failedLogins: number;
  readonly lockedUntil: number | undefined;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface AccountPolicy {
  readonly sessionTtlMs: number;
  readonly maxFailedLogins: number;
  readonly lockoutMs: number;
  readonly cost: ScryptCost;
}

export const DEFAULT_ACCOUNT_POLICY: AccountPolicy = { sessionTtlMs: 15 * 60_000, maxFailedLogins: 5, lockoutMs: 15 * 60_000, cost: DEFAULT_COST };

export type LoginOutcome =
  | { readonly kind: 'ok'; readonly token: string; readonly expiresAt: number; readonly account: OperatorAccount }
  | { readonly kind: 'bad-credentials'; readonly lockedNow: boolean }
  | { readonly kind: 'locked'; readonly until: number };

export interface Session {
  readonly account: OperatorAccount;
  readonly expiresAt: number;
}

export const NAME_PATTERN = '^[a-z][a-z0-9._-]{1,31}$';
const TOKEN_PREFIX = 'dop_';

export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

interface Row {
  name: string;
  role: Role;
  password_hash: string;
  working_hours: string | null;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  created_by: string;
}

const accountOf = (r: Row): OperatorAccount => ({
  name: r.name,
  role: r.role,
  workingHours: r.working_hours ? (JSON.parse(r.working_hours) as WorkingHours) : undefined,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until ?? undefined,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export class OperatorAccounts {
  private readonly s;
  /** Compared against when the name is unknown, so a login takes as long for a name that does not exist. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly db: OpsDb,
    private readonly clock: Clock,
    readonly policy: AccountPolicy = DEFAULT_ACCOUNT_POLICY,
  ) {
    this.s = {
      get: db.prepare('SELECT * FROM operators WHERE name = ?'),
      list: db.prepare('SELECT * FROM operators ORDER BY name'),
      count: db.prepare('SELECT COUNT(*) AS n FROM operators'),
      insert: db.prepare('INSERT INTO operators (name, role, password_hash, working_hours, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING'),
      setRole: db.prepare('UPDATE operators SET role = ? WHERE name = ?'),
      failed: db.prepare('UPDATE operators SET failed_logins = ?, locked_until = ? WHERE name = ?'),
      succeeded: db.prepare('UPDATE operators SET failed_logins = 0, locked_until = NULL WHERE name = ?'),
      session: db.prepare('INSERT INTO sessions (token_hash, operator, created_at, expires_at) VALUES (?, ?, ?, ?)'),
      findSession: db.prepare('SELECT operator, expires_at FROM sessions WHERE token_hash = ? AND ended_at IS NULL AND expires_at > ?'),
      endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL'),
      endAll: db.prepare('UPDATE sessions SET ended_at = ? WHERE operator = ? AND ended_at IS NULL'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
    };
  }

  get(name: string): OperatorAccount | undefined {
    const r = this.s.get.get(name) as Row | undefined;
    return r ? accountOf(r) : undefined;
  }

  list(): OperatorAccount[] {
    return (this.s.list.all() as Row[]).map(accountOf);
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n;
  }

  /** Hash first (slow), then insert; throws `exists` when the name is taken. */
  async add(input: { name: string; role: Role; password: string; workingHours?: WorkingHours | undefined }, by: string): Promise<OperatorAccount> {
    const hash = await hashPassword(input.password, this.policy.cost);
    const changes = this.s.insert.run(input.name, input.role, hash, input.workingHours ? JSON.stringify(input.workingHours) : null, this.clock.now(), by).changes;
    if (changes === 0) throw Object.assign(new Error(`operator ${input.name} exists`), { code: 'exists' });
    return this.get(input.name)!;
  }

  /** Inside the caller's transaction (a four-eyes request's action). Ends the operator's sessions: the new role applies at the next login. */
  setRole(name: string, role: Role): boolean {
    const changed = this.s.setRole.run(role, name).changes > 0;
    if (changed) this.s.endAll.run(this.clock.now(), name);
    return changed;
  }

  unlock(name: string): boolean {
    return this.s.succeeded.run(name).changes > 0;
  }

  async login(name: string, password: string): Promise<LoginOutcome> {
    const row = this.s.get.get(name) as Row | undefined;
    if (!row) {
      this.decoy ??= hashPassword('decoy password for unknown names', this.policy.cost);
      await verifyPassword(password, await this.decoy);
      return { kind: 'bad-credentials', lockedNow: false };
    }
    const now = this.clock.now();
    if (row.locked_until !== null && row.locked_until > now) return { kind: 'locked', until: row.locked_until };
    const ok = await verifyPassword(password, row.password_hash);
    // Read again after the slow hash: another login may have counted a failure meanwhile.
    const current = this.s.get.get(name) as Row | undefined;
    if (!current) return { kind: 'bad-credentials', lockedNow: false };
    const at = this.clock.now();
    if (!ok) {
      const failures = (current.locked_until !== null && current.locked_until <= at ? 0 : current.failed_logins) + 1;
      const lock = failures >= this.policy.maxFailedLogins;
      this.s.failed.run(lock ? 0 : failures, lock ? at + this.policy.lockoutMs : null, name);
      return { kind: 'bad-credentials', lockedNow: lock };
    }
    if (current.locked_until !== null && current.locked_until > at) return { kind: 'locked', until: current.locked_until };
    this.s.succeeded.run(name);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = at + this.policy.sessionTtlMs;
    this.s.session.run(tokenDigest(token), name, at, expiresAt);
    this.s.purgeSessions.run(at - 86_400_000);
    return { kind: 'ok', token, expiresAt, account: accountOf({ ...current, failed_logins: 0, locked_until: null }) };
  }

  /** The live session for `token` (the account as it is now), or undefined. */
  session(token: string): Session | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const s = this.s.findSession.get(tokenDigest(token), this.clock.now()) as { operator: string; expires_at: number } | undefined;
    if (!s) return undefined;
    const account = this.get(s.operator);
    return account ? { account, expiresAt: s.expires_at } : undefined;
  }

  logout(token: string): boolean {
    return this.s.endSession.run(this.clock.now(), tokenDigest(token)).changes > 0;
  }
}
