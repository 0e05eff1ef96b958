// "OTP on-time so far" for the progress line: every few seconds the harness
// pages through the run's probes in the simulator's ledger and counts the
// OTPs it can already judge, by the verdict's own rule (judgeOtp: only OTPs
// to deliverable recipients; delivered on time or not, or undelivered past
// the deadline). Only OTPs the simulator has seen can be counted: a message
// the gateway reported failed without ever reaching a carrier (a ported
// number refused by the wrong SMSC) has no category the harness can read
// live, so it is shown beside the rate as `failedUnseen` (every category),
// and it counts against otp_on_time in the verdict.
import { forEachLedgerPage, judgeOtp, type LedgerProbe, type OtpRule } from '../delivery/index.ts';
import { FAILURE_STATUSES } from '../sink/index.ts';

export interface OtpSoFar {
  judged: number;
  onTime: number;
  /** Messages (any category) with a failure callback that the simulator never saw; absent when not known. */
  failedUnseen?: number;
}

/** Pure: failure finals for seqs the simulator has not seen. */
export function countFailedUnseen(seen: ReadonlySet<number>, finals: ReadonlyArray<{ seq: number; status: string }>): number {
  let n = 0;
  for (const f of finals) if (FAILURE_STATUSES.has(f.status) && !seen.has(f.seq)) n++;
  return n;
}

/** Pure: fold one page of probes into the running count. */
export function countOtpSoFar(acc: OtpSoFar, probes: readonly LedgerProbe[], nowMs: number, rule: OtpRule): OtpSoFar {
  let { judged, onTime } = acc;
  for (const p of probes) {
    const j = judgeOtp(p, rule, nowMs);
    if (j === 'on-time') onTime++;
    if (j === 'on-time' || j === 'late') judged++;
  }
  return { judged, onTime };
}

export interface OtpWatchOptions {
  simUrl: string;
  runId: string;
  rule: OtpRule;
  now: () => number;
  /** Stop counting beyond this many pages (a huge run makes the line cost too much). */
  maxPages?: number;
  /**
   * The sink's final callbacks, read BEFORE the ledger: a message that
   * reached a carrier is then already in the ledger when its callback is.
   */
  finals?: () => Promise<ReadonlyArray<{ seq: number; status: string }>>;
}

export async function readOtpSoFar(o: OtpWatchOptions): Promise<OtpSoFar> {
  let acc: OtpSoFar = { judged: 0, onTime: 0 };
  const now = o.now();
  const finals = o.finals ? await o.finals().catch(() => undefined) : undefined;
  const seen = new Set<number>();
  const complete = await forEachLedgerPage({ simUrl: o.simUrl, runId: o.runId, pageSize: 10_000, maxPages: o.maxPages ?? 5, timeoutMs: 5_000 }, (page) => {
    acc = countOtpSoFar(acc, page.probes, now, o.rule);
    if (finals) for (const p of page.probes) seen.add(p.seq);
  }).then(
    () => true,
    () => false,
  );
  // Over a partial ledger every unread seq would look unseen: say nothing then.
  return finals && complete ? { ...acc, failedUnseen: countFailedUnseen(seen, finals) } : acc;
}
