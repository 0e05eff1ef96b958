// An operator's retry of a failed or expired message and the replay of
// final status callbacks, on both backends: a retry is a recorded
// transition back to the lane (a new attempt whose callbacks are a new
// generation); any other state is refused and nothing changes; a replay
// puts the current final callback back in the outbox with its event id and
// body unchanged, bounded in count.
import { expect, it } from 'vitest';
import { describeEachBackend } from './backends.ts';
import { newMessage } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const FAIL = { code: 'SMPP_0x00000045', description: 'submit_sm failed' };

describeEachBackend('operator retry and callback replay', (t, backend) => {
  /** Claim and end `id` as `state` at `at`. */
  const end = async (id: string, at: number, state: 'failed' | 'delivered' = 'failed') => {
    const claimed = await t.store.claimDue('docomo', at, 10);
    expect(claimed.map((c) => c.id)).toContain(id);
    await t.store.applyDispatch([{ kind: 'final', messageId: id, state, at, ...(state === 'failed' ? { error: FAIL } : {}) }]);
  };
  /** Every due callback, settled as delivered: what a receiver was sent. */
  const sendCallbacks = async (at: number) => {
    const jobs = await t.store.claimDueCallbacks(at, 100);
    await t.store.settleCallbacks(jobs.map((j) => ({ kind: 'delivered' as const, id: j.id, at })));
    return jobs;
  };

  it('a failed message goes back to its lane for a new attempt, recorded; failing again tells its sender again', async () => {
    const m = newMessage({ segments: 2, at: T0, expiresAt: T0 + 600_000 });
    await t.store.insertMessages([m]);
    await end(m.id, T0 + 1000);
    expect((await sendCallbacks(T0 + 1000)).map((j) => j.id)).toEqual([`${m.id}.failed`]);

    const at = T0 + 3_600_000; // an hour later: past the original expiry
    expect(await t.store.retryMessage(m.id, at, 'retried by operator sato')).toEqual({ kind: 'retried', was: 'failed', carrier: 'docomo' });
    const back = await t.store.getMessage(m.id);
    expect(back).toMatchObject({ state: 'accepted', expiresAt: at + 600_000 });
    expect(back?.finalAt).toBeUndefined();
    expect(back?.error).toBeUndefined();
    expect(back?.segmentStates.map((s) => s.state)).toEqual(['pending', 'pending']);
    expect(back?.transitions.at(-1)).toEqual({ state: 'accepted', at, detail: 'retried by operator sato (was failed)' });

    // It is claimed again, with both segments, and its second failure is an event of its own.
    const claimed = await t.store.claimDue('docomo', at, 10);
    expect(claimed.map((c) => [c.id, c.parts.length])).toEqual([[m.id, 2]]);
    await t.store.applyDispatch([{ kind: 'final', messageId: m.id, state: 'failed', at: at + 1, error: FAIL }]);
    const second = await sendCallbacks(at + 1);
    expect(second.map((j) => j.id)).toEqual([`${m.id}.failed.1`]);
    expect(await backend.count('callbacks')).toBe(2);
  });

  it('an expired message is retried too; accepted, in-flight, delivered or unknown ones are refused and unchanged', async () => {
    const expiring = newMessage({ at: T0, expiresAt: T0 + 1000 });
    const waiting = newMessage({ at: T0 });
    const delivered = newMessage({ at: T0 });
    await t.store.insertMessages([expiring, waiting, delivered]);
    await end(delivered.id, T0 + 10, 'delivered');
    // end() claimed the other waiting one too: back to accepted (as a restart would).
    await t.store.recoverInFlight(T0 + 10);
    expect((await t.store.expireDue(T0 + 2000, 10)).map((f) => f.id)).toEqual([expiring.id]);

    expect(await t.store.retryMessage(expiring.id, T0 + 5000, 'retried by operator sato')).toEqual({ kind: 'retried', was: 'expired', carrier: 'docomo' });
    expect((await t.store.getMessage(expiring.id))?.expiresAt).toBe(T0 + 6000);
    expect(await t.store.retryMessage(expiring.id, T0 + 5000, 'again')).toEqual({ kind: 'not_retryable', state: 'accepted' });
    expect(await t.store.retryMessage(delivered.id, T0 + 5000, 'x')).toEqual({ kind: 'not_retryable', state: 'delivered' });
    expect(await t.store.retryMessage(waiting.id, T0 + 5000, 'x')).toEqual({ kind: 'not_retryable', state: 'accepted' });
    expect(await t.store.retryMessage('01NOSUCHMESSAGE0000000000', T0 + 5000, 'x')).toEqual({ kind: 'not_found' });
    const d = await t.store.getMessage(delivered.id);
    expect(d?.state).toBe('delivered');
    expect(d?.transitions.some((x) => x.detail?.includes('x (was'))).toBe(false);
  });

  it('replays one message: its final callback, same event id and body, once more; a pending one is left alone', async () => {
    const m = newMessage({ at: T0 });
    await t.store.insertMessages([m]);
    await end(m.id, T0 + 100, 'delivered');
    const first = await sendCallbacks(T0 + 100);
    expect(first.map((j) => j.id)).toEqual([`${m.id}.delivered`]);
    expect(await sendCallbacks(T0 + 200)).toEqual([]);

    const later = T0 + 30 * 86_400_000; // long past the sender's maximum age: the replay's age starts now
    expect(await t.store.replayCallbacks({ messageId: m.id }, later, 1)).toBe(1);
    expect(await t.store.pendingCallbackCount()).toBe(1);
    expect(await t.store.replayCallbacks({ messageId: m.id }, later, 1)).toBe(0); // still pending: on its way
    const again = await t.store.claimDueCallbacks(later, 100);
    expect(again.map((j) => [j.id, j.body, j.attempts, j.createdAt])).toEqual([[first[0]!.id, first[0]!.body, 0, later]]);
    expect(await t.store.replayCallbacks({ messageId: 'nope' }, later, 1)).toBe(0);
  });

  it("replays a tenant's callbacks of messages that ended in [since, until), at most `limit`, oldest first", async () => {
    const ms = [0, 1, 2, 3].map((i) => newMessage({ at: T0 + i }));
    const other = newMessage({ at: T0, tenant: 'other' });
    await t.store.insertMessages([...ms, other]);
    expect(await t.store.claimDue('docomo', T0 + 10, 10)).toHaveLength(5);
    const ended = [...ms.map((m, i) => [m.id, T0 + 1000 * (i + 1)] as const), [other.id, T0 + 1500] as const];
    await t.store.applyDispatch(ended.map(([id, at]) => ({ kind: 'final' as const, messageId: id, state: 'delivered' as const, at })));
    await sendCallbacks(T0 + 10_000);

    expect(await t.store.replayCallbacks({ tenant: 'default', since: T0 + 1000, until: T0 + 4000 }, T0 + 20_000, 2)).toBe(2);
    // The two that ended first (claims of equal due times come in either order).
    expect((await t.store.claimDueCallbacks(T0 + 20_000, 100)).map((j) => j.messageId).sort()).toEqual([ms[0]!.id, ms[1]!.id].sort());
    // The third in the range is what is left; until is exclusive; the other tenant is never touched.
    expect(await t.store.replayCallbacks({ tenant: 'default', since: T0 + 1000, until: T0 + 4000 }, T0 + 30_000, 100)).toBe(1);
    expect((await t.store.claimDueCallbacks(T0 + 30_000, 100)).map((j) => j.messageId)).toEqual([ms[2]!.id]);
  });
});
