// Several core nodes on one store: leases on in-flight claims, their renewal
// by the heartbeat, takeover of a dead node's work after its lease, start-up
// recovery of only this node's own work, receipts matched whichever node
// submitted, and callbacks claimed once. Two stores opened on one
// PostgreSQL database stand for two nodes; times are explicit (no clock).
import { describe, expect, it } from 'vitest';
import type { NodeIdentity, ServedStore } from '../../../../src/core/store/index.ts';
import { backendAvailable, describeEachBackend, useBackend } from './backends.ts';
import { newMessage } from './fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const LEASE = 15_000;
const A: NodeIdentity = { id: 'node-a', leaseMs: LEASE };
const B: NodeIdentity = { id: 'node-b', leaseMs: LEASE };

describeEachBackend('store heartbeat', (t) => {
  it('a node alone sees itself live and takes nothing over', async () => {
    const beat = await t.store.heartbeat(T0);
    expect(beat.live).toHaveLength(1);
    expect(beat.live[0]?.leaseUntil).toBeGreaterThan(T0);
    expect(beat.takenOver).toBe(0);
    expect(beat.lapsed).toBe(false);
  });
});

describe.runIf(backendAvailable('postgres', 'two nodes on one PostgreSQL database'))('two nodes on one PostgreSQL database', () => {
  const backend = useBackend('postgres');
  const both = async <T>(body: (a: ServedStore, b: ServedStore) => Promise<T>): Promise<T> => {
    const a = await backend.open(A);
    const b = await backend.open(B);
    try {
      return await body(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  };

  it('lists the live nodes in id order; a node that stops beating drops out after its lease, one that closes at once', () =>
    both(async (a, b) => {
      await a.heartbeat(T0);
      expect((await b.heartbeat(T0 + 1)).live.map((n) => n.id)).toEqual(['node-a', 'node-b']);
      // a beats no more: live until T0 + LEASE, gone after.
      expect((await b.heartbeat(T0 + LEASE - 1)).live.map((n) => n.id)).toEqual(['node-a', 'node-b']);
      expect((await b.heartbeat(T0 + LEASE)).live.map((n) => n.id)).toEqual(['node-b']);
      await a.heartbeat(T0 + LEASE + 1);
      expect((await b.heartbeat(T0 + LEASE + 2)).live.map((n) => n.id)).toEqual(['node-a', 'node-b']);
      await a.close();
      expect((await b.heartbeat(T0 + LEASE + 3)).live.map((n) => n.id)).toEqual(['node-b']);
    }));

  it('claims never overlap, and each claim carries its node and lease', () =>
    both(async (a, b) => {
      const messages = Array.from({ length: 60 }, (_, i) => newMessage({ at: T0 - 1000 + i }));
      await a.insertMessages(messages);
      const rounds = await Promise.all([a.claimDue('docomo', T0, 25), b.claimDue('docomo', T0, 25), a.claimDue('docomo', T0, 25), b.claimDue('docomo', T0, 25)]);
      const ids = rounds.flat().map((m) => m.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      const rows = await backend.query<{ claimed_by: string; lease_until: number }>(`SELECT claimed_by, lease_until FROM messages WHERE state = 'queued'`);
      expect(rows).toHaveLength(60);
      expect(new Set(rows.map((r) => r.claimed_by))).toEqual(new Set(['node-a', 'node-b']));
      expect(rows.every((r) => Number(r.lease_until) === T0 + LEASE)).toBe(true);
    }));

  it('a live node keeps its in-flight work: the heartbeat renews the lease, nobody takes it', () =>
    both(async (a, b) => {
      const m = newMessage({ at: T0 });
      await a.insertMessages([m]);
      await a.heartbeat(T0);
      expect(await a.claimDue('docomo', T0, 10)).toHaveLength(1);
      // a beats every third of the lease; b looks well past the first lease.
      for (let at = T0 + 5000; at <= T0 + 3 * LEASE; at += 5000) {
        await a.heartbeat(at);
        expect((await b.heartbeat(at + 1)).takenOver).toBe(0);
      }
      expect(await b.recoverInFlight(T0 + 3 * LEASE + 2)).toBe(0);
      expect((await a.getMessage(m.id))?.state).toBe('queued');
      const [row] = await backend.query<{ lease_until: number }>(`SELECT lease_until FROM messages WHERE id = $1`, [m.id]);
      expect(Number(row?.lease_until)).toBe(T0 + 3 * LEASE + LEASE);
    }));

  it('takes over a dead node\'s in-flight work after its lease, resending only the unanswered segments', () =>
    both(async (a, b) => {
      const m = newMessage({ at: T0, segments: 2 });
      await a.insertMessages([m]);
      await a.heartbeat(T0);
      await a.claimDue('docomo', T0, 10);
      await a.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'x1', at: T0 + 10, receiptDueAt: T0 + 60_000 }]);
      // a dies here (no more beats, no close).
      expect((await b.heartbeat(T0 + LEASE - 1)).takenOver).toBe(0);
      expect(await b.claimDue('docomo', T0 + LEASE - 1, 10)).toEqual([]);
      const beat = await b.heartbeat(T0 + LEASE);
      expect(beat.takenOver).toBe(1);
      expect(beat.live.map((n) => n.id)).toEqual(['node-b']);
      const detail = await b.getMessage(m.id);
      expect(detail?.state).toBe('accepted');
      expect(detail?.transitions.at(-1)?.detail).toMatch(/taken over from node node-a after its lease expired/);
      const [again] = await b.claimDue('docomo', T0 + LEASE, 10);
      expect(again?.parts.map((p) => p.seq)).toEqual([2]);
      const [row] = await backend.query<{ claimed_by: string }>(`SELECT claimed_by FROM messages WHERE id = $1`, [m.id]);
      expect(row?.claimed_by).toBe('node-b');
    }));

  it('at start a node takes back its own previous incarnation\'s work and expired claims, not a live node\'s', async () => {
    const mine = newMessage({ at: T0 });
    const theirs = newMessage({ at: T0 });
    const a = await backend.open(A);
    const b = await backend.open(B);
    await a.insertMessages([mine, theirs]);
    await a.claimDue('docomo', T0, 1);
    await b.claimDue('docomo', T0, 1);
    const claimedBy = async (id: string): Promise<string | null> =>
      (await backend.query<{ claimed_by: string | null }>(`SELECT claimed_by FROM messages WHERE id = $1`, [id]))[0]?.claimed_by ?? null;
    const aOwns = (await claimedBy(mine.id)) === 'node-a' ? mine : theirs;
    const bOwns = aOwns === mine ? theirs : mine;
    // a crashes and comes back with the same id, while b is alive and its lease good.
    await a.close();
    const again = await backend.open(A);
    try {
      expect(await again.recoverInFlight(T0 + 1)).toBe(1);
      expect((await again.getMessage(aOwns.id))?.state).toBe('accepted');
      expect((await again.getMessage(bOwns.id))?.state).toBe('queued');
      // Past b's lease (b stopped beating), a restart takes b's too.
      expect(await again.recoverInFlight(T0 + LEASE)).toBe(1);
      expect((await again.getMessage(bOwns.id))?.state).toBe('accepted');
    } finally {
      await Promise.all([again.close(), b.close()]);
    }
  });

  it('says when a node\'s own lease had lapsed before it beat again', () =>
    both(async (a) => {
      expect((await a.heartbeat(T0)).lapsed).toBe(false);
      expect((await a.heartbeat(T0 + LEASE - 1)).lapsed).toBe(false);
      expect((await a.heartbeat(T0 + 2 * LEASE)).lapsed).toBe(true);
    }));

  it('matches a receipt on the node that did not submit the message (through the store)', () =>
    both(async (a, b) => {
      const m = newMessage({ at: T0 });
      await a.insertMessages([m]);
      await a.claimDue('docomo', T0, 10);
      await a.applyDispatch([{ kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'abc123', at: T0 + 5, receiptDueAt: T0 + 60_000 }]);
      const out = await b.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['abc123'], outcome: 'delivered', at: T0 + 900 }]);
      expect(out.unmatched).toEqual([]);
      expect(out.finals.map((f) => [f.id, f.state, f.callback])).toEqual([[m.id, 'delivered', true]]);
      expect((await a.getMessage(m.id))?.state).toBe('delivered');
      // The same receipt again (the SMSC resent it to a's bind) changes nothing and writes no second callback.
      const dup = await a.applyDispatch([{ kind: 'receipt', carrier: 'docomo', smscIds: ['abc123'], outcome: 'delivered', at: T0 + 950 }]);
      expect(dup.finals).toEqual([]);
      expect(await backend.count('callbacks')).toBe(1);
    }));

  it('claims each callback once while both nodes live; a dead node\'s claimed callback is due again after its lease', () =>
    both(async (a, b) => {
      const messages = Array.from({ length: 40 }, (_, i) => newMessage({ at: T0 + i }));
      await a.insertMessages(messages);
      for (const m of messages) await a.cancelMessage('default', m.id, T0 + 100);
      const cbLease = 31_000;
      const claims = await Promise.all([
        a.claimDueCallbacks(T0 + 200, 15, cbLease),
        b.claimDueCallbacks(T0 + 200, 15, cbLease),
        a.claimDueCallbacks(T0 + 200, 15, cbLease),
        b.claimDueCallbacks(T0 + 200, 15, cbLease),
      ]);
      const jobs = claims.flat();
      expect(jobs).toHaveLength(40);
      expect(new Set(jobs.map((j) => j.id)).size).toBe(40);
      // While the claims are leased (being POSTed), neither node sees them due.
      expect(await b.claimDueCallbacks(T0 + 200 + cbLease - 1, 100, cbLease)).toEqual([]);
      // The node holding them died without settling: after the lease they are due again, once.
      const retaken = await Promise.all([a.claimDueCallbacks(T0 + 200 + cbLease, 100, cbLease), b.claimDueCallbacks(T0 + 200 + cbLease, 100, cbLease)]);
      expect(retaken.flat()).toHaveLength(40);
      expect(new Set(retaken.flat().map((j) => j.id)).size).toBe(40);
    }));
});
