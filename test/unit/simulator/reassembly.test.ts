import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import { defaultProfile } from '../../../simulator/profile.ts';
import { Reassembler, type Segment } from '../../../simulator/reassembly.ts';

// au's limits (670 full-width characters); docomo's 660 has a test of its own.
const limits = defaultProfile('au').longMessages;

function setup(maxOpenSets?: number, carrierLimits = limits) {
  const clock = new ManualClock();
  const expired: string[][] = [];
  const r = new Reassembler<string>(clock, () => carrierLimits, (parts) => expired.push(parts), maxOpenSets);
  return { clock, r, expired };
}

const seg = (seq: number, total: number, text: string, over: Partial<Segment<string>> = {}): Segment<string> => ({
  key: 'denpa|DENPA|819012345678',
  ref: 0x1234,
  total,
  seq,
  text,
  encoding: 'ucs2',
  part: `m${seq}`,
  ...over,
});

describe('reassembly', () => {
  it('a single segment is complete at once', () => {
    const { r } = setup();
    expect(r.add(seg(1, 1, 'こんにちは'))).toMatchObject({ kind: 'complete', text: 'こんにちは', parts: ['m1'] });
  });

  it('joins segments arriving in any order', () => {
    const { r } = setup();
    expect(r.add(seg(3, 3, 'ウ')).kind).toBe('pending');
    expect(r.add(seg(1, 3, 'ア')).kind).toBe('pending');
    expect(r.add(seg(2, 3, 'イ'))).toMatchObject({ kind: 'complete', text: 'アイウ', parts: ['m3', 'm1', 'm2'], encoding: 'ucs2' });
    expect(r.openSets).toBe(0);
  });

  it('keeps sets with different references or senders apart', () => {
    const { r } = setup();
    r.add(seg(1, 2, 'A', { ref: 1 }));
    r.add(seg(1, 2, 'X', { ref: 2 }));
    r.add(seg(1, 2, 'P', { key: 'other' }));
    expect(r.add(seg(2, 2, 'B', { ref: 1 }))).toMatchObject({ kind: 'complete', text: 'AB' });
    expect(r.add(seg(2, 2, 'Y', { ref: 2 }))).toMatchObject({ kind: 'complete', text: 'XY' });
    expect(r.openSets).toBe(1);
  });

  it('a repeated segment is a duplicate, not a second copy', () => {
    const { r } = setup();
    r.add(seg(1, 2, 'A'));
    expect(r.add(seg(1, 2, 'A', { part: 'again' })).kind).toBe('duplicate');
    expect(r.add(seg(2, 2, 'B'))).toMatchObject({ kind: 'complete', text: 'AB', parts: ['m1', 'again', 'm2'] });
  });

  it('accepts exactly 670 UCS-2 characters in 10 segments of 67', () => {
    const { r } = setup();
    const t = 'あ'.repeat(67);
    for (let i = 1; i < 10; i++) expect(r.add(seg(i, 10, t)).kind).toBe('pending');
    const done = r.add(seg(10, 10, t));
    expect(done.kind).toBe('complete');
    if (done.kind === 'complete') expect(done.text).toHaveLength(670);
  });

  it('docomo stops at 660 UCS-2 characters: 10 segments of 66 pass, a 67th character in the last is refused', () => {
    const { r } = setup(undefined, defaultProfile('docomo').longMessages);
    for (let i = 1; i < 10; i++) expect(r.add(seg(i, 10, 'あ'.repeat(66))).kind).toBe('pending');
    expect(r.add(seg(10, 10, 'あ'.repeat(66))).kind).toBe('complete');
    const { r: over } = setup(undefined, defaultProfile('docomo').longMessages);
    for (let i = 1; i < 10; i++) expect(over.add(seg(i, 10, 'あ'.repeat(66))).kind).toBe('pending');
    expect(over.add(seg(10, 10, 'あ'.repeat(67)))).toMatchObject({ kind: 'rejected', reason: 'too-long' });
  });

  it('rejects the segment that goes past 670 UCS-2 characters, and the rest of its set', () => {
    const { r } = setup();
    const t = 'あ'.repeat(100);
    for (let i = 1; i <= 6; i++) expect(r.add(seg(i, 10, t)).kind).toBe('pending');
    expect(r.add(seg(7, 10, t))).toEqual({ kind: 'rejected', reason: 'too-long', earlier: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'] });
    expect(r.add(seg(8, 10, t))).toMatchObject({ kind: 'rejected', reason: 'too-long', earlier: [] });
  });

  it('rejects more than 10 segments, a bad sequence and an over-long single message', () => {
    const { r } = setup();
    expect(r.add(seg(1, 11, 'a'))).toMatchObject({ kind: 'rejected', reason: 'too-many-segments' });
    expect(r.add(seg(3, 2, 'a'))).toMatchObject({ kind: 'rejected', reason: 'bad-sequence' });
    expect(r.add(seg(0, 2, 'a'))).toMatchObject({ kind: 'rejected', reason: 'bad-sequence' });
    expect(r.add(seg(1, 1, 'あ'.repeat(671)))).toMatchObject({ kind: 'rejected', reason: 'too-long' });
    expect(r.add(seg(1, 1, 'a'.repeat(1530), { encoding: 'gsm' })).kind).toBe('complete');
    expect(r.add(seg(1, 1, 'a'.repeat(1531), { encoding: 'gsm' })).kind).toBe('rejected');
  });

  it('a GSM set becomes UCS-2-limited as soon as one segment is UCS-2', () => {
    const { r } = setup();
    expect(r.add(seg(1, 2, 'a'.repeat(600), { encoding: 'gsm' })).kind).toBe('pending');
    expect(r.add(seg(2, 2, 'あ'.repeat(71))).kind).toBe('rejected');
  });

  it('an incomplete set expires after the bound and hands back its parts', () => {
    const { r, clock, expired } = setup();
    r.add(seg(1, 3, 'A'));
    r.add(seg(2, 3, 'B'));
    clock.advance(limits.reassemblyTimeoutMs - 1);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([['m1', 'm2']]);
    expect(r.openSets).toBe(0);
    expect(r.add(seg(3, 3, 'C')).kind).toBe('pending');
  });

  it('bounds the number of open sets', () => {
    const { r } = setup(2);
    r.add(seg(1, 2, 'A', { ref: 1 }));
    r.add(seg(1, 2, 'A', { ref: 2 }));
    expect(r.add(seg(1, 2, 'A', { ref: 3 }))).toMatchObject({ kind: 'rejected', reason: 'capacity' });
  });
});
