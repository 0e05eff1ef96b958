// Off-hours alerts: a login or an action outside the operator's working
// hours (their own, or the configured default, JST office hours) is counted
// (denpa_ops_off_hours_total), logged at warn, and sent as a signed POST to
// the configured alert URL through a durable outbox, retried until it is
// answered (see alert-outbox.ts).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../runtime/index.ts';
import type { OperatorAccount } from './accounts.ts';
import { withinWorkingHours, type WorkingHours } from './working-hours.ts';

export interface OffHoursAlert {
  readonly id: string;
  readonly kind: 'off-hours';
  readonly at: string;
  readonly operator: string;
  readonly role: string;
  readonly action: string;
  readonly from: string;
  readonly system: string;
  readonly working_hours: WorkingHours;
}

export interface OffHoursOptions {
  readonly clock: Clock;
  readonly defaults: WorkingHours;
  readonly system: string;
  readonly count?: (action: string) => void;
  readonly warn?: (fields: object, message: string) => void;
  /** Where alerts go to be POSTed (durable); undefined when no alert URL is configured. */
  readonly send?: (alert: OffHoursAlert) => void;
}

/** Reads are many and harmless: an off-hours alert is raised for logins and changes, not for every page an operator looks at. */
const isRead = (action: string): boolean => /\.(read|list)$/.test(action);

export class OffHoursWatch {
  constructor(private readonly o: OffHoursOptions) {}

  hoursOf(account: OperatorAccount): WorkingHours {
    return account.workingHours ?? this.o.defaults;
  }

  within(account: OperatorAccount, atMs: number): boolean {
    return withinWorkingHours(atMs, this.hoursOf(account));
  }

  /** Check one login or action; raise the alert when it is off-hours. Returns whether it was. */
  observe(account: OperatorAccount, action: string, from: string): boolean {
    const now = this.o.clock.now();
    if (isRead(action) || this.within(account, now)) return false;
    const alert: OffHoursAlert = {
      id: `alert_${randomBytes(8).toString('hex')}`,
      kind: 'off-hours',
      at: new Date(now).toISOString(),
      operator: account.name,
      role: account.role,
      action,
      from,
      system: this.o.system,
      working_hours: this.hoursOf(account),
    };
    this.o.count?.(action === 'login' ? 'login' : 'action');
    this.o.warn?.({ alert }, `off-hours ${action} by ${account.name} from ${from}`);
    this.o.send?.(alert);
    return true;
  }
}
