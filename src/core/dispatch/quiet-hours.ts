// Hours in which a lane is held (not claimed). Dunning is held outside
// 08:00-21:00 JST by default: the Money Lending Business Act art. 21 forbids
// collection contact by phone between 21:00 and 08:00; whether SMS counts is
// unsettled, so the conservative default holds it.
// A held message keeps waiting in its lane; its TTL still runs, so one
// that cannot be sent before expiresAt ends expired, never sent late.

export interface SendingWindow {
  /** Minutes after local midnight when sending may start (08:00 = 480). */
  readonly startMinute: number;
  /** Minutes after local midnight when sending stops (21:00 = 1260). */
  readonly endMinute: number;
  /** Local time offset from UTC in minutes (JST = +540; Japan has no DST). */
  readonly utcOffsetMinutes: number;
}

export const DUNNING_WINDOW_JST: SendingWindow = { startMinute: 8 * 60, endMinute: 21 * 60, utcOffsetMinutes: 540 };

const DAY_MS = 86_400_000;

function localMinute(nowMs: number, w: SendingWindow): number {
  const local = nowMs + w.utcOffsetMinutes * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** Whether `nowMs` falls inside the window (start inclusive, end exclusive; wraps midnight if start > end). */
export function isInsideWindow(nowMs: number, w: SendingWindow): boolean {
  const m = localMinute(nowMs, w);
  if (w.startMinute === w.endMinute) return true;
  return w.startMinute < w.endMinute ? m >= w.startMinute && m < w.endMinute : m >= w.startMinute || m < w.endMinute;
}

/** Parse 'HH:MM' into minutes after midnight; throws RangeError naming the text. */
export function parseClockTime(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`expected HH:MM, got '${text}'`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw new RangeError(`expected HH:MM up to 24:00, got '${text}'`);
  return minutes;
}
