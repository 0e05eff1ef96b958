import { describe, expect, it } from 'vitest';
import type { SmppServerSession } from '../../../src/smpp/index.ts';
import { ReceiptOutbox } from '../../../simulator/receipt-outbox.ts';

/** A stand-in session: records deliver_sm and lets the test answer them. */
function fakeSession() {
  const pending: ((status: number) => void)[] = [];
  const fail: ((err: Error) => void)[] = [];
  const session = {
    state: { state: 'bound' },
    sendDeliver: (fields: { short_message: string }) => {
      sent.push(fields.short_message);
      return new Promise((resolve, reject) => {
        pending.push((status) => resolve({ commandStatus: status, attempts: 1 }));
        fail.push(reject);
      });
    },
  };
  const sent: string[] = [];
  return { session: session as unknown as SmppServerSession, sent, pending, fail };
}

function outbox(held = { value: false }) {
  const settled: [number, number | undefined][] = [];
  const box = new ReceiptOutbox<number>({
    perSessionInFlight: 2,
    highWater: 4,
    maxQueued: 100,
    maxRequeues: 1,
    build: (n) => ({ short_message: String(n) }) as never,
    onSent: () => {},
    onSettled: (n, status) => settled.push([n, status]),
    retry: () => ({ maxAttempts: 1, delayMs: 1 }),
    held: () => held.value,
    onRetry: () => {},
    onDropped: () => {},
  });
  return { box, settled };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('receipt outbox', () => {
  it('keeps receipts until a receiver binds, then sends within the per-session cap', async () => {
    const { box } = outbox();
    for (let i = 1; i <= 5; i++) box.enqueue('denpa', i);
    expect(box.size).toBe(5);
    const s = fakeSession();
    box.addReceiver('denpa', s.session);
    expect(s.sent).toEqual(['1', '2']);
    s.pending.shift()?.(0);
    await flush();
    expect(s.sent).toEqual(['1', '2', '3']);
  });

  it('round-robins across receivers of the same system_id only', () => {
    const { box } = outbox();
    const a = fakeSession();
    const b = fakeSession();
    const other = fakeSession();
    box.addReceiver('denpa', a.session);
    box.addReceiver('denpa', b.session);
    box.addReceiver('else', other.session);
    for (let i = 1; i <= 4; i++) box.enqueue('denpa', i);
    expect([...a.sent, ...b.sent].sort()).toEqual(['1', '2', '3', '4']);
    expect(a.sent.length).toBe(2);
    expect(other.sent).toEqual([]);
  });

  it('requeues a receipt whose session died', async () => {
    const { box } = outbox();
    const a = fakeSession();
    box.addReceiver('denpa', a.session);
    box.enqueue('denpa', 1);
    box.removeReceiver('denpa', a.session);
    a.fail.shift()?.(Object.assign(new Error('closed'), { code: 'SMPP_ERR_SESSION_CLOSED' }));
    await flush();
    expect(box.size).toBe(1);
    const b = fakeSession();
    box.addReceiver('denpa', b.session);
    expect(b.sent).toEqual(['1']);
  });

  it('holds while held() and releases in a burst on pump()', () => {
    const held = { value: true };
    const { box } = outbox(held);
    const a = fakeSession();
    box.addReceiver('denpa', a.session);
    box.enqueue('denpa', 1);
    expect(a.sent).toEqual([]);
    held.value = false;
    box.pump();
    expect(a.sent).toEqual(['1']);
  });

  it('flow control: whenRoom waits above the high-water mark until the backlog halves', async () => {
    const { box } = outbox();
    const a = fakeSession();
    box.addReceiver('denpa', a.session);
    for (let i = 1; i <= 7; i++) box.enqueue('denpa', i); // 2 in flight, 5 queued
    const room = box.whenRoom('denpa');
    expect(room).toBeInstanceOf(Promise);
    let released = false;
    void room?.then(() => (released = true));
    // Each answer lets one more out: 5 -> 4 -> 3 -> 2 queued; room comes at <= 2.
    for (let k = 0; k < 2; k++) {
      a.pending.shift()?.(0);
      await flush();
    }
    expect(released).toBe(false);
    a.pending.shift()?.(0);
    await flush();
    expect(released).toBe(true);
    expect(box.whenRoom('denpa')).toBeUndefined();
  });

  it('never makes callers wait when nobody can drain', () => {
    const { box } = outbox();
    for (let i = 1; i <= 10; i++) box.enqueue('denpa', i);
    expect(box.whenRoom('denpa')).toBeUndefined();
  });
});
