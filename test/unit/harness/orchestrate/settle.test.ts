import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { judgeTail, settleTail, type TailSnapshot } from '../../../../src/harness/orchestrate/settle.ts';

const snap = (seen: number, finals: number, failedFinals = 0, deliveries = seen): TailSnapshot => ({ seen, deliveries, finals, failedFinals });
const base = { quietForMs: 0, quietMs: 3000, elapsedMs: 0, deadlineMs: 60_000 };

describe('judgeTail', () => {
  it.each([
    ['every accepted message has a final callback', 10, snap(10, 10), base, { state: 'settled', reason: 'all-final' }],
    ['some not yet at a carrier', 10, snap(7, 5), base, { state: 'pending', pending: 3 }],
    ['a reported failure accounts for an unseen message', 10, snap(9, 9, 1), base, { state: 'draining', waitingFor: 1 }],
    ['all seen, quiet long enough', 10, snap(10, 8), { ...base, quietForMs: 3000 }, { state: 'settled', reason: 'quiet' }],
    ['pending messages are waited for even when quiet', 10, snap(8, 8), { ...base, quietForMs: 30_000 }, { state: 'pending', pending: 2 }],
    ['the deadline ends the wait', 10, snap(8, 8), { ...base, elapsedMs: 60_000 }, { state: 'deadline', pending: 2 }],
    ['nothing accepted', 0, snap(0, 0), base, { state: 'settled', reason: 'all-final' }],
    ['every one without a final goes to a handset whose fate is not deliverable', 10, { ...snap(10, 8), openUndeliverable: 2 }, base, { state: 'settled', reason: 'decided' }],
    ['one to a deliverable handset still without a final is waited for', 10, { ...snap(10, 7), openUndeliverable: 2 }, base, { state: 'draining', waitingFor: 3 }],
    ['an unseen message is waited for whatever the fates', 10, { ...snap(9, 7), openUndeliverable: 2 }, base, { state: 'pending', pending: 1 }],
  ] as const)('%s', (_name, accepted, snapshot, timing, expected) => {
    expect(judgeTail({ accepted, snapshot, ...timing })).toEqual(expected);
  });
});

describe('settleTail', () => {
  it('polls until every accepted message is final, on fake time', async () => {
    const clock = new ManualClock();
    const script = [snap(3, 0), snap(5, 2), snap(5, 5)];
    let reads = 0;
    const done = settleTail({ accepted: 5, clock, deadlineMs: 10_000, pollMs: 500, read: async () => script[Math.min(reads++, script.length - 1)] as TailSnapshot });
    for (let i = 0; i < 10 && reads < 3; i++) {
      await Promise.resolve();
      await Promise.resolve();
      clock.advance(500);
    }
    const r = await done;
    expect(r.state).toEqual({ state: 'settled', reason: 'all-final' });
    expect(reads).toBe(3);
    expect(r.waitedMs).toBe(1000);
  });

  it('stops at the deadline when messages never arrive', async () => {
    const clock = new ManualClock();
    let reads = 0;
    const done = settleTail({ accepted: 5, clock, deadlineMs: 2_000, pollMs: 500, read: async () => (reads++, snap(4, 0)) });
    for (let i = 0; i < 20; i++) {
      await Promise.resolve();
      await Promise.resolve();
      clock.advance(500);
    }
    const r = await done;
    expect(r.state).toEqual({ state: 'deadline', pending: 1 });
    expect(r.waitedMs).toBe(2000);
    expect(reads).toBe(5);
  });
});
