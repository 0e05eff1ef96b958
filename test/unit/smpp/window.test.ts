import { describe, expect, it } from 'vitest';
import { RequestWindow, SmppSessionClosedError, SmppWindowFullError } from '../../../src/smpp/index.ts';

describe('RequestWindow', () => {
  it('hands out `size` slots, then queues callers in order', async () => {
    const w = new RequestWindow(2, 10);
    expect(w.tryAcquire()).toBe(true);
    expect(w.tryAcquire()).toBe(true);
    expect(w.tryAcquire()).toBe(false);
    const order: number[] = [];
    const a = w.acquire().then(() => order.push(1));
    const b = w.acquire().then(() => order.push(2));
    expect([w.outstanding, w.queued]).toEqual([2, 2]);
    w.release();
    w.release();
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    expect([w.outstanding, w.queued]).toEqual([2, 0]);
  });

  it('does not let a newcomer jump the queue', async () => {
    const w = new RequestWindow(1, 10);
    await w.acquire();
    const waiting = w.acquire();
    w.release(); // slot goes to the waiter
    expect(w.tryAcquire()).toBe(false);
    await waiting;
    expect(w.outstanding).toBe(1);
  });

  it('fails fast when the wait queue is full', async () => {
    const w = new RequestWindow(1, 1);
    await w.acquire();
    const queued = w.acquire();
    await expect(w.acquire()).rejects.toBeInstanceOf(SmppWindowFullError);
    w.release();
    await queued;
  });

  it('fails waiters and later callers on close', async () => {
    const w = new RequestWindow(1, 5);
    await w.acquire();
    const waiting = w.acquire();
    w.close();
    await expect(waiting).rejects.toBeInstanceOf(SmppSessionClosedError);
    await expect(w.acquire()).rejects.toBeInstanceOf(SmppSessionClosedError);
  });

  it('never goes below zero on extra releases', () => {
    const w = new RequestWindow(1, 0);
    w.release();
    expect(w.outstanding).toBe(0);
    expect(w.tryAcquire()).toBe(true);
  });

  it('refuses a size below 1', () => {
    expect(() => new RequestWindow(0, 1)).toThrow(RangeError);
  });
});
