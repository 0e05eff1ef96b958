// "OTP on-time so far" for the progress line: every few seconds the harness
// pages through the run's probes in the simulator's ledger and counts the
// OTPs it can already judge: delivered (on time or not), or undelivered
// past the deadline. Only OTPs the simulator has seen are counted, so this
// is an early signal; the verdict uses the full delivery metrics.
import { forEachLedgerPage, type LedgerProbe } from '../delivery/index.ts';

export interface OtpSoFar {
  judged: number;
  onTime: number;
}

/** Pure: fold one page of probes into the running count. */
export function countOtpSoFar(acc: OtpSoFar, probes: readonly LedgerProbe[], nowMs: number, deadlineMs: number): OtpSoFar {
  let { judged, onTime } = acc;
  for (const p of probes) {
    if (p.category !== 'otp') continue;
    if (p.handsetAt != null) {
      judged++;
      if (p.handsetAt - p.sentAt <= deadlineMs) onTime++;
    } else if (nowMs - p.sentAt > deadlineMs) {
      judged++;
    }
  }
  return { judged, onTime };
}

export interface OtpWatchOptions {
  simUrl: string;
  runId: string;
  deadlineMs: number;
  now: () => number;
  /** Stop counting beyond this many pages (a huge run makes the line cost too much). */
  maxPages?: number;
}

export async function readOtpSoFar(o: OtpWatchOptions): Promise<OtpSoFar> {
  let acc: OtpSoFar = { judged: 0, onTime: 0 };
  const now = o.now();
  await forEachLedgerPage({ simUrl: o.simUrl, runId: o.runId, pageSize: 10_000, maxPages: o.maxPages ?? 5, timeoutMs: 5_000 }, (page) => {
    acc = countOtpSoFar(acc, page.probes, now, o.deadlineMs);
  }).catch(() => undefined);
  return acc;
}
