import { describe, expect, it } from 'vitest';
import { combineSegments, type SegmentState, type SqliteStore } from '../../../../src/core/store/index.ts';
import { describeEachBackend } from './backends.ts';
import { newMessage } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);

describe('combineSegments', () => {
  const table: Array<[SegmentState[], string | undefined]> = [
    [[], undefined],
    [['delivered'], 'delivered'],
    [['delivered', 'delivered', 'delivered'], 'delivered'],
    [['delivered', 'submitted'], undefined],
    [['pending', 'undeliverable'], undefined],
    [['delivered', 'undeliverable'], 'undeliverable'],
    [['unknown', 'rejected'], 'rejected'],
    [['delivered', 'unknown'], 'unknown'],
    [['expired', 'failed'], 'expired'],
    [['failed', 'unknown'], 'failed'],
    [['undeliverable', 'rejected', 'expired'], 'undeliverable'],
  ];
  it.each(table)('%j -> %s', (states, expected) => {
    expect(combineSegments(states)).toBe(expected);
  });
});

describeEachBackend('store dispatch', (t, backend) => {

  describe('dispatch side', () => {
    it('claims the OTP ahead of a promotion backlog, then lanes in priority order', async () => {
      const promos = Array.from({ length: 200 }, (_, i) => newMessage({ category: 'promotion', at: T0 - 1000 + i }));
      await t.store.insertMessages(promos);
      const dunning = newMessage({ category: 'dunning', at: T0 - 5 });
      const otp = newMessage({ category: 'otp', at: T0 });
      const notice = newMessage({ category: 'notice', at: T0 });
      await t.store.insertMessages([dunning, otp, notice]);
      const claimed = await t.store.claimDue('docomo', T0, 4);
      expect(claimed.map((c) => c.category)).toEqual(['otp', 'notice', 'dunning', 'promotion']);
      expect(claimed[0]?.parts[0]?.bytes).toEqual(Buffer.from([0x48, 0x69]));
      expect((await t.store.getMessage(otp.id))?.state).toBe('queued');
      // other carriers and lanes left out are not claimed
      expect(await t.store.claimDue('au', T0, 10)).toEqual([]);
      expect(await t.store.claimDue('docomo', T0, 10, ['otp', 'notice', 'dunning'])).toEqual([]);
    });

    it('honours scheduled_at and never claims an expired message; the sweep ends it expired', async () => {
      const later = newMessage({ scheduledAt: T0 + 60_000 });
      const stale = newMessage({ expiresAt: T0 + 10 });
      await t.store.insertMessages([later, stale]);
      expect(await t.store.claimDue('docomo', T0 + 20, 10)).toEqual([]);
      const finals = await t.store.expireDue(T0 + 20, 100);
      expect(finals.map((f) => [f.id, f.state])).toEqual([[stale.id, 'expired']]);
      expect((await t.store.getMessage(stale.id))?.error?.code).toBe('TTL_EXPIRED');
      expect((await t.store.nextDueAt('docomo'))).toBe(T0 + 60_000);
      expect((await t.store.claimDue('docomo', T0 + 60_000, 10)).map((c) => c.id)).toEqual([later.id]);
    });

    it('tracks a concatenated message to delivered, receipts arriving before the last response', async () => {
      const m = newMessage({ segments: 3, notifySubmitted: true });
      await t.store.insertMessages([m]);
      const [c] = await t.store.claimDue('docomo', T0, 1);
      expect(c?.parts.map((p) => p.seq)).toEqual([1, 2, 3]);
      await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'a1', at: T0 + 1, receiptDueAt: T0 + 100_000 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['a1'], outcome: 'delivered', at: T0 + 2 },
        { kind: 'segment_submitted', messageId: m.id, seq: 2, smscId: 'a2', at: T0 + 3, receiptDueAt: T0 + 100_000 },
      ]);
      expect((await t.store.getMessage(m.id))?.state).toBe('queued');
      const early = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['a3'], outcome: 'delivered', at: T0 + 4 }]);
      expect(early.unmatched.map((u) => u.smscIds)).toEqual([['a3']]);
      await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: m.id, seq: 3, smscId: 'a3', at: T0 + 5, receiptDueAt: T0 + 100_000 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['a2'], outcome: 'delivered', at: T0 + 6 },
      ]);
      expect((await t.store.getMessage(m.id))?.state).toBe('submitted');
      const out = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['a3'], outcome: 'delivered', at: T0 + 7 }]);
      expect(out.finals.map((f) => f.state)).toEqual(['delivered']);
      const got = await t.store.getMessage(m.id);
      expect(got?.transitions.map((t) => t.state)).toEqual(['accepted', 'queued', 'submitted', 'delivered']);
      expect(got?.segmentStates.map((s) => s.smscId)).toEqual(['a1', 'a2', 'a3']);
      const jobs = await t.store.claimDueCallbacks(T0 + 10, 10);
      expect(jobs.map((j) => j.status)).toEqual(['submitted', 'delivered']);
      // a late duplicate receipt changes nothing
      const dupe = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['a1'], outcome: 'undeliverable', at: T0 + 8 }]);
      expect(dupe.finals).toEqual([]);
      expect((await t.store.getMessage(m.id))?.state).toBe('delivered');
    });

    it('a message through the aggregator records its route and is matched by the aggregator\'s receipts only; the rest of a cut long message keeps the route', async () => {
      const one = newMessage();
      const long = newMessage({ segments: 3 });
      await t.store.insertMessages([one, long]);
      expect(await t.store.claimDue('docomo', T0, 10)).toHaveLength(2);
      await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: one.id, seq: 1, smscId: '~agg-1', at: T0 + 1, receiptDueAt: T0 + 100_000, route: 'aggregator' },
        { kind: 'segment_submitted', messageId: long.id, seq: 1, smscId: '~agg-2', at: T0 + 1, receiptDueAt: T0 + 100_000, route: 'aggregator' },
        // The link died before segments 2 and 3 went out: back to the lane.
        { kind: 'retry', messageId: long.id, dueAt: T0 + 2, at: T0 + 1, countsAttempt: false, error: { code: 'LINK_LOST', description: 'session closed' } },
      ]);
      expect((await t.store.getMessage(one.id))?.route).toBe('aggregator');
      expect((await t.store.getMessage(long.id))?.route).toBeUndefined();
      // docomo's own receipt for that id is not the aggregator's.
      const wrong = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['~agg-1'], outcome: 'delivered', at: T0 + 3 }]);
      expect(wrong.unmatched).toHaveLength(1);
      const right = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'aggregator', smscIds: ['~agg-1'], outcome: 'delivered', at: T0 + 3 }]);
      expect(right.finals.map((f) => [f.id, f.state, f.carrier])).toEqual([[one.id, 'delivered', 'docomo']]);
      const [again] = await t.store.claimDue('docomo', T0 + 2, 10);
      expect(again?.parts.map((p) => p.seq)).toEqual([2, 3]);
      expect(again?.route).toBe('aggregator');
      await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: long.id, seq: 2, smscId: '~agg-3', at: T0 + 4, receiptDueAt: T0 + 100_000, route: 'aggregator' },
        { kind: 'segment_submitted', messageId: long.id, seq: 3, smscId: '~agg-4', at: T0 + 4, receiptDueAt: T0 + 100_000, route: 'aggregator' },
      ]);
      expect((await t.store.getMessage(long.id))?.route).toBe('aggregator');
      // A message claimed with nothing sent before has no route yet; a direct submit records 'direct'.
      const plain = newMessage();
      await t.store.insertMessages([plain]);
      const [fresh] = await t.store.claimDue('docomo', T0 + 5, 10);
      expect(fresh?.route).toBeUndefined();
      await t.store.applyDispatch([{ kind: 'segment_submitted', messageId: plain.id, seq: 1, smscId: 'd1', at: T0 + 6, receiptDueAt: T0 + 100_000 }]);
      expect((await t.store.getMessage(plain.id))?.route).toBe('direct');
    });

    it('a single-segment message ends as its receipt says; a duplicate receipt changes nothing', async () => {
      const ok = newMessage();
      const bad = newMessage({ callbackUrl: undefined });
      await t.store.insertMessages([ok, bad]);
      expect(await t.store.claimDue('docomo', T0, 10)).toHaveLength(2);
      const out = await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: ok.id, seq: 1, smscId: 's1', at: T0 + 1, receiptDueAt: T0 + 100_000 },
        { kind: 'segment_submitted', messageId: bad.id, seq: 1, smscId: 's2', at: T0 + 1, receiptDueAt: T0 + 100_000 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['s1'], outcome: 'delivered', at: T0 + 2 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['s2'], outcome: 'undeliverable', at: T0 + 3, error: { code: 'UNDELIV', description: 'handset refused' } },
      ]);
      expect(out.finals.map((f) => [f.id, f.state, f.callback])).toEqual([
        [ok.id, 'delivered', true],
        [bad.id, 'undeliverable', false],
      ]);
      expect((await t.store.getMessage(ok.id))?.error).toBeUndefined();
      expect((await t.store.getMessage(bad.id))?.error?.code).toBe('UNDELIV');
      const dupe = await t.store.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['s1'], outcome: 'undeliverable', at: T0 + 9 }]);
      expect(dupe.finals).toEqual([]);
      expect((await t.store.getMessage(ok.id))?.state).toBe('delivered');
    });

    it('one undeliverable segment makes the message undeliverable', async () => {
      const m = newMessage({ segments: 2 });
      await t.store.insertMessages([m]);
      await t.store.claimDue('docomo', T0, 1);
      const out = await t.store.applyDispatch([
        { kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'b1', at: T0, receiptDueAt: T0 + 1000 },
        { kind: 'segment_submitted', messageId: m.id, seq: 2, smscId: 'b2', at: T0, receiptDueAt: T0 + 1000 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['b1'], outcome: 'delivered', at: T0 + 1 },
        { kind: 'receipt', carrier: 'docomo', smscIds: ['b2'], outcome: 'undeliverable', at: T0 + 2, error: { code: 'RECEIPT_UNDELIV', description: 'err:001' } },
      ]);
      expect(out.finals.map((f) => f.state)).toEqual(['undeliverable']);
      expect((await t.store.getMessage(m.id))?.error?.code).toBe('RECEIPT_UNDELIV');
    });

    it('no receipt by the deadline ends unknown', async () => {
      const m = newMessage();
      await t.store.insertMessages([m]);
      await t.store.claimDue('docomo', T0, 1);
      await t.store.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'c1', at: T0, receiptDueAt: T0 + 1000 }]);
      expect(await t.store.timeoutReceipts(T0 + 999, 10)).toEqual([]);
      expect((await t.store.timeoutReceipts(T0 + 1000, 10)).map((f) => f.state)).toEqual(['unknown']);
      expect((await t.store.getMessage(m.id))?.segmentStates[0]?.state).toBe('unknown');
    });

    it('a retry puts the message back in its lane; a back-off past the TTL ends it expired', async () => {
      const a = newMessage({ expiresAt: T0 + 10_000 });
      const b = newMessage({ expiresAt: T0 + 10_000 });
      await t.store.insertMessages([a, b]);
      await t.store.claimDue('docomo', T0, 2);
      const err = { code: 'ESME_RTHROTTLED', description: 'throttled' };
      const out = await t.store.applyDispatch([
        { kind: 'retry', messageId: a.id, dueAt: T0 + 500, at: T0, countsAttempt: true, error: err },
        { kind: 'retry', messageId: b.id, dueAt: T0 + 20_000, at: T0, countsAttempt: false, error: err },
      ]);
      expect(out.finals.map((f) => [f.id, f.state])).toEqual([[b.id, 'expired']]);
      expect(await t.store.claimDue('docomo', T0 + 499, 10)).toEqual([]);
      const [again] = await t.store.claimDue('docomo', T0 + 500, 10);
      expect(again).toMatchObject({ id: a.id, attempts: 1 });
    });

    it('recovers queued messages after a crash, resending only unanswered segments', async () => {
      const m = newMessage({ segments: 2 });
      await t.store.insertMessages([m]);
      await t.store.claimDue('docomo', T0, 1);
      await t.store.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'd1', at: T0, receiptDueAt: T0 + 1000 }]);
      await t.store.close();
      t.store = await backend.open();
      expect(await t.store.recoverInFlight(T0 + 5)).toBe(1);
      const [c] = await t.store.claimDue('docomo', T0 + 5, 10);
      expect(c?.parts.map((p) => p.seq)).toEqual([2]);
    });

    it('counts waiting messages per lane (on the checkpoint worker when it runs)', async () => {
      if (backend.name === 'sqlite') expect(await (t.store as SqliteStore).checkpointerStarting).toBe(true);
      await t.store.insertMessages([newMessage({ category: 'promotion' }), newMessage({ category: 'promotion' }), newMessage({ category: 'otp', carrier: 'au' })]);
      const depths = await t.store.laneDepths();
      expect(depths).toEqual(
        expect.arrayContaining([
          { carrier: 'docomo', category: 'promotion', depth: 2 },
          { carrier: 'au', category: 'otp', depth: 1 },
        ]),
      );
    });
  });
});
