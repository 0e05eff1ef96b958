import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { DispatchJournal } from '../../../../src/core/dispatch/journal.ts';
import { openSqliteStore, type DispatchOutcome, type SqliteStore } from '../../../../src/core/store/index.ts';
import { newMessage } from '../store/fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
let store: SqliteStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setUp(): Promise<{ store: SqliteStore; journal: DispatchJournal; finals: DispatchOutcome['finals'][number][]; clock: ManualClock }> {
  store = openSqliteStore({ dataDir: ':memory:', commitIntervalMs: 0 });
  const clock = new ManualClock(T0);
  const finals: DispatchOutcome['finals'][number][] = [];
  const journal = new DispatchJournal(store, clock, { onFinals: (f) => finals.push(...f), onError: (e) => { throw e; } }, 1000);
  return { store, journal, finals, clock };
}

it('holds a receipt that came before its submit response and applies it after the response', async () => {
  const { store, journal, finals } = await setUp();
  const m = newMessage({ at: T0 });
  await store.insertMessages([m]);
  await store.claimDue('docomo', T0, 1);
  await journal.push({ kind: 'receipt', carrier: 'docomo', smscIds: ['77', '119'], outcome: 'delivered', at: T0 + 1 });
  expect(journal.hold.size).toBe(1);
  await journal.push({ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: '119', at: T0 + 2, receiptDueAt: T0 + 10_000 });
  await journal.idle();
  expect(journal.hold.size).toBe(0);
  expect(journal.matchedLate).toBe(1);
  expect(finals.map((f) => [f.id, f.state])).toEqual([[m.id, 'delivered']]);
});

it('re-applies a receipt that was in the same batch just before its submit response', async () => {
  const { store, journal, finals } = await setUp();
  const m = newMessage({ at: T0 });
  await store.insertMessages([m]);
  await store.claimDue('docomo', T0, 1);
  // Both pushed in the same tick: one batch, receipt first.
  const a = journal.push({ kind: 'receipt', carrier: 'docomo', smscIds: ['5'], outcome: 'undeliverable', at: T0 + 1, error: { code: 'RECEIPT_UNDELIV', description: 'x' } });
  const b = journal.push({ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: '5', at: T0 + 1, receiptDueAt: T0 + 10_000 });
  await Promise.all([a, b]);
  await journal.idle();
  expect(journal.hold.size).toBe(0);
  expect(finals.map((f) => f.state)).toEqual(['undeliverable']);
});

it('drops a held receipt nobody claims after the hold time', async () => {
  const { journal, clock } = await setUp();
  await journal.push({ kind: 'receipt', carrier: 'au', smscIds: ['9'], outcome: 'delivered', at: T0 });
  expect(journal.hold.size).toBe(1);
  clock.advance(999);
  expect(journal.hold.sweep(clock.now())).toBe(0);
  clock.advance(1);
  expect(journal.hold.sweep(clock.now())).toBe(1);
});

it('matches a held receipt through the store when another node recorded the submit (retryHeld), keeping the hold time', async () => {
  const { store, journal, finals, clock } = await setUp();
  const m = newMessage({ at: T0 });
  await store.insertMessages([m]);
  await store.claimDue('docomo', T0, 1);
  // This node's bind got the receipt first; the submit is another node's, so it never passes this journal.
  await journal.push({ kind: 'receipt', carrier: 'docomo', smscIds: ['ab12'], outcome: 'delivered', at: T0 + 1 });
  await journal.push({ kind: 'receipt', carrier: 'docomo', smscIds: ['nobody'], outcome: 'delivered', at: T0 + 1 });
  expect(journal.hold.size).toBe(2);
  expect(await journal.retryHeld()).toBe(0);
  expect(journal.hold.size).toBe(2);
  await store.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'ab12', at: T0 + 2, receiptDueAt: T0 + 10_000 }]);
  clock.advance(500);
  expect(await journal.retryHeld()).toBe(1);
  expect(finals.map((f) => [f.id, f.state])).toEqual([[m.id, 'delivered']]);
  expect((await store.getMessage(m.id))?.state).toBe('delivered');
  // The other one is still held, from when it first came: the hold time (1000 ms) ends it, not a new one.
  expect(journal.hold.size).toBe(1);
  clock.advance(499);
  expect(journal.hold.sweep(clock.now())).toBe(0);
  clock.advance(1);
  expect(journal.hold.sweep(clock.now())).toBe(1);
});

/** Advance fake time step by step until `p` settles (bounded). */
async function settle<T>(clock: ManualClock, p: Promise<T>, stepMs: number, maxSteps: number): Promise<T> {
  let done = false;
  void p.finally(() => (done = true));
  for (let i = 0; i < maxSteps && !done; i++) {
    clock.advance(stepMs);
    for (let j = 0; j < 20; j++) await new Promise<void>((r) => setImmediate(r));
  }
  return p;
}

it('says whether a receipt matched; awaitMatch answers once the store matches another node\'s submit', async () => {
  const { store, journal, finals, clock } = await setUp();
  const m = newMessage({ at: T0 });
  await store.insertMessages([m]);
  await store.claimDue('docomo', T0, 1);
  const receipt = { kind: 'receipt', carrier: 'docomo', smscIds: ['c0ffee'], outcome: 'delivered', at: T0 + 1 } as const;
  expect(await journal.pushReceipt(receipt)).toBe(false);
  const waiting = journal.awaitMatch(receipt, 2000);
  await settle(clock, Promise.resolve(), 25, 3);
  // The other node records its submit 75 ms later.
  await store.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'c0ffee', at: T0 + 2, receiptDueAt: T0 + 10_000 }]);
  expect(await settle(clock, waiting, 25, 10)).toBe(true);
  expect(journal.hold.size).toBe(0);
  expect(finals.map((f) => [f.id, f.state])).toEqual([[m.id, 'delivered']]);
  // A receipt for a segment already recorded matches at once.
  expect(await journal.pushReceipt({ ...receipt, at: T0 + 3 })).toBe(true);
});

it('awaitMatch gives up after its time and takes the receipt out of the hold (the SMSC will send it again)', async () => {
  const { journal, clock } = await setUp();
  const receipt = { kind: 'receipt', carrier: 'au', smscIds: ['404'], outcome: 'delivered', at: T0 } as const;
  expect(await journal.pushReceipt(receipt)).toBe(false);
  const started = clock.now();
  expect(await settle(clock, journal.awaitMatch(receipt, 500), 25, 100)).toBe(false);
  expect(clock.now() - started).toBeGreaterThanOrEqual(500);
  expect(journal.hold.size).toBe(0);
});
