// Working hours: when an operator is expected to log in or act. Outside
// them an action raises an off-hours alert (see off-hours.ts). Pure: the
// instant comes in, the answer goes out.
import { Type, type Static } from '@sinclair/typebox';

export const WorkingHoursSchema = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Tokyo', description: 'IANA time zone' }),
    days: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 0, maxItems: 7, uniqueItems: true, default: [1, 2, 3, 4, 5], description: '0 = Sunday' }),
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '09:00' }),
    end: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', default: '18:00', description: 'exclusive; may be before start for a night shift' }),
  },
  { additionalProperties: false, default: {} },
);
export type WorkingHours = Static<typeof WorkingHoursSchema>;

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is one Intl knows (checked once at config load). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Local weekday (0 = Sunday) and minute of the day at `atMs` in `timeZone`. */
export function localTime(atMs: number, timeZone: string): { weekday: number; minute: number } {
  const parts = formatFor(timeZone).formatToParts(new Date(atMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Within working hours? A shift whose end is before its start runs past
 * midnight and belongs to the day it starts on (22:00-06:00 on Friday
 * covers Saturday 03:00).
 */
export function withinWorkingHours(atMs: number, hours: WorkingHours): boolean {
  const { weekday, minute } = localTime(atMs, hours.timeZone);
  const start = minutes(hours.start);
  const end = minutes(hours.end);
  if (start === end) return false;
  if (start < end) return hours.days.includes(weekday) && minute >= start && minute < end;
  if (minute >= start) return hours.days.includes(weekday);
  return minute < end && hours.days.includes((weekday + 6) % 7);
}
