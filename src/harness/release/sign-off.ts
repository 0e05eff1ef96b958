// The two steps of a release decision, on a gate directory and the release
// log: record the sheet (`denpa gate --record`), then approve it (`denpa
// release approve`). Each step re-renders the sheet (gate.md, gate.html)
// with the sign-off as it now stands; gate.json, the judged sheet, is never
// rewritten, so its recorded hash keeps holding.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GateSheet } from '../judge/index.ts';
import { renderGateSheet, type ReleaseSignOff } from '../report/index.ts';
import type { BuildIdentity } from './build-identity.ts';
import { appendRelease, decideApproval, readReleaseLog, signOffOf, type ApprovalRecord, type GateRecord } from './release-log.ts';

export const DEFAULT_RELEASE_LOG = 'reports/release-log.jsonl';

export class ReleaseRefused extends Error {
  readonly code = 'RELEASE_ERR_REFUSED' as const;
}

interface GateFiles {
  readonly sheet: GateSheet;
  readonly sheetHash: string;
}

function readGate(gateDir: string): GateFiles {
  const file = path.join(gateDir, 'gate.json');
  if (!fs.existsSync(file)) throw new ReleaseRefused(`${gateDir} has no gate.json: not a gate directory`);
  const text = fs.readFileSync(file);
  const sheet = JSON.parse(text.toString('utf8')) as GateSheet;
  if (sheet.decision !== 'GO' && sheet.decision !== 'NO-GO') throw new ReleaseRefused(`${file} has no GO / NO-GO decision`);
  return { sheet, sheetHash: createHash('sha256').update(text).digest('hex') };
}

/** How the log names a gate directory: relative to the log's own folder, with forward slashes. */
export function gateName(logFile: string, gateDir: string): string {
  return path.relative(path.dirname(path.resolve(logFile)), path.resolve(gateDir)).split(path.sep).join('/');
}

function view(gate: GateRecord, approval: ApprovalRecord | undefined): ReleaseSignOff {
  return { build: gate.build, recordedAt: gate.at, ...(approval ? { approval: { by: approval.by, at: approval.at, ...(approval.override ? { override: approval.override } : {}) } } : {}) };
}

function rerender(gateDir: string, sheet: GateSheet, signOff: ReleaseSignOff): void {
  for (const [name, content] of Object.entries(renderGateSheet(sheet, undefined, signOff))) fs.writeFileSync(path.join(gateDir, name), content);
}

export function recordGate(gateDir: string, logFile: string, build: BuildIdentity, nowMs: number): GateRecord {
  const { sheet, sheetHash } = readGate(gateDir);
  const gate = gateName(logFile, gateDir);
  const prior = signOffOf(readReleaseLog(logFile).records, gate);
  if (prior) throw new ReleaseRefused(`${gate} is already in the release log (recorded ${prior.gate.at})`);
  const record: GateRecord = { kind: 'gate', gate, decision: sheet.decision, reasons: sheet.reasons, sheetHash, build, at: new Date(nowMs).toISOString() };
  appendRelease(logFile, record);
  rerender(gateDir, sheet, view(record, undefined));
  return record;
}

export function approveGate(gateDir: string, logFile: string, input: { by: string; override?: string | undefined }, nowMs: number): ApprovalRecord {
  const { sheet, sheetHash } = readGate(gateDir);
  const log = readReleaseLog(logFile);
  if (!log.verdict.ok) throw new ReleaseRefused(`the release log ${logFile} is broken at record ${log.verdict.brokenAt}: ${log.verdict.reason}`);
  const gate = gateName(logFile, gateDir);
  const d = decideApproval(log.records, { gate, sheetHash, by: input.by, override: input.override, at: new Date(nowMs).toISOString() });
  if (d.kind === 'refused') throw new ReleaseRefused(d.reason);
  appendRelease(logFile, d.record);
  rerender(gateDir, sheet, view(signOffOf(log.records, gate)!.gate, d.record));
  return d.record;
}
