// Times given to the API: ms since the epoch, or an RFC 3339 date-time.
// Date.parse rolls impossible dates over (2026-02-30 becomes 2026-03-02),
// so every field is checked against the calendar before it is believed.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

function daysIn(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ms since the epoch, or undefined when `value` is not a real instant. */
export function parseTime(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  // Query strings carry numbers as text.
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // No leap seconds: 23:59:60 is refused rather than guessed at.
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
