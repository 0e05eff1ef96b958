// Send windows: the hours of the day in which a tenant's messages of one
// category may go out. Dunning is held outside 08:00-21:00 JST by default:
// the Money Lending Business Act art. 21 forbids collection contact by
// phone between 21:00 and 08:00; whether SMS counts is unsettled, so the
// conservative default holds it. A held message keeps waiting in its lane;
// its TTL still runs, so one that cannot be sent before expiresAt ends
// expired, never sent late.
//
// Pure maths on instants (ms since the epoch) and a fixed UTC offset
// (Japan has no daylight saving time, so an offset is a time zone here).

export interface SendingWindow {
  /** Minutes after local midnight when sending may start (08:00 = 480). */
  readonly startMinute: number;
  /** Minutes after local midnight when sending stops (21:00 = 1260). */
  readonly endMinute: number;
  /** Local time offset from UTC in minutes (JST = +540). */
  readonly utcOffsetMinutes: number;
}

export const JST_OFFSET_MINUTES = 540;
export const DUNNING_WINDOW_JST: SendingWindow = { startMinute: 8 * 60, endMinute: 21 * 60, utcOffsetMinutes: JST_OFFSET_MINUTES };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** ms since local midnight of the local day `nowMs` falls in. */
function localMsOfDay(nowMs: number, w: SendingWindow): number {
  const local = nowMs + w.utcOffsetMinutes * MINUTE_MS;
  return ((local % DAY_MS) + DAY_MS) % DAY_MS;
}

/** Whether `nowMs` falls inside the window (start inclusive, end exclusive; wraps midnight if start > end; start = end is always open). */
export function isInsideWindow(nowMs: number, w: SendingWindow): boolean {
  const m = Math.floor(localMsOfDay(nowMs, w) / MINUTE_MS);
  if (w.startMinute === w.endMinute) return true;
  return w.startMinute < w.endMinute ? m >= w.startMinute && m < w.endMinute : m >= w.startMinute || m < w.endMinute;
}

/** The first instant at or after `atMs` inside the window: `atMs` itself when it is inside, else the next opening. */
export function nextSendableAt(atMs: number, w: SendingWindow): number {
  if (isInsideWindow(atMs, w)) return atMs;
  // Outside the window the next instant inside is always the next local start (whether or not the window wraps midnight).
  const sinceMidnight = localMsOfDay(atMs, w);
  const startMs = (w.startMinute % (24 * 60)) * MINUTE_MS;
  const ahead = startMs > sinceMidnight ? startMs - sinceMidnight : startMs + DAY_MS - sinceMidnight;
  return atMs + ahead;
}

/** Parse 'HH:MM' into minutes after midnight; throws RangeError naming the text. */
export function parseClockTime(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`expected HH:MM, got '${text}'`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 24 * 60) throw new RangeError(`expected HH:MM up to 24:00, got '${text}'`);
  return minutes;
}

/** The config's spelling of a window: 'always' or 'HH:MM-HH:MM' (local time at `utcOffsetMinutes`). */
export const WINDOW_TEXT_PATTERN = '^(always|([01][0-9]|2[0-4]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9])$';

/** 'always' -> undefined (never held); 'HH:MM-HH:MM' -> the window. Throws RangeError naming bad text. */
export function parseWindowText(text: string, utcOffsetMinutes = JST_OFFSET_MINUTES): SendingWindow | undefined {
  if (text === 'always') return undefined;
  const [from, until, extra] = text.split('-');
  if (from === undefined || until === undefined || extra !== undefined) throw new RangeError(`expected 'always' or HH:MM-HH:MM, got '${text}'`);
  return { startMinute: parseClockTime(from), endMinute: parseClockTime(until), utcOffsetMinutes };
}
