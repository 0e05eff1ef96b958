// SMPP time strings for schedule_delivery_time and validity_period
// (SMPP 3.4 section 7.1.1). Pure; the package's own filter would read them
// against the wall clock, so src/smpp keeps them as strings and reads them here
// against an injected `now`.
//
//   absolute:  YYMMDDhhmmss t nn p     t = tenths of a second, nn = offset from UTC in
//              quarter hours, p = '+' or '-'      e.g. 261125120000036+  (JST is +36)
//   relative:  YYMMDDhhmmss t 00 R     years, months, days, ... from now
//              e.g. 000000001000000R = 10 minutes
//   ''         = none (SMSC default)

export type SmppTime = { kind: 'none' } | { kind: 'absolute'; atMs: number } | { kind: 'relative'; afterMs: number };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A relative time string for a duration (what the core puts in
 * validity_period for "the time this message has left"). Rounded down to
 * whole seconds; durations are expressed in days/hours/minutes/seconds, never
 * months or years, so that the meaning does not depend on the calendar.
 */
export function formatRelativeTime(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`duration must be >= 0 ms, got ${durationMs}`);
  let s = Math.floor(durationMs / 1000);
  const days = Math.floor(s / 86_400);
  if (days > 99) throw new RangeError('a relative SMPP time holds at most 99 days here');
  s -= days * 86_400;
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `0000${pad(days)}${pad(hh)}${pad(mm)}${pad(ss)}000R`;
}

/** An absolute time string for an instant, written in the given UTC offset (minutes, a multiple of 15). */
export function formatAbsoluteTime(atMs: number, utcOffsetMinutes = 0): string {
  if (utcOffsetMinutes % 15 !== 0 || Math.abs(utcOffsetMinutes) > 48 * 15) throw new RangeError(`offset must be a multiple of 15 minutes within ±12 h, got ${utcOffsetMinutes}`);
  const d = new Date(atMs + utcOffsetMinutes * 60_000);
  const tenths = Math.floor(d.getUTCMilliseconds() / 100);
  const quarters = Math.abs(utcOffsetMinutes) / 15;
  return (
    pad(d.getUTCFullYear() % 100) +
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds()) +
    String(tenths) +
    pad(quarters) +
    (utcOffsetMinutes < 0 ? '-' : '+')
  );
}

/** Reads an SMPP time string; undefined when it is malformed. */
export function parseSmppTime(text: string): SmppTime | undefined {
  if (text === '') return { kind: 'none' };
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/.exec(text);
  if (!m) return undefined;
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  const p = m[9];
  if (hh > 23 || mi > 59 || ss > 59) return undefined;
  if (p === 'R') {
    // Months and years have no fixed length; 30 and 365 days are what SMSCs use.
    const days = yy * 365 + mo * 30 + dd;
    return { kind: 'relative', afterMs: ((days * 24 + hh) * 60 + mi) * 60_000 + ss * 1000 + t * 100 };
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || nn > 48) return undefined;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  if (new Date(local).getUTCDate() !== dd) return undefined;
  const offsetMs = nn * 15 * 60_000 * (p === '-' ? -1 : 1);
  return { kind: 'absolute', atMs: local - offsetMs };
}

/** The instant an SMPP time string names, seen at `nowMs`; undefined for none or malformed. */
export function resolveSmppTime(text: string, nowMs: number): number | undefined {
  const t = parseSmppTime(text);
  if (!t || t.kind === 'none') return undefined;
  return t.kind === 'absolute' ? t.atMs : nowMs + t.afterMs;
}
