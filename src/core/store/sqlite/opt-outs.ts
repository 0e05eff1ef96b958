// The opt_outs table: one row per (tenant, number) that asked for no more
// promotions. Reads run on the caller's turn; writes go through the
// store's group commit like every other write (the caller passes it in).
import type Database from 'better-sqlite3';
import type { OptOut, OptOutPage, OptOutSource } from '../types.ts';

/** SQLite's default bound on `?` parameters per statement is far above this; a batch of 1000 fits in one. */
const IN_CHUNK = 500;

export class OptOutTable {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      add: db.prepare('INSERT INTO opt_outs (tenant, number, at, source) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, number) DO NOTHING'),
      remove: db.prepare('DELETE FROM opt_outs WHERE tenant = ? AND number = ?'),
      page: db.prepare('SELECT number, at, source FROM opt_outs WHERE tenant = ? AND number > ? ORDER BY number LIMIT ?'),
    };
  }

  /** Inside a write transaction. */
  add(tenant: string, numbers: readonly string[], at: number, source: OptOutSource): number {
    let added = 0;
    for (const n of numbers) added += this.s.add.run(tenant, n, at, source).changes;
    return added;
  }

  /** Inside a write transaction. */
  remove(tenant: string, numbers: readonly string[]): number {
    let removed = 0;
    for (const n of numbers) removed += this.s.remove.run(tenant, n).changes;
    return removed;
  }

  optedOut(tenant: string, numbers: readonly string[]): string[] {
    const unique = [...new Set(numbers)];
    const found: string[] = [];
    for (let i = 0; i < unique.length; i += IN_CHUNK) {
      const chunk = unique.slice(i, i + IN_CHUNK);
      const rows = this.db
        .prepare(`SELECT number FROM opt_outs WHERE tenant = ? AND number IN (${chunk.map(() => '?').join(', ')})`)
        .all(tenant, ...chunk) as { number: string }[];
      for (const r of rows) found.push(r.number);
    }
    return found;
  }

  page(tenant: string, cursor: string | undefined, limit: number): OptOutPage {
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const rows = this.s.page.all(tenant, cursor ?? '', n + 1) as { number: string; at: number; source: OptOutSource }[];
    const optOuts: OptOut[] = rows.slice(0, n).map((r) => ({ number: r.number, at: r.at, source: r.source }));
    return { optOuts, nextCursor: rows.length > n ? (optOuts[optOuts.length - 1]?.number ?? null) : null };
  }
}
