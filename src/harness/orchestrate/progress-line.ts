// The live progress line of a run, on stderr: one line rewritten in place on
// a terminal, a plain line every few seconds otherwise (CI logs).
//
//   otp-steady  12.0s/30.0s  rate 19.8/20.0 /s  in flight 3  errors 0  OTP on-time 100.0% (212)
import type { Clock } from '../../runtime/index.ts';
import { otpOnTimeRate } from '../delivery/index.ts';

export interface ProgressView {
  label: string;
  elapsedMs: number;
  /** Planned run length, ms (undefined when unknown). */
  totalMs?: number;
  /** Intended iterations per second now (arrival-rate executors). */
  targetRate?: number;
  /** Requests per second over the last interval. */
  achievedRate?: number;
  inFlight?: number;
  errors?: number;
  /** OTPs to deliverable recipients judged so far (delivered, or overdue) and how many were on time (judgeOtp). */
  otp?: { judged: number; onTime: number; failedUnseen?: number };
  /** A phase other than the engine run: 'starting', 'settling', ... */
  phase?: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Pure: the text of one progress line. */
export function formatProgress(v: ProgressView): string {
  const parts = [v.label];
  if (v.phase) parts.push(v.phase);
  parts.push(v.totalMs !== undefined ? `${seconds(v.elapsedMs)}/${seconds(v.totalMs)}` : seconds(v.elapsedMs));
  if (v.achievedRate !== undefined || v.targetRate !== undefined) {
    const achieved = v.achievedRate !== undefined ? v.achievedRate.toFixed(1) : '-';
    const target = v.targetRate !== undefined ? v.targetRate.toFixed(1) : '-';
    parts.push(`rate ${achieved}/${target} /s`);
  }
  if (v.inFlight !== undefined) parts.push(`in flight ${v.inFlight}`);
  if (v.errors !== undefined) parts.push(`errors ${v.errors}`);
  if (v.otp) parts.push(v.otp.judged > 0 ? `OTP on-time ${(100 * otpOnTimeRate(v.otp.onTime, v.otp.judged).rate).toFixed(1)}% (${v.otp.judged})` : 'OTP on-time -');
  // Failed before any carrier saw them: outside the live rate, inside the verdict's.
  if (v.otp?.failedUnseen) parts.push(`failed unseen ${v.otp.failedUnseen}`);
  return parts.join('  ');
}

export type ProgressMode = 'tty' | 'lines' | 'off';

export interface ProgressWriter {
  update(view: ProgressView): void;
  /** Prints a line of its own (a log line), keeping the progress line below it on a TTY. */
  note(line: string): void;
  /** Ends the in-place line (a newline on a TTY) and prints `final` if given. */
  done(final?: string): void;
}

export function progressWriter(stream: NodeJS.WritableStream & { isTTY?: boolean }, mode: ProgressMode | 'auto', clock: Clock, everyMs = 5_000): ProgressWriter {
  const resolved: ProgressMode = mode === 'auto' ? (stream.isTTY ? 'tty' : 'lines') : mode;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let open = false;
  return {
    update(view) {
      if (resolved === 'off') return;
      const text = formatProgress(view);
      if (resolved === 'tty') {
        stream.write(`\r\x1b[2K${text}`);
        open = true;
        return;
      }
      const now = clock.now();
      if (now - lastLineAt >= everyMs) {
        lastLineAt = now;
        stream.write(`${text}\n`);
      }
    },
    note(line) {
      if (resolved === 'tty' && open) stream.write('\r\x1b[2K');
      open = false;
      stream.write(`${line}\n`);
    },
    done(final) {
      if (resolved === 'tty' && open) stream.write('\r\x1b[2K');
      open = false;
      if (final && resolved !== 'off') stream.write(`${final}\n`);
    },
  };
}
