// Release sign-off: a gate sheet recorded with the build's identity, then
// approved by a named person; a NO-GO only with a recorded override; the
// release log's hash chain catches a changed, deleted or reordered line;
// the HTML sheet shows the sign-off as it stands.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateSheet } from '../../../../src/harness/judge/index.ts';
import { approveGate, buildIdentity, distHash, readReleaseLog, recordGate, ReleaseRefused } from '../../../../src/harness/release/index.ts';
import { REPO_ROOT } from '../../../../src/runtime/index.ts';
import { runDenpa } from '../../../support/denpa-cli.ts';

const T = Date.UTC(2026, 11, 6, 1, 0, 0);
const BUILD = { commit: 'a'.repeat(40), dirty: false, version: '0.1.0', distHash: 'b'.repeat(64) };
let dir: string;
let log: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-release-'));
  log = path.join(dir, 'release-log.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function gateDir(name: string, decision: 'GO' | 'NO-GO'): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  const sheet: GateSheet = { decision, generatedAt: T, reasons: decision === 'GO' ? [] : ['otp-burst: otp_on_time rate>=0.99 was 0.97'], scenarios: [], tolerance: {} as GateSheet['tolerance'], regressionsBlock: false };
  fs.writeFileSync(path.join(d, 'gate.json'), JSON.stringify(sheet, null, 2));
  return d;
}

const html = (d: string) => fs.readFileSync(path.join(d, 'gate.html'), 'utf8');
const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ReleaseRefused);
    return (err as Error).message;
  }
  throw new Error('was not refused');
};

describe('release sign-off', () => {
  it('GO: recorded with the build, approved once by a named person, shown on the sheet', () => {
    const g = gateDir('gate-20261206-100000', 'GO');
    const rec = recordGate(g, log, BUILD, T);
    expect(rec).toMatchObject({ kind: 'gate', gate: 'gate-20261206-100000', decision: 'GO', build: BUILD, at: '2026-12-06T01:00:00.000Z' });
    expect(html(g)).toContain('not approved for release');
    expect(html(g)).toContain(`commit ${'a'.repeat(40)}`);
    const ok = approveGate(g, log, { by: '佐藤 (release manager)' }, T + 60_000);
    expect(ok).toEqual({ kind: 'approval', gate: 'gate-20261206-100000', decision: 'GO', by: '佐藤 (release manager)', at: '2026-12-06T01:01:00.000Z' });
    expect(html(g)).toContain('Approved for release by 佐藤 (release manager) at 2026-12-06T01:01:00.000Z');
    expect(fs.readFileSync(path.join(g, 'gate.md'), 'utf8')).toContain('approved by 佐藤 (release manager)');
    const { records, verdict } = readReleaseLog(log);
    expect(verdict).toMatchObject({ ok: true, count: 2 });
    expect(records.map((r) => `${r.seq} ${r.kind}`)).toEqual(['1 gate', '2 approval']);
    expect(refused(() => approveGate(g, log, { by: 'someone else' }, T))).toContain('already approved by 佐藤');
    expect(refused(() => recordGate(g, log, BUILD, T))).toContain('already in the release log');
    expect(refused(() => approveGate(g, log, { by: 'x', override: 'why' }, T))).toContain('already approved');
  });

  it('NO-GO: refused without an override, released with one, the reason recorded and shown', () => {
    const g = gateDir('gate-nogo', 'NO-GO');
    recordGate(g, log, BUILD, T);
    expect(refused(() => approveGate(g, log, { by: 'Sato' }, T))).toContain('is NO-GO (otp-burst: otp_on_time rate>=0.99 was 0.97): releasing it needs --override');
    expect(refused(() => approveGate(g, log, { by: 'Sato', override: '   ' }, T))).toContain('needs --override');
    const r = approveGate(g, log, { by: 'Sato', override: 'carrier-side incident during the run; re-run passed in staging' }, T);
    expect(r).toMatchObject({ decision: 'NO-GO', override: 'carrier-side incident during the run; re-run passed in staging' });
    expect(html(g)).toContain('NO-GO released by override: approved by Sato');
    expect(html(g)).toContain('carrier-side incident during the run');
  });

  it('refuses a sheet not recorded, a sheet changed since recording, an override of a GO, and no name', () => {
    const g = gateDir('gate-a', 'GO');
    expect(refused(() => approveGate(g, log, { by: 'Sato' }, T))).toContain('not in the release log');
    recordGate(g, log, BUILD, T);
    expect(refused(() => approveGate(g, log, { by: ' ' }, T))).toContain('--by needs the name');
    expect(refused(() => approveGate(g, log, { by: 'Sato', override: 'no reason' }, T))).toContain('nothing to override');
    fs.writeFileSync(path.join(g, 'gate.json'), fs.readFileSync(path.join(g, 'gate.json'), 'utf8').replace('"regressionsBlock": false', '"regressionsBlock": true'));
    expect(refused(() => approveGate(g, log, { by: 'Sato' }, T))).toContain('changed since it was recorded');
    expect(refused(() => recordGate(path.join(dir, 'nope'), log, BUILD, T))).toContain('no gate.json');
  });

  it('the log catches a changed byte, a deleted line and a reordered pair, and nothing is appended to a broken log', () => {
    for (const n of ['g1', 'g2', 'g3']) {
      const g = gateDir(n, 'GO');
      recordGate(g, log, BUILD, T);
      approveGate(g, log, { by: 'Sato' }, T);
    }
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(readReleaseLog(log).verdict).toMatchObject({ ok: true, count: 6 });
    const write = (ls: string[]) => fs.writeFileSync(log, ls.join('\n') + '\n');
    write(lines.map((l, i) => (i === 3 ? l.replace('"Sato"', '"Sata"') : l)));
    expect(readReleaseLog(log).verdict).toMatchObject({ ok: false, brokenAt: 4, line: 4 });
    write(lines.filter((_l, i) => i !== 2));
    expect(readReleaseLog(log).verdict).toMatchObject({ ok: false, brokenAt: 4, line: 3 });
    const swapped = [...lines];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    write(swapped);
    expect(readReleaseLog(log).verdict).toMatchObject({ ok: false, brokenAt: 6, line: 5 });
    const g4 = gateDir('g4', 'GO');
    expect(() => recordGate(g4, log, BUILD, T)).toThrow(/broken at record 6/);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it("the build's identity: this checkout's commit, the package version, a dist hash that moves with dist/", () => {
    const id = buildIdentity(REPO_ROOT);
    expect(id.version).toBe(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
    expect(id.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof id.dirty).toBe('boolean');
    const d = path.join(dir, 'dist');
    fs.mkdirSync(path.join(d, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(d, 'a.js'), 'one');
    fs.writeFileSync(path.join(d, 'sub', 'b.js'), 'two');
    const h1 = distHash(d);
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(distHash(d)).toBe(h1);
    fs.writeFileSync(path.join(d, 'sub', 'b.js'), 'tw0');
    expect(distHash(d)).not.toBe(h1);
    expect(distHash(path.join(dir, 'none'))).toBeNull();
  });

  it('denpa release approve refuses a NO-GO without --override (exit 1) and verify checks the log', async () => {
    const g = gateDir('gate-cli', 'NO-GO');
    recordGate(g, log, BUILD, T);
    const run = async (args: string[]) => {
      const r = await runDenpa(args);
      return { code: r.code, out: r.stdout + r.stderr };
    };
    const no = await run(['release', 'approve', g, '--by', 'Sato', '--release-log', log]);
    expect(no.code).toBe(1);
    expect(no.out).toContain('not approved: gate-cli is NO-GO');
    const yes = await run(['release', 'approve', g, '--by', 'Sato', '--override', 'accepted risk', '--release-log', log]);
    expect(yes).toMatchObject({ code: 0, out: expect.stringContaining('gate-cli: NO-GO released by override by Sato') });
    expect(await run(['release', 'verify', '--release-log', log])).toMatchObject({ code: 0, out: 'release log OK: 2 records (' + log + ')\n' });
  }, 120_000);
});
