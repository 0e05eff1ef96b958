// The operator and audit commands as a user runs them (bin/denpa.js): the
// first admin added on a data directory, `denpa audit verify` naming the
// first broken record with exit 1, `export` by time range, `rotate`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDenpa } from '../../../support/denpa-cli.ts';

const denpa = runDenpa;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-cli-ops-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('denpa operator and denpa audit', () => {
  it('adds the first admin, verifies, exports, names a tampered record, rotates', async () => {
    const env = { DENPA_OPERATOR_PASSWORD: 'first admin password' };
    expect(await denpa(['operator', 'add', 'root', '--role', 'admin', '--data-dir', dir], env)).toMatchObject({ code: 0, stdout: 'added root (admin)\n' });
    expect((await denpa(['operator', 'add', 'root', '--role', 'admin', '--data-dir', dir], env)).code).toBe(2);
    expect((await denpa(['operator', 'add', 'eve', '--role', 'viewer', '--data-dir', dir], { DENPA_OPERATOR_PASSWORD: 'short' })).stderr).toContain('at least 12 characters');
    expect(await denpa(['operator', 'add', 'ops-1', '--role', 'operator', '--data-dir', dir], env)).toMatchObject({ code: 0 });

    const ok = await denpa(['audit', 'verify', dir]);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit trail OK: 3 records, 1\.\.3/) });

    const out = path.join(dir, 'export.jsonl');
    expect((await denpa(['audit', 'export', dir, '--since', '2000-01-01T00:00:00Z', '--out', out])).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { who: string; action: string; outcome: string; from: string });
    expect(lines.map((l) => `${l.action} ${l.outcome}`)).toEqual(['operator.add ok', 'operator.add refused', 'operator.add ok']);
    expect(lines.every((l) => l.who.startsWith('cli:') && l.from === 'cli')).toBe(true);
    expect((await denpa(['audit', 'verify', '--file', out])).code).toBe(0);
    expect((await denpa(['audit', 'export', dir, '--since', 'yesterday'])).stderr).toContain('is not an instant');

    const db = new Database(path.join(dir, 'operators.db'));
    db.prepare("UPDATE audit_log SET record = replace(record, 'refused', 'ok') WHERE seq = 2").run();
    db.close();
    const bad = await denpa(['audit', 'verify', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('audit trail BROKEN at record 2 (line 2 of operators.db): was changed after it was written');
    expect((await denpa(['audit', 'rotate', dir, '--before', String(Date.now() + 60_000), '--archive', path.join(dir, 'a.jsonl')])).code).toBe(1);

    const fixed = new Database(path.join(dir, 'operators.db'));
    fixed.prepare("UPDATE audit_log SET record = replace(record, '\"outcome\":\"ok\",\"params\":{\"name\":\"root\",\"role\":\"admin\"},\"prev\"', '\"outcome\":\"refused\",\"params\":{\"name\":\"root\",\"role\":\"admin\"},\"prev\"') WHERE seq = 2").run();
    fixed.close();
    expect((await denpa(['audit', 'verify', dir])).code).toBe(0);
    const archive = path.join(dir, 'a.jsonl');
    expect(await denpa(['audit', 'rotate', dir, '--before', String(Date.now() + 60_000), '--archive', archive])).toMatchObject({ code: 0, stdout: expect.stringContaining('moved 3 records') });
    expect(await denpa(['audit', 'verify', dir, '--archive', archive])).toMatchObject({ code: 0, stdout: expect.stringContaining('3 records, 1..3') });
  }, 120_000);
});
