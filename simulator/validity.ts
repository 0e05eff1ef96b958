// SMPP 3.4 §7.1.1 time format for validity_period:
//   YYMMDDhhmmsstnnp   p = '+' / '-' : absolute, nn quarter hours from UTC
//                      p = 'R'       : relative, YY years MM months ... from now
// Empty means "SMSC default". Returns the expiry instant in ms, or undefined
// for empty; throws RangeError for text that is not in the format.

const PATTERN = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/;

export function validityDeadline(text: string, now: number): number | undefined {
  if (text === '') return undefined;
  const m = PATTERN.exec(text);
  if (!m) throw new RangeError(`validity_period ${JSON.stringify(text)} is not YYMMDDhhmmsstnnp`);
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  if (m[9] === 'R') {
    const d = new Date(now);
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo, d.getUTCDate() + dd);
    return d.getTime() + ((hh * 60 + mi) * 60 + ss) * 1000 + t * 100;
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) throw new RangeError(`validity_period ${JSON.stringify(text)} has a field out of range`);
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  const offsetMs = nn * 15 * 60_000;
  return m[9] === '+' ? local - offsetMs : local + offsetMs;
}
