// A tamper-evident, append-only chain of records, shared by the core's
// audit trail and the harness's release log. Each record carries the hash
// of the one before it (`prev`) and its own hash over `prev` and its
// canonical JSON, so changing a byte, deleting a record or swapping two
// breaks the chain at the first record affected:
//
//   hash(n) = sha256hex( hash(n-1) "\n" canonicalJson(record n without its hash) )
//
// The first record of a chain links to GENESIS, or to an anchor (the hash
// of the last record of a part that was rotated out), so a purged chain
// still verifies from its anchor onwards. Pure: no I/O.
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every depth: one text per value, so a hash over it is stable. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields every chained record has; the rest is the record's own. */
export interface ChainLink {
  readonly seq: number;
  readonly prev: string;
}

export type Chained<T> = T & ChainLink & { readonly hash: string };

export function linkHash(prev: string, body: ChainLink & object): string {
  return createHash('sha256').update(`${prev}\n${canonicalJson(body)}`, 'utf8').digest('hex');
}

/** The next record: seq and prev from `head` (undefined = a fresh chain), hash over both. */
export function chainNext<T extends object>(head: { seq: number; hash: string } | undefined, record: T): Chained<T> {
  const body = { ...record, seq: (head?.seq ?? 0) + 1, prev: head?.hash ?? GENESIS };
  return { ...body, hash: linkHash(body.prev, body) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly count: number; readonly head: { seq: number; hash: string } | undefined }
  | { readonly ok: false; readonly count: number; readonly brokenAt: number; readonly line: number; readonly reason: string };

/**
 * Check records in order (as read: `line` is the 1-based position). `start`
 * is where the chain must begin: GENESIS at seq 1, or a rotation anchor.
 * Names the first record that does not follow, and why.
 */
export function verifyChain(
  records: readonly unknown[],
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): ChainVerdict {
  let head = start;
  let count = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Partial<Chained<object>> | null;
    const broken = (reason: string): ChainVerdict => ({
      ok: false,
      count,
      brokenAt: typeof r?.seq === 'number' ? r.seq : head.seq + 1,
      line: i + 1,
      reason,
    });
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return broken('is not a JSON object');
    if (typeof r.seq !== 'number' || typeof r.prev !== 'string' || typeof r.hash !== 'string') return broken('lacks seq, prev or hash');
    if (r.seq !== head.seq + 1) return broken(`has seq ${r.seq} where ${head.seq + 1} was due (a record is missing or out of order)`);
    if (r.prev !== head.hash) return broken(`does not link to record ${head.seq} (prev ${r.prev.slice(0, 12)}…, expected ${head.hash.slice(0, 12)}…)`);
    const { hash, ...body } = r as Chained<object>;
    if (linkHash(r.prev, body) !== hash) return broken('was changed after it was written (its hash does not match its content)');
    head = { seq: r.seq, hash };
    count++;
  }
  return { ok: true, count, head: count > 0 || start.seq > 0 ? head : undefined };
}

/** Parse JSON Lines; an unparseable line becomes null so verifyChain names it. */
export function parseJsonLines(text: string): unknown[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    try {
      return JSON.parse(l) as unknown;
    } catch {
      return null;
    }
  });
}
