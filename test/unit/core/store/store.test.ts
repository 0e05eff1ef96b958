import { describe, expect, it } from 'vitest';
import { DuplicateMessageIdError, InvalidMessageError } from '../../../../src/core/store/index.ts';
import { describeEachBackend } from './backends.ts';
import { newMessage } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);

describeEachBackend('store', (t, backend) => {

  describe('API side', () => {
    it('stores a message with its segments and an accepted transition', async () => {
      const m = newMessage({ segments: 2, clientRef: 'abc' });
      expect(await t.store.insertMessages([m])).toEqual({ kind: 'inserted' });
      const got = await t.store.getMessage(m.id);
      expect(got?.state).toBe('accepted');
      expect(got?.clientRef).toBe('abc');
      expect(got?.segmentStates.map((s) => [s.seq, s.state])).toEqual([
        [1, 'pending'],
        [2, 'pending'],
      ]);
      expect(got?.transitions).toEqual([{ state: 'accepted', at: T0, detail: undefined }]);
    });

    it('replays the first answer for a repeated idempotency key and stores nothing more', async () => {
      const idem = { tenant: 'default', key: 'k1', requestHash: 'h', status: 202, body: '{"id":"x"}' };
      const a = newMessage();
      const b = newMessage();
      expect(await t.store.insertMessages([a], idem)).toEqual({ kind: 'inserted' });
      const again = await t.store.insertMessages([b], { ...idem, body: '{"id":"y"}' });
      expect(again.kind).toBe('replayed');
      expect(again.kind === 'replayed' && again.idempotency.body).toBe('{"id":"x"}');
      expect(await t.store.getMessage(b.id)).toBeUndefined();
      expect((await t.store.findIdempotency('default', 'k1'))?.requestHash).toBe('h');
      expect(await t.store.findIdempotency('other', 'k1')).toBeUndefined();
    });

    it('concurrent inserts share a group commit; a duplicate id fails alone', async () => {
      const ms = Array.from({ length: 50 }, () => newMessage());
      const dup = ms[0]!;
      const results = await Promise.allSettled([...ms.map((m) => t.store.insertMessages([m])), t.store.insertMessages([newMessage(), dup])]);
      expect(results.slice(0, 50).every((r) => r.status === 'fulfilled')).toBe(true);
      const last = results[50]!;
      expect(last.status === 'rejected' && last.reason).toBeInstanceOf(DuplicateMessageIdError);
      const page = await t.store.listMessages('default', {}, undefined, 1000);
      expect(page.messages).toHaveLength(50);
    });

    it('a failing op in the middle of a group: the others commit exactly once, in one transaction', async () => {
      const first = newMessage();
      await t.store.insertMessages([first]);
      const before = newMessage();
      const after = newMessage();
      // One macrotask: the three inserts land in one group; the middle one repeats an id.
      const results = await Promise.allSettled([t.store.insertMessages([before]), t.store.insertMessages([newMessage(), first]), t.store.insertMessages([after])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const page = await t.store.listMessages('default', {}, undefined, 1000);
      expect(page.messages.map((m) => m.id).sort()).toEqual([first.id, before.id, after.id].sort());
      // No row of the failed op survived the retry, and nothing ran twice.
      expect(await backend.count('segments')).toBe(3);
    });

    it('refuses a message whose parts do not match its segment count', async () => {
      const m = { ...newMessage(), segments: 3 };
      await expect(t.store.insertMessages([m])).rejects.toBeInstanceOf(InvalidMessageError);
    });

    it('lists with filters and a keyset cursor, oldest first', async () => {
      const ms = Array.from({ length: 7 }, (_, i) => newMessage({ at: T0 + i, category: i % 2 ? 'otp' : 'notice' }));
      await t.store.insertMessages(ms);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await t.store.listMessages('default', {}, cursor, 3);
        seen.push(...page.messages.map((m) => m.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(ms.map((m) => m.id));
      const otp = await t.store.listMessages('default', { category: 'otp', since: T0 + 2 }, undefined, 10);
      expect(otp.messages.map((m) => m.acceptedAt)).toEqual([T0 + 3, T0 + 5]);
      expect((await t.store.listMessages('default', { clientRef: ms[4]!.clientRef! }, undefined, 10)).messages[0]?.id).toBe(ms[4]!.id);
      expect((await t.store.listMessages('other', {}, undefined, 10)).messages).toEqual([]);
    });

    it('cancels only a waiting message and writes its callback', async () => {
      const waiting = newMessage();
      const claimed = newMessage({ category: 'otp' });
      await t.store.insertMessages([waiting, claimed]);
      await t.store.claimDue('docomo', T0, 1);
      expect(await t.store.cancelMessage('default', claimed.id, T0 + 1)).toBe('not_cancelable');
      expect(await t.store.cancelMessage('other', waiting.id, T0 + 1)).toBe('not_found');
      expect(await t.store.cancelMessage('default', 'nope', T0 + 1)).toBe('not_found');
      expect(await t.store.cancelMessage('default', waiting.id, T0 + 1)).toBe('canceled');
      expect((await t.store.getMessage(waiting.id))?.state).toBe('canceled');
      const jobs = await t.store.claimDueCallbacks(T0 + 2, 10);
      expect(jobs.map((j) => [j.messageId, j.status])).toEqual([[waiting.id, 'canceled']]);
      expect(JSON.parse(jobs[0]!.body)).toMatchObject({ id: waiting.id, status: 'canceled', client_ref: waiting.clientRef, to: waiting.to, at: T0 + 1, segments: 1 });
    });
  });

  describe('callback outbox', () => {
    it('leases, reschedules and completes callbacks', async () => {
      const m = newMessage();
      await t.store.insertMessages([m]);
      await t.store.cancelMessage('default', m.id, T0);
      const [job] = await t.store.claimDueCallbacks(T0, 10, 5_000);
      expect(job?.id).toBe(`${m.id}.canceled`);
      expect(await t.store.claimDueCallbacks(T0 + 1_000, 10)).toEqual([]);
      await t.store.settleCallbacks([{ kind: 'retry', id: job!.id, dueAt: T0 + 2_000, attempts: 1, lastError: 'HTTP 500' }]);
      const [again] = await t.store.claimDueCallbacks(T0 + 2_000, 10);
      expect(again).toMatchObject({ attempts: 1, lastError: 'HTTP 500' });
      await t.store.settleCallbacks([{ kind: 'delivered', id: job!.id, at: T0 + 2_100 }]);
      expect(await t.store.pendingCallbackCount()).toBe(0);
      expect(await t.store.claimDueCallbacks(T0 + 999_999, 10)).toEqual([]);
    });

    /** One canceled callback per message, each to its own URL; returns the event ids in order. */
    async function owed(urls: readonly string[], at = T0): Promise<string[]> {
      const ids: string[] = [];
      for (const url of urls) {
        const m = newMessage({ callbackUrl: url });
        await t.store.insertMessages([m]);
        await t.store.cancelMessage('default', m.id, at);
        ids.push(`${m.id}.canceled`);
      }
      return ids;
    }

    it('writes each row with its receiver origin, and a claim skips the origins it is told to', async () => {
      const [a1, b1, a2] = await owed(['http://a.test:8080/x', 'https://b.test/y?q=1', 'http://a.test:8080/z']);
      const skipped = await t.store.claimDueCallbacks(T0, 10, 5_000, ['http://a.test:8080']);
      expect(skipped.map((j) => [j.id, j.origin])).toEqual([[b1, 'https://b.test']]);
      const rest = await t.store.claimDueCallbacks(T0, 10, 5_000, []);
      expect(rest.map((j) => j.id).sort()).toEqual([a1, a2].sort());
      expect(rest.every((j) => j.origin === 'http://a.test:8080')).toBe(true);
    });

    it('settles many callbacks in one call: delivered, retry (counted), deferred (not counted), abandoned', async () => {
      const [d, r, f, x] = await owed(['http://a.test/1', 'http://a.test/2', 'http://a.test/3', 'http://a.test/4']);
      expect(await t.store.claimDueCallbacks(T0, 10, 5_000)).toHaveLength(4);
      await t.store.settleCallbacks([
        { kind: 'delivered', id: d!, at: T0 + 10 },
        { kind: 'retry', id: r!, dueAt: T0 + 1_000, attempts: 1, lastError: 'HTTP 503' },
        { kind: 'deferred', id: f!, dueAt: T0 + 2_000 },
        { kind: 'abandoned', id: x!, at: T0 + 10, reason: 'tenant gone' },
      ]);
      expect(await t.store.pendingCallbackCount()).toBe(2);
      expect((await t.store.claimDueCallbacks(T0 + 1_000, 10)).map((j) => [j.id, j.attempts, j.lastError])).toEqual([[r, 1, 'HTTP 503']]);
      expect((await t.store.claimDueCallbacks(T0 + 2_000, 10)).map((j) => [j.id, j.attempts])).toEqual([[f, 0]]);
    });

    it('an origin deferred moves every due row of that origin, and only those, to the back-off end', async () => {
      const [a1, b1, a2] = await owed(['http://a.test/1', 'http://b.test/1', 'http://a.test/2']);
      await t.store.settleCallbacks([{ kind: 'origin_deferred', origin: 'http://a.test', dueAt: T0 + 5_000 }]);
      expect((await t.store.claimDueCallbacks(T0 + 4_999, 10)).map((j) => j.id)).toEqual([b1]);
      expect((await t.store.claimDueCallbacks(T0 + 5_000, 10)).map((j) => j.id).sort()).toEqual([a1, a2].sort());
    });

    it('queues an operator alert once per id, to its own origin', async () => {
      const alert = { id: 'alert_0123456789abcdef', url: 'https://alerts.test/hook', body: '{"kind":"off-hours"}', at: T0 };
      await t.store.queueOperatorAlert(alert);
      await t.store.queueOperatorAlert(alert);
      const jobs = await t.store.claimDueCallbacks(T0, 10, 5_000);
      expect(jobs.map((j) => [j.id, j.status, j.origin])).toEqual([[alert.id, 'alert', 'https://alerts.test']]);
    });

    it('writes no callback for a message without callback_url', async () => {
      const m = newMessage({ callbackUrl: undefined });
      await t.store.insertMessages([m]);
      await t.store.cancelMessage('default', m.id, T0);
      expect(await t.store.pendingCallbackCount()).toBe(0);
    });
  });
});
