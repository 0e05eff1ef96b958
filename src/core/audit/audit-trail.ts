// The audit trail: who did what, from where, on which system, when, with
// which parameters and what came of it, for every operator action and every
// read of personal data, including denials and failed logins. Records are
// rows of the operators' database chained by hash (runtime/hash-chain.ts),
// appended in the same transaction as the action they record where the
// action is a write to that database.
//
// Rotation moves the oldest records to a JSON Lines archive and keeps, in
// audit_anchor, the seq and hash of the last one moved, so the remaining
// chain still verifies from its anchor, and the archives with it.
import fs from 'node:fs';
import { canonicalJson, chainNext, GENESIS, verifyChain, type Chained, type ChainVerdict } from '../../runtime/index.ts';
import type Database from 'better-sqlite3';

export type AuditOutcome = 'ok' | 'denied' | 'refused' | 'failed';

export interface AuditEvent {
  /** ms since the epoch; written as RFC 3339 UTC in the record. */
  readonly at: number;
  /** Operator name, or `anonymous` for a request without a session, or `cli:<user>` for the command line. */
  readonly who: string;
  readonly role?: string;
  /** Client address (or `cli`). */
  readonly from: string;
  /** Which system: host name and service, e.g. `denpa-core@stg-core-1`. */
  readonly system: string;
  /** What, as a stable dotted name: `login`, `message.read`, `request.approve`, ... */
  readonly action: string;
  /** Request parameters, already redacted (operator/masking.ts). */
  readonly params?: unknown;
  readonly outcome: AuditOutcome;
  /** HTTP status for API actions. */
  readonly status?: number;
  readonly detail?: string;
}

export interface AuditRecord extends Omit<AuditEvent, 'at'> {
  readonly at: string;
}

export type ChainedAuditRecord = Chained<AuditRecord>;

export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
  readonly rotatedAt: number;
  readonly archive: string;
}

export interface AuditVerdict {
  readonly verdict: ChainVerdict;
  readonly anchor: AuditAnchor | undefined;
}

const MAX_DETAIL = 500;

export class AuditTrail {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    readonly system: string,
  ) {
    this.s = {
      last: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      anchor: db.prepare('SELECT seq, hash, rotated_at AS rotatedAt, archive FROM audit_anchor LIMIT 1'),
      insert: db.prepare('INSERT INTO audit_log (seq, at, record, hash) VALUES (?, ?, ?, ?)'),
      range: db.prepare('SELECT seq, record, hash FROM audit_log WHERE at >= ? AND at < ? ORDER BY seq'),
      all: db.prepare('SELECT seq, record, hash FROM audit_log ORDER BY seq'),
      before: db.prepare('SELECT seq, record, hash FROM audit_log WHERE at < ? ORDER BY seq'),
      deleteThrough: db.prepare('DELETE FROM audit_log WHERE seq <= ?'),
      clearAnchor: db.prepare('DELETE FROM audit_anchor'),
      setAnchor: db.prepare('INSERT INTO audit_anchor (seq, hash, rotated_at, archive) VALUES (?, ?, ?, ?)'),
    };
  }

  /** Append one record (inside the caller's transaction if there is one). */
  append(event: AuditEvent): ChainedAuditRecord {
    return this.db.transaction(() => {
      const head = (this.s.last.get() as { seq: number; hash: string } | undefined) ?? this.anchor();
      const record: AuditRecord = {
        ...event,
        at: new Date(event.at).toISOString(),
        ...(event.detail !== undefined ? { detail: event.detail.slice(0, MAX_DETAIL) } : {}),
      };
      const chained = chainNext(head, record);
      const { hash, ...body } = chained;
      this.s.insert.run(chained.seq, event.at, canonicalJson(body), hash);
      return chained;
    }).immediate();
  }

  anchor(): AuditAnchor | undefined {
    return this.s.anchor.get() as AuditAnchor | undefined;
  }

  /** Records with `since <= at < until`, in chain order. */
  *records(sinceMs = 0, untilMs = Number.MAX_SAFE_INTEGER): Generator<unknown> {
    for (const row of this.s.range.iterate(sinceMs, untilMs) as Iterable<StoredRow>) yield recordOf(row);
  }

  /** Check the whole stored chain from its anchor (or GENESIS): names the first broken record. */
  verify(): AuditVerdict {
    const anchor = this.anchor();
    const rows = (this.s.all.all() as StoredRow[]).map(recordOf);
    return { verdict: verifyChain(rows, anchor ? { seq: anchor.seq, hash: anchor.hash } : { seq: 0, hash: GENESIS }), anchor };
  }

  /**
   * Move records older than `beforeMs` to `archivePath` (JSON Lines,
   * written and fsynced first), then delete them and set the anchor, in one
   * transaction. Refuses when the stored chain is already broken, so a
   * rotation never launders a tampered record into an archive.
   */
  rotate(beforeMs: number, archivePath: string, nowMs: number): { moved: number; anchor: AuditAnchor | undefined } {
    const check = this.verify();
    if (!check.verdict.ok) throw new Error(`the audit trail is broken at record ${check.verdict.brokenAt}; not rotating`);
    const rows = this.s.before.all(beforeMs) as StoredRow[];
    if (rows.length === 0) return { moved: 0, anchor: this.anchor() };
    const fd = fs.openSync(archivePath, 'wx');
    try {
      fs.writeSync(fd, rows.map((r) => JSON.stringify(recordOf(r))).join('\n') + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const last = rows[rows.length - 1]!;
    const anchor: AuditAnchor = { seq: last.seq, hash: last.hash, rotatedAt: nowMs, archive: archivePath };
    this.db.transaction(() => {
      this.s.deleteThrough.run(last.seq);
      this.s.clearAnchor.run();
      this.s.setAnchor.run(anchor.seq, anchor.hash, anchor.rotatedAt, anchor.archive);
    }).immediate();
    return { moved: rows.length, anchor };
  }
}

interface StoredRow {
  seq: number;
  record: string;
  hash: string;
}

/** The record as exported: its stored body plus the hash column (a body that is not JSON becomes null, which verify names). */
function recordOf(row: StoredRow): unknown {
  try {
    const body = JSON.parse(row.record) as Record<string, unknown>;
    return { ...body, hash: row.hash };
  } catch {
    return null;
  }
}
