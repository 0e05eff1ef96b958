// Which send window holds a tenant's messages of one category: the
// tenant's own entry when it has one, else the core's. Built once from the
// config (the windows of tenants created over the admin API are replaced
// as a whole whenever those change: setAddedTenants); asked at accept (to make a message due when its window opens)
// and at claim (a message can come due outside its window: a retry's
// back-off, a restart's recovery, a backlog that ran past closing time).
import { CATEGORIES, type Category } from '../store/index.ts';
import { nextSendableAt, parseWindowText, type SendingWindow } from './send-window.ts';

type WindowTexts = Readonly<Record<Category, string>>;

/** The part of the core config the policy reads (structural, so dispatch needs no config import). */
export interface SendWindowSettings {
  readonly messages: { readonly sendWindows: WindowTexts; readonly sendWindowUtcOffsetMinutes: number };
  readonly tenants: readonly { readonly name: string; readonly sendWindows?: Partial<WindowTexts> }[];
}

type WindowTable = ReadonlyMap<Category, SendingWindow | undefined>;

function tableOf(texts: Partial<WindowTexts>, utcOffsetMinutes: number): WindowTable {
  const table = new Map<Category, SendingWindow | undefined>();
  for (const c of CATEGORIES) {
    const text = texts[c];
    if (text !== undefined) table.set(c, parseWindowText(text, utcOffsetMinutes));
  }
  return table;
}

export class SendWindowPolicy {
  /** The config's tenants' tables and, after setAddedTenants, the added tenants' (the config's win a clash). */
  private byTenant: ReadonlyMap<string, WindowTable>;

  private constructor(
    private readonly defaults: WindowTable,
    private readonly configured: ReadonlyMap<string, WindowTable>,
    private readonly utcOffsetMinutes = 0,
  ) {
    this.byTenant = configured;
  }

  /** Throws RangeError on a malformed window text (the config schema's pattern keeps those out). */
  static fromConfig(s: SendWindowSettings): SendWindowPolicy {
    const offset = s.messages.sendWindowUtcOffsetMinutes;
    const byTenant = new Map<string, WindowTable>();
    for (const t of s.tenants) if (t.sendWindows) byTenant.set(t.name, tableOf(t.sendWindows, offset));
    return new SendWindowPolicy(tableOf(s.messages.sendWindows, offset), byTenant, offset);
  }

  /** Replace the windows of the tenants added beside the config (the whole list; checked window texts). */
  setAddedTenants(tenants: SendWindowSettings['tenants']): void {
    const next = new Map<string, WindowTable>();
    for (const t of tenants) if (t.sendWindows && !this.configured.has(t.name)) next.set(t.name, tableOf(t.sendWindows, this.utcOffsetMinutes));
    for (const [name, table] of this.configured) next.set(name, table);
    this.byTenant = next;
  }

  /** Nothing is ever held. */
  static none(): SendWindowPolicy {
    return new SendWindowPolicy(new Map(), new Map());
  }

  /** A fixed window per category for every tenant (tests, tuning). */
  static of(windows: Partial<Record<Category, SendingWindow>>): SendWindowPolicy {
    return new SendWindowPolicy(new Map(Object.entries(windows) as [Category, SendingWindow][]), new Map());
  }

  /** The window that holds `tenant`'s `category` messages; undefined = always open. */
  windowFor(tenant: string, category: Category): SendingWindow | undefined {
    const own = this.byTenant.get(tenant);
    return own?.has(category) ? own.get(category) : this.defaults.get(category);
  }

  /** The first instant at or after `at` at which the message may be sent. */
  sendableAt(tenant: string, category: Category, at: number): number {
    const w = this.windowFor(tenant, category);
    return w ? nextSendableAt(at, w) : at;
  }

  /**
   * Whether a lane is worth claiming at `now`: some tenant (or the default,
   * which covers tenants without an entry) may send this category now.
   * A lane closed for everyone is not read at all.
   */
  laneOpen(category: Category, now: number): boolean {
    const open = (t: WindowTable): boolean => {
      const w = t.has(category) ? t.get(category) : this.defaults.get(category);
      return !w || nextSendableAt(now, w) === now;
    };
    if (open(this.defaults)) return true;
    for (const t of this.byTenant.values()) if (open(t)) return true;
    return false;
  }
}
