// The standing route overrides, durable in operators.db: what approved
// route.change requests left in force. The delivery thread gets the whole
// list (never a diff), so handing it over again changes nothing twice.
import type { Carrier, Category } from '../../domain/index.ts';
import type { RouteMode, RouteOverride } from '../routing/index.ts';
import type { OpsDb } from './ops-db.ts';

export interface StandingRoute extends RouteOverride {
  readonly setAt: number;
  /** The change request that set it. */
  readonly requestId: string;
}

interface Row {
  carrier: Carrier;
  category: string;
  mode: RouteMode;
  set_at: number;
  request_id: string;
}

/** '' in the table: every category (see the migration). */
const ALL = '';

export class StandingRoutes {
  private readonly s;

  constructor(db: OpsDb) {
    this.s = {
      set: db.prepare(
        `INSERT INTO route_overrides (carrier, category, mode, set_at, request_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (carrier, category) DO UPDATE SET mode = excluded.mode, set_at = excluded.set_at, request_id = excluded.request_id`,
      ),
      clear: db.prepare('DELETE FROM route_overrides WHERE carrier = ? AND category = ?'),
      list: db.prepare('SELECT * FROM route_overrides ORDER BY carrier, category'),
    };
  }

  set(carrier: Carrier, category: Category | undefined, mode: RouteMode, at: number, requestId: string): void {
    this.s.set.run(carrier, category ?? ALL, mode, at, requestId);
  }

  /** false when there was none to clear. */
  clear(carrier: Carrier, category: Category | undefined): boolean {
    return this.s.clear.run(carrier, category ?? ALL).changes > 0;
  }

  list(): StandingRoute[] {
    return (this.s.list.all() as Row[]).map((r) => ({
      carrier: r.carrier,
      ...(r.category !== ALL ? { category: r.category as Category } : {}),
      mode: r.mode,
      setAt: r.set_at,
      requestId: r.request_id,
    }));
  }

  /** The list as the delivery thread takes it. */
  overrides(): RouteOverride[] {
    return this.list().map(({ carrier, category, mode }) => ({ carrier, ...(category ? { category } : {}), mode }));
  }
}
