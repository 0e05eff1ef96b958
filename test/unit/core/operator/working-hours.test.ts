// Working hours, a pure function of the instant: JST office hours by
// default, weekends off, a night shift past midnight, another time zone.
import { describe, expect, it } from 'vitest';
import { localTime, withinWorkingHours, type WorkingHours } from '../../../../src/core/operator/index.ts';

const JST_OFFICE: WorkingHours = { timeZone: 'Asia/Tokyo', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
/** An instant given as JST wall-clock time on 2026-06-DD (2026-06-01 is a Monday). */
const jst = (day: number, hh: number, mm = 0) => Date.UTC(2026, 5, day, hh - 9, mm);

describe('working hours', () => {
  it.each([
    [jst(1, 9, 0), true, 'Monday 09:00 (start is inclusive)'],
    [jst(1, 8, 59), false, 'Monday 08:59'],
    [jst(1, 17, 59), true, 'Monday 17:59'],
    [jst(1, 18, 0), false, 'Monday 18:00 (end is exclusive)'],
    [jst(5, 12, 0), true, 'Friday noon'],
    [jst(6, 12, 0), false, 'Saturday noon'],
    [jst(7, 12, 0), false, 'Sunday noon'],
    [jst(2, 2, 30), false, 'Tuesday 02:30'],
  ])('JST office hours at %d: %s (%s)', (at, expected) => {
    expect(withinWorkingHours(at, JST_OFFICE)).toBe(expected);
  });

  it('reads the local weekday and minute in the zone, not in UTC', () => {
    // Monday 08:30 JST is Sunday 23:30 UTC.
    expect(localTime(jst(1, 8, 30), 'Asia/Tokyo')).toEqual({ weekday: 1, minute: 8 * 60 + 30 });
    expect(localTime(jst(1, 8, 30), 'UTC')).toEqual({ weekday: 0, minute: 23 * 60 + 30 });
  });

  it('a night shift past midnight belongs to the day it starts on', () => {
    const night: WorkingHours = { timeZone: 'Asia/Tokyo', days: [5], start: '22:00', end: '06:00' };
    expect(withinWorkingHours(jst(5, 23, 0), night)).toBe(true);
    expect(withinWorkingHours(jst(6, 3, 0), night)).toBe(true);
    expect(withinWorkingHours(jst(6, 6, 0), night)).toBe(false);
    expect(withinWorkingHours(jst(5, 3, 0), night)).toBe(false);
    expect(withinWorkingHours(jst(5, 12, 0), night)).toBe(false);
  });

  it('another time zone: London 09:00-17:00 is 17:00-01:00 JST in June', () => {
    const london: WorkingHours = { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    expect(withinWorkingHours(jst(1, 17, 30), london)).toBe(true);
    expect(withinWorkingHours(jst(1, 12, 0), london)).toBe(false);
  });

  it('no days, or start equal to end, is never working time', () => {
    expect(withinWorkingHours(jst(1, 12), { ...JST_OFFICE, days: [] })).toBe(false);
    expect(withinWorkingHours(jst(1, 12), { ...JST_OFFICE, start: '12:00', end: '12:00' })).toBe(false);
  });
});
