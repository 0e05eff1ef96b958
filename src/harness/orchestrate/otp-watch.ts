// "OTP on-time so far" for the progress line: every few seconds the harness
// pages through the run's probes in the simulator's ledger and counts the
// OTPs it can already judge, by the verdict's own rule (judgeOtp: only OTPs
// to deliverable recipients; delivered on time or not, or undelivered past
// the deadline). Only OTPs the simulator has seen are counted, so an OTP the
// gateway lost shows only in the verdict.
import { forEachLedgerPage, judgeOtp, type LedgerProbe, type OtpRule } from '../delivery/index.ts';

export interface OtpSoFar {
  judged: number;
  onTime: number;
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
}

export async function readOtpSoFar(o: OtpWatchOptions): Promise<OtpSoFar> {
  let acc: OtpSoFar = { judged: 0, onTime: 0 };
  const now = o.now();
  await forEachLedgerPage({ simUrl: o.simUrl, runId: o.runId, pageSize: 10_000, maxPages: o.maxPages ?? 5, timeoutMs: 5_000 }, (page) => {
    acc = countOtpSoFar(acc, page.probes, now, o.rule);
  }).catch(() => undefined);
  return acc;
}
