import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { backoffDelay } from '../../../../src/runtime/index.ts';
import { LaneBuffer } from '../../../../src/core/dispatch/lane-buffer.ts';
import { DUNNING_WINDOW_JST, isInsideWindow, parseClockTime } from '../../../../src/core/dispatch/send-window.ts';
import { classifySubmitStatus } from '../../../../src/core/dispatch/submit-outcome.ts';
import { relativeValidity } from '../../../../src/core/dispatch/validity.ts';

describe('relativeValidity (SMPP 3.4 7.1.1 relative time)', () => {
  it.each([
    [999, undefined],
    [1000, '000000000001000R'],
    [600_000, '000000001000000R'],
    [599_999, '000000000959000R'],
    [90_061_000, '000001010101000R'],
    [3 * 86_400_000, '000003000000000R'],
    [200 * 86_400_000, '000099235959000R'],
  ])('%d ms -> %s', (ms, expected) => {
    const v = relativeValidity(ms);
    expect(v).toBe(expected);
    if (v) expect(v).toHaveLength(16);
  });
});

describe('dunning quiet hours (08:00-21:00 JST)', () => {
  const jst = (h: number, m = 0) => Date.UTC(2026, 0, 1, h - 9, m);
  it.each([
    [jst(7, 59), false],
    [jst(8, 0), true],
    [jst(12, 0), true],
    [jst(20, 59), true],
    [jst(21, 0), false],
    [jst(23, 30), false],
    [jst(2, 0), false],
  ])('%d -> %s', (t, inside) => {
    expect(isInsideWindow(t, DUNNING_WINDOW_JST)).toBe(inside);
  });
  it('wraps midnight when start is after end', () => {
    const night = { startMinute: 22 * 60, endMinute: 6 * 60, utcOffsetMinutes: 0 };
    expect(isInsideWindow(Date.UTC(2026, 0, 1, 23), night)).toBe(true);
    expect(isInsideWindow(Date.UTC(2026, 0, 1, 5), night)).toBe(true);
    expect(isInsideWindow(Date.UTC(2026, 0, 1, 12), night)).toBe(false);
  });
  it('parses HH:MM and names bad text', () => {
    expect(parseClockTime('08:00')).toBe(480);
    expect(parseClockTime('21:30')).toBe(1290);
    expect(() => parseClockTime('8am')).toThrow(/8am/);
    expect(() => parseClockTime('25:00')).toThrow(/25:00/);
  });
});

describe('classifySubmitStatus', () => {
  it.each([
    [0x00, 'submitted'],
    [0x58, 'throttled'],
    [0x14, 'throttled'],
    [0x08, 'transient'],
    [0x64, 'transient'],
    [0x0b, 'rejected'],
    [0x0a, 'rejected'],
    [0x01, 'rejected'],
    [0x62, 'rejected'],
    [0x45, 'failed'],
    [0xff, 'failed'],
    [0x401, 'failed'],
  ])('0x%s -> %s', (status, kind) => {
    expect(classifySubmitStatus(status).kind).toBe(kind);
  });
  it('names the status in the error', () => {
    const v = classifySubmitStatus(0x0b);
    expect(v.kind !== 'submitted' && v.error).toEqual({ code: 'ESME_RINVDSTADR', description: 'ESME_RINVDSTADR (0x0000000B)' });
    const vendor = classifySubmitStatus(0x401);
    expect(vendor.kind !== 'submitted' && vendor.error.code).toBe('0x00000401');
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with jitter inside [1 - jitter, 1] of the step', () => {
    const r = new SeededRandom(1);
    const policy = { baseMs: 100, maxMs: 1000, jitter: 0.5 };
    for (let attempt = 0; attempt < 8; attempt++) {
      const step = Math.min(1000, 100 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(policy, attempt, r);
        expect(d).toBeGreaterThanOrEqual(step * 0.5);
        expect(d).toBeLessThanOrEqual(step);
      }
    }
  });
  it('is reproducible from the seed', () => {
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    const p = { baseMs: 50, maxMs: 5000, jitter: 1 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(p, n, a))).toEqual([0, 1, 2, 3].map((n) => backoffDelay(p, n, b)));
  });
});

describe('LaneBuffer', () => {
  it('serves lanes in priority order, FIFO within a lane', () => {
    const b = new LaneBuffer<string>();
    b.push('promotion', 'p1');
    b.push('promotion', 'p2');
    b.push('dunning', 'd1');
    b.push('otp', 'o1');
    b.push('notice', 'n1');
    b.push('otp', 'o2');
    expect(b.size).toBe(6);
    expect(b.peek()).toBe('o1');
    expect(b.takeAll()).toEqual(['o1', 'o2', 'n1', 'd1', 'p1', 'p2']);
    expect(b.size).toBe(0);
    expect(b.shift()).toBeUndefined();
  });
  it('stays correct across compaction', () => {
    const b = new LaneBuffer<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      b.push('notice', i);
      if (i % 3 === 0) out.push(b.shift()!);
    }
    out.push(...b.takeAll());
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
