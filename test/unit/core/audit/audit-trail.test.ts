// The audit trail's hash chain: a valid chain verifies; a changed byte, a
// deleted record and a reordered pair are each named at the first record
// they break, in the database and in an exported JSON Lines file; rotation
// keeps the remaining chain and its archives verifiable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail, verifyFile, verifyTrail } from '../../../../src/core/audit/index.ts';
import { openOpsDb, type OpsDb } from '../../../../src/core/operator/index.ts';
import { linkHash } from '../../../../src/runtime/index.ts';

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
let dir: string;
let db: OpsDb;
let trail: AuditTrail;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-audit-'));
  db = openOpsDb(dir);
  trail = new AuditTrail(db, 'denpa-core@test');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** n records, a minute apart, the first at T0 + (from + 1) minutes. */
function fill(n: number, from = 0): void {
  for (let i = from + 1; i <= from + n; i++) {
    trail.append({ at: T0 + i * 60_000, who: i % 2 ? 'alice' : 'bob', role: 'operator', from: '10.0.0.7', system: trail.system, action: 'message.read', params: { path: { id: `m${i}` } }, outcome: 'ok', status: 200 });
  }
}

function exportTo(file: string): string[] {
  const lines = [...trail.records()].map((r) => JSON.stringify(r));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return lines;
}

describe('the audit hash chain in the database', () => {
  it('verifies a valid chain and names its range', () => {
    fill(20);
    const v = verifyTrail(trail);
    expect(v).toEqual({ ok: true, records: 20, first: 1, last: 20, parts: ['operators.db'] });
    const first = [...trail.records()][0] as Record<string, unknown>;
    expect(first).toMatchObject({ seq: 1, prev: '0'.repeat(64), who: 'alice', from: '10.0.0.7', system: 'denpa-core@test', action: 'message.read', outcome: 'ok', at: '2026-06-01T00:01:00.000Z' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a changed byte in record 7 is named as record 7', () => {
    fill(20);
    db.prepare("UPDATE audit_log SET record = replace(record, '\"m7\"', '\"m8\"') WHERE seq = 7").run();
    expect(verifyTrail(trail)).toMatchObject({ ok: false, seq: 7, line: 7, reason: expect.stringContaining('changed after it was written') });
  });

  it('a deleted record 12 is named at the record after it', () => {
    fill(20);
    db.prepare('DELETE FROM audit_log WHERE seq = 12').run();
    expect(verifyTrail(trail)).toMatchObject({ ok: false, seq: 13, line: 12, reason: expect.stringContaining('12 was due') });
  });

  it('a reordered pair (5, 6) is named at the first position out of order', () => {
    fill(20);
    const r5 = db.prepare('SELECT record, hash FROM audit_log WHERE seq = 5').get() as { record: string; hash: string };
    const r6 = db.prepare('SELECT record, hash FROM audit_log WHERE seq = 6').get() as { record: string; hash: string };
    const put = db.prepare('UPDATE audit_log SET record = ?, hash = ? WHERE seq = ?');
    put.run(r6.record, r6.hash, 5);
    put.run(r5.record, r5.hash, 6);
    expect(verifyTrail(trail)).toMatchObject({ ok: false, seq: 6, line: 5, reason: expect.stringContaining('5 was due') });
  });

  it('a record rewritten with a fresh hash of its own still breaks the next link', () => {
    fill(5);
    // A forger who recomputes record 3's hash cannot also fix record 4's prev without rewriting everything after it.
    const row = db.prepare('SELECT record FROM audit_log WHERE seq = 3').get() as { record: string };
    const body = JSON.parse(row.record.replace('"alice"', '"mallory"')) as { prev: string; seq: number };
    db.prepare('UPDATE audit_log SET record = ?, hash = ? WHERE seq = 3').run(JSON.stringify(body), linkHash(body.prev, body));
    expect(verifyTrail(trail)).toMatchObject({ ok: false, seq: 4, reason: expect.stringContaining('does not link to record 3') });
  });
});

describe('the audit hash chain in an exported file', () => {
  it('valid, a changed byte, a deleted line, a reordered pair', () => {
    fill(10);
    const file = path.join(dir, 'export.jsonl');
    const lines = exportTo(file);
    expect(verifyFile(file)).toMatchObject({ ok: true, records: 10, first: 1, last: 10 });

    fs.writeFileSync(file, lines.map((l, i) => (i === 3 ? l.replace('10.0.0.7', '10.0.0.8') : l)).join('\n') + '\n');
    expect(verifyFile(file)).toMatchObject({ ok: false, seq: 4, line: 4 });

    fs.writeFileSync(file, lines.filter((_l, i) => i !== 6).join('\n') + '\n');
    expect(verifyFile(file)).toMatchObject({ ok: false, seq: 8, line: 7 });

    const swapped = [...lines];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    fs.writeFileSync(file, swapped.join('\n') + '\n');
    expect(verifyFile(file)).toMatchObject({ ok: false, seq: 3, line: 2 });

    fs.writeFileSync(file, lines.map((l, i) => (i === 8 ? l.slice(0, -3) : l)).join('\n') + '\n');
    expect(verifyFile(file)).toMatchObject({ ok: false, line: 9, reason: 'is not a JSON object' });
  });

  it('an export of a middle range verifies from its own first link', () => {
    fill(10);
    const file = path.join(dir, 'range.jsonl');
    fs.writeFileSync(file, [...trail.records(T0 + 4 * 60_000, T0 + 8 * 60_000)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(verifyFile(file)).toMatchObject({ ok: true, records: 4, first: 4, last: 7 });
  });
});

describe('rotation', () => {
  it('moves old records to an archive and keeps both verifiable through the anchor', () => {
    fill(10);
    const a1 = path.join(dir, 'audit-1.jsonl');
    expect(trail.rotate(T0 + 4 * 60_000 + 1, a1, T0 + 86_400_000)).toMatchObject({ moved: 4, anchor: { seq: 4 } });
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 6 });
    // The database alone verifies from its anchor; with the archive, from GENESIS.
    expect(verifyTrail(trail)).toEqual({ ok: true, records: 6, first: 5, last: 10, parts: ['operators.db'] });
    expect(verifyTrail(trail, [a1])).toEqual({ ok: true, records: 10, first: 1, last: 10, parts: [a1, 'operators.db'] });
    // New records chain on; a second rotation adds a second archive.
    fill(2, 10);
    const a2 = path.join(dir, 'audit-2.jsonl');
    expect(trail.rotate(T0 + 8 * 60_000 + 1, a2, T0 + 86_400_000)).toMatchObject({ moved: 4, anchor: { seq: 8 } });
    expect(verifyTrail(trail, [a1, a2])).toMatchObject({ ok: true, records: 12, first: 1, last: 12 });
    // Out of order, or a tampered archive, is named.
    expect(verifyTrail(trail, [a2, a1])).toMatchObject({ ok: false, where: a1 });
    // Older archives past their retention may be gone: the newest alone still links to the anchor.
    expect(verifyTrail(trail, [a2])).toMatchObject({ ok: true, records: 8, first: 5, last: 12 });
    // But the newest missing is named: the anchor is not where the given archives end.
    expect(verifyTrail(trail, [a1])).toMatchObject({ ok: false, where: 'operators.db', reason: expect.stringContaining('anchor') });
    const original = fs.readFileSync(a1, 'utf8');
    fs.writeFileSync(a1, original.replace('"bob"', '"eve"'));
    expect(verifyTrail(trail, [a1, a2])).toMatchObject({ ok: false, where: a1, seq: 2 });
  });

  it('refuses to rotate a broken chain, and never overwrites an archive', () => {
    fill(6);
    const a = path.join(dir, 'a.jsonl');
    db.prepare("UPDATE audit_log SET record = replace(record, 'alice', 'alicf') WHERE seq = 1").run();
    expect(() => trail.rotate(T0 + 10 * 60_000, a, T0)).toThrow(/broken at record 1/);
    expect(fs.existsSync(a)).toBe(false);
    db.prepare("UPDATE audit_log SET record = replace(record, 'alicf', 'alice') WHERE seq = 1").run();
    fs.writeFileSync(a, 'keep me\n');
    expect(() => trail.rotate(T0 + 10 * 60_000, a, T0)).toThrow(/EEXIST/);
    expect(fs.readFileSync(a, 'utf8')).toBe('keep me\n');
  });
});
