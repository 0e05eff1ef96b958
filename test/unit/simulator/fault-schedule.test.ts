import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import { FaultSchedule, NO_EFFECTS, SLOW_ANSWERS_DEFAULT_MS, type Fault } from '../../../simulator/fault-schedule.ts';

function setup() {
  const clock = new ManualClock();
  const events: string[] = [];
  const s = new FaultSchedule(clock, { onStart: (f: Fault) => events.push(`start ${f.id} ${f.kind}`), onEnd: (f: Fault) => events.push(`end ${f.id} ${f.kind}`) });
  return { clock, events, s };
}

describe('fault schedule', () => {
  it('starts now and ends after its duration', () => {
    const { clock, events, s } = setup();
    const t0 = clock.now();
    const f = s.add({ carrier: 'au', kind: 'refuse_binds', startInMs: 0, durationMs: 1000, params: {} });
    expect(f).toMatchObject({ id: 'f1', startsAt: t0, endsAt: t0 + 1000 });
    clock.advance(0);
    expect(events).toEqual(['start f1 refuse_binds']);
    expect(s.effects('au').refuseBinds).toBe(true);
    expect(s.effects('docomo')).toBe(NO_EFFECTS);
    clock.advance(999);
    expect(s.effects('au').refuseBinds).toBe(true);
    clock.advance(1);
    expect(events).toEqual(['start f1 refuse_binds', 'end f1 refuse_binds']);
    expect(s.effects('au')).toEqual(NO_EFFECTS);
    expect(s.list()).toEqual([]);
  });

  it('a scheduled fault does nothing before its start', () => {
    const { clock, events, s } = setup();
    s.add({ carrier: 'docomo', kind: 'black_hole', startInMs: 5000, durationMs: 2000, params: {} });
    clock.advance(4999);
    expect(s.effects('docomo').blackHole).toBe(false);
    expect(s.list()).toHaveLength(1);
    clock.advance(1);
    expect(s.effects('docomo').blackHole).toBe(true);
    clock.advance(2000);
    expect(events).toEqual(['start f1 black_hole', 'end f1 black_hole']);
  });

  it('outage is refuse binds plus drop sessions; slow answers add up', () => {
    const { clock, s } = setup();
    s.add({ carrier: 'softbank', kind: 'outage', startInMs: 0, durationMs: 100, params: {} });
    s.add({ carrier: 'softbank', kind: 'slow_answers', startInMs: 0, durationMs: 100, params: { delayMs: 200 } });
    s.add({ carrier: 'softbank', kind: 'slow_answers', startInMs: 0, durationMs: 100, params: { delayMs: 50 } });
    s.add({ carrier: 'softbank', kind: 'receipt_backlog', startInMs: 0, durationMs: 100, params: {} });
    clock.advance(0);
    expect(s.effects('softbank')).toEqual({ refuseBinds: true, dropSessions: true, blackHole: false, slowMs: 250, holdReceipts: true });
  });

  it('slow_answers without params adds the documented default, 1000 ms', () => {
    const { clock, s } = setup();
    s.add({ carrier: 'au', kind: 'slow_answers', startInMs: 0, durationMs: 100, params: {} });
    clock.advance(0);
    expect(s.effects('au').slowMs).toBe(SLOW_ANSWERS_DEFAULT_MS);
    expect(SLOW_ANSWERS_DEFAULT_MS).toBe(1000);
  });

  it('removing a fault ends it at once; removing a scheduled one cancels it silently', () => {
    const { clock, events, s } = setup();
    const a = s.add({ carrier: 'au', kind: 'receipt_backlog', startInMs: 0, durationMs: 60_000, params: {} });
    const b = s.add({ carrier: 'au', kind: 'drop_sessions', startInMs: 10_000, durationMs: 1000, params: {} });
    clock.advance(1);
    expect(s.remove(a.id)).toBe(true);
    expect(s.remove(b.id)).toBe(true);
    expect(s.remove('nope')).toBe(false);
    clock.advance(100_000);
    expect(events).toEqual(['start f1 receipt_backlog', 'end f1 receipt_backlog']);
    expect(clock.pendingCount).toBe(0);
  });

  it('clear ends every fault', () => {
    const { clock, events, s } = setup();
    s.add({ carrier: 'au', kind: 'black_hole', startInMs: 0, durationMs: 1000, params: {} });
    s.add({ carrier: 'au', kind: 'black_hole', startInMs: 500, durationMs: 1000, params: {} });
    clock.advance(10);
    s.clear();
    expect(events).toEqual(['start f1 black_hole', 'end f1 black_hole']);
    expect(s.list()).toEqual([]);
  });
});
