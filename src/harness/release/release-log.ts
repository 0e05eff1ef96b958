// The release log: an append-only JSON Lines file of release decisions,
// hash-chained like the core's audit trail (runtime/hash-chain.ts), so a
// changed, deleted or reordered line is found by `denpa release verify`.
//
//   {"kind":"gate", "gate":"gate-20261206-101500", "decision":"GO", "sheetHash":…, "build":{…}, "at":…}
//   {"kind":"approval", "gate":…, "decision":"GO", "by":"Sato", "at":…}
//   {"kind":"approval", "gate":…, "decision":"NO-GO", "by":"Sato", "override":"…why…", "at":…}
//
// A gate is released only by an approval; a NO-GO gate only by one that
// carries an override reason. The rules are pure functions over the records.
import fs from 'node:fs';
import { chainNext, parseJsonLines, verifyChain, type Chained, type ChainVerdict } from '../../runtime/index.ts';
import type { BuildIdentity } from './build-identity.ts';

export type GateDecisionWord = 'GO' | 'NO-GO';

export interface GateRecord {
  readonly kind: 'gate';
  /** The gate directory, relative to the log's folder. */
  readonly gate: string;
  readonly decision: GateDecisionWord;
  readonly reasons: readonly string[];
  /** sha256 of gate.json when recorded: an approval refuses a sheet changed since. */
  readonly sheetHash: string;
  readonly build: BuildIdentity;
  readonly at: string;
}

export interface ApprovalRecord {
  readonly kind: 'approval';
  readonly gate: string;
  readonly decision: GateDecisionWord;
  readonly by: string;
  /** Why a NO-GO is released anyway; required for NO-GO, absent for GO. */
  readonly override?: string;
  readonly at: string;
}

export type ReleaseRecord = GateRecord | ApprovalRecord;
export type ChainedRelease = Chained<ReleaseRecord>;

export interface ReleaseLog {
  readonly records: readonly ChainedRelease[];
  readonly verdict: ChainVerdict;
}

export function readReleaseLog(file: string): ReleaseLog {
  if (!fs.existsSync(file)) return { records: [], verdict: { ok: true, count: 0, head: undefined } };
  const records = parseJsonLines(fs.readFileSync(file, 'utf8'));
  return { records: records as ChainedRelease[], verdict: verifyChain(records) };
}

/** Append one record (after checking the chain: nothing is added to a broken log); fsynced. */
export function appendRelease(file: string, record: ReleaseRecord): ChainedRelease {
  const log = readReleaseLog(file);
  if (!log.verdict.ok) throw new Error(`the release log ${file} is broken at record ${log.verdict.brokenAt} (${log.verdict.reason}); not appending`);
  const chained = chainNext(log.verdict.head, record);
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(chained)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return chained;
}

export interface SignOff {
  readonly gate: GateRecord;
  readonly approval: ApprovalRecord | undefined;
}

/** What the log says about one gate: its recorded sheet and its approval, if any. */
export function signOffOf(records: readonly ReleaseRecord[], gate: string): SignOff | undefined {
  const recorded = [...records].reverse().find((r): r is GateRecord => r.kind === 'gate' && r.gate === gate);
  if (!recorded) return undefined;
  const approval = records.find((r): r is ApprovalRecord => r.kind === 'approval' && r.gate === gate);
  return { gate: recorded, approval };
}

export type ApprovalDecision = { readonly kind: 'ok'; readonly record: ApprovalRecord } | { readonly kind: 'refused'; readonly reason: string };

/** The approval rules: a recorded, unchanged, not yet approved sheet; a NO-GO only with an override reason. */
export function decideApproval(records: readonly ReleaseRecord[], input: { gate: string; sheetHash: string; by: string; override?: string | undefined; at: string }): ApprovalDecision {
  const s = signOffOf(records, input.gate);
  if (!s) return { kind: 'refused', reason: `${input.gate} is not in the release log: run denpa gate --record first` };
  if (s.approval) return { kind: 'refused', reason: `${input.gate} was already approved by ${s.approval.by} at ${s.approval.at}` };
  if (s.gate.sheetHash !== input.sheetHash) return { kind: 'refused', reason: `${input.gate}/gate.json changed since it was recorded` };
  const by = input.by.trim();
  if (by.length === 0) return { kind: 'refused', reason: '--by needs the name of the person who approves' };
  const override = input.override?.trim();
  if (s.gate.decision === 'NO-GO' && !override) {
    return { kind: 'refused', reason: `${input.gate} is NO-GO (${s.gate.reasons.join('; ') || 'see the sheet'}): releasing it needs --override "<why>"` };
  }
  if (s.gate.decision === 'GO' && override) return { kind: 'refused', reason: `${input.gate} is GO: there is nothing to override` };
  return { kind: 'ok', record: { kind: 'approval', gate: input.gate, decision: s.gate.decision, by, ...(override ? { override } : {}), at: input.at } };
}
