import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { formatProgress, progressWriter } from '../../../../src/harness/orchestrate/progress-line.ts';
import { countFailedUnseen, countOtpSoFar } from '../../../../src/harness/orchestrate/otp-watch.ts';
import type { LedgerProbe } from '../../../../src/harness/delivery/index.ts';

function sink(isTTY: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let out = '';
  const stream = new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } }) as Writable & { isTTY?: boolean };
  stream.isTTY = isTTY;
  return { stream, text: () => out };
}

describe('progress line', () => {
  it('shows elapsed of total, target vs achieved rate, in flight, errors and OTP on-time', () => {
    expect(formatProgress({ label: 'otp-steady', elapsedMs: 12_000, totalMs: 30_000, targetRate: 20, achievedRate: 19.84, inFlight: 3, errors: 0, otp: { judged: 212, onTime: 212 } }))
      .toBe('otp-steady  12.0s/30.0s  rate 19.8/20.0 /s  in flight 3  errors 0  OTP on-time 100.0% (212)');
    expect(formatProgress({ label: 'x', elapsedMs: 500, otp: { judged: 0, onTime: 0 } })).toBe('x  0.5s  OTP on-time -');
  });

  it('rewrites one line in place on a TTY', () => {
    const s = sink(true);
    const w = progressWriter(s.stream, 'auto', new ManualClock());
    w.update({ label: 'a', elapsedMs: 1000 });
    w.update({ label: 'a', elapsedMs: 2000 });
    w.done('end');
    expect(s.text()).toBe('\r\x1b[2Ka  1.0s\r\x1b[2Ka  2.0s\r\x1b[2Kend\n');
  });

  it('prints a plain line every few seconds otherwise', () => {
    const s = sink(false);
    const clock = new ManualClock();
    const w = progressWriter(s.stream, 'auto', clock, 5000);
    w.update({ label: 'a', elapsedMs: 0 });
    clock.advance(1000);
    w.update({ label: 'a', elapsedMs: 1000 });
    clock.advance(4000);
    w.update({ label: 'a', elapsedMs: 5000 });
    expect(s.text()).toBe('a  0.0s\na  5.0s\n');
  });
});

describe('OTP on-time so far', () => {
  const probe = (category: string, sentAt: number, handsetAt: number | null): LedgerProbe => ({ seq: 0, category, carrier: 'au', sentAt, handsetAt, deliveries: handsetAt === null ? 0 : 1, intact: true });
  it('counts delivered OTPs and undelivered ones past the deadline, ignoring other categories', () => {
    const now = 100_000;
    const r = countOtpSoFar({ judged: 0, onTime: 0 }, [
      probe('otp', 0, 5_000), // on time
      probe('otp', 0, 15_000), // late
      probe('otp', 80_000, null), // overdue
      probe('otp', 95_000, null), // not yet judged
      probe('promotion', 0, 50_000),
    ], now, { deadlineMs: 10_000 });
    expect(r).toEqual({ judged: 3, onTime: 1 });
  });
});

describe('failed before any carrier saw them', () => {
  it('counts failure finals whose seq the ledger lacks, and shows them beside the rate', () => {
    const finals = [
      { seq: 1, status: 'delivered' },
      { seq: 2, status: 'rejected' }, // refused by the SMSC: never in the ledger
      { seq: 3, status: 'undeliverable' }, // reached a carrier, in the ledger
      { seq: 4, status: 'delivered' }, // not yet in the ledger read: not a failure
    ];
    const n = countFailedUnseen(new Set([1, 3]), finals);
    expect(n).toBe(1);
    expect(formatProgress({ label: 'a', elapsedMs: 1000, otp: { judged: 10, onTime: 10, failedUnseen: n } })).toBe('a  1.0s  OTP on-time 100.0% (10)  failed unseen 1');
    expect(formatProgress({ label: 'a', elapsedMs: 1000, otp: { judged: 10, onTime: 10, failedUnseen: 0 } })).toBe('a  1.0s  OTP on-time 100.0% (10)');
  });
});
