// Verifying the audit trail across its rotated parts: the archives, oldest
// first, then the records still in the database. Each part must begin where
// the one before ended; the database's anchor names where the last archive
// ended. The verdict names the first broken record and the file it is in.
import fs from 'node:fs';
import { GENESIS, parseJsonLines, verifyChain, type ChainVerdict } from '../../runtime/index.ts';
import type { AuditTrail } from './audit-trail.ts';

export type TrailVerdict =
  | { readonly ok: true; readonly records: number; readonly first: number | undefined; readonly last: number | undefined; readonly parts: readonly string[] }
  | { readonly ok: false; readonly where: string; readonly seq: number; readonly line: number; readonly reason: string };

const broken = (where: string, v: Extract<ChainVerdict, { ok: false }>): TrailVerdict => ({ ok: false, where, seq: v.brokenAt, line: v.line, reason: v.reason });

/** The start a standalone export verifies from: its first record's own link (an export may begin mid-chain). */
export function startOf(records: readonly unknown[]): { seq: number; hash: string } {
  const first = records[0] as { seq?: unknown; prev?: unknown } | undefined;
  if (first && typeof first.seq === 'number' && typeof first.prev === 'string') return { seq: first.seq - 1, hash: first.prev };
  return { seq: 0, hash: GENESIS };
}

/** One JSON Lines file on its own (an export or an archive). */
export function verifyFile(file: string): TrailVerdict {
  const records = parseJsonLines(fs.readFileSync(file, 'utf8'));
  const v = verifyChain(records, startOf(records));
  if (!v.ok) return broken(file, v);
  return { ok: true, records: v.count, first: v.count > 0 ? startOf(records).seq + 1 : undefined, last: v.head?.seq, parts: [file] };
}

/** Archives (oldest first) and then the database, as one chain from GENESIS (or from the first archive's start when older ones are gone). */
export function verifyTrail(trail: AuditTrail, archives: readonly string[] = []): TrailVerdict {
  let head: { seq: number; hash: string } | undefined;
  let total = 0;
  let first: number | undefined;
  for (const file of archives) {
    const records = parseJsonLines(fs.readFileSync(file, 'utf8'));
    const start = head ?? startOf(records);
    const v = verifyChain(records, start);
    if (!v.ok) return broken(file, v);
    first ??= start.seq + 1;
    total += v.count;
    head = v.head ?? start;
  }
  const { verdict, anchor } = trail.verify();
  if (anchor && head && (anchor.seq !== head.seq || anchor.hash !== head.hash)) {
    return { ok: false, where: 'operators.db', seq: anchor.seq + 1, line: 0, reason: `the database's anchor (record ${anchor.seq}) is not where the last archive ends (record ${head.seq})` };
  }
  if (!anchor && head && archives.length > 0) {
    return { ok: false, where: 'operators.db', seq: head.seq + 1, line: 0, reason: 'archives were given but the database has no rotation anchor' };
  }
  if (!verdict.ok) return broken('operators.db', verdict);
  first ??= anchor ? anchor.seq + 1 : 1;
  total += verdict.count;
  const last = verdict.head?.seq ?? head?.seq;
  return { ok: true, records: total, first: total > 0 ? first : undefined, last: total > 0 ? last : undefined, parts: [...archives, 'operators.db'] };
}
