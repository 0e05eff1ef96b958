// The store on its worker thread: the same answers as in-thread, errors
// with their codes, closing that flushes, and a dead thread failing calls
// instead of leaving them hanging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateMessageIdError, openSqliteStore } from '../../../../src/core/store/index.ts';
import { openWorkerStore, RemoteStore, type WorkerStore } from '../../../../src/core/store-thread/index.ts';
import { deserializeError, ownBytes, serializeError } from '../../../../src/core/store-thread/rpc.ts';
import { newMessage } from '../store/fixtures.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
let dir: string;
let store: WorkerStore | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-wstore-'));
});

afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('WorkerStore', () => {
  it('inserts, claims with the octets intact, applies dispatch events and reads back, like the in-thread store', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const m = newMessage({ segments: 2 });
    expect(await store.insertMessages([m])).toEqual({ kind: 'inserted' });
    const [claimed] = await store.claimDue('docomo', T0, 10);
    expect(claimed?.id).toBe(m.id);
    expect(claimed?.parts.map((p) => [p.seq, Buffer.from(p.bytes).toString('hex')])).toEqual(
      m.parts.map((p, i) => [i + 1, Buffer.from(p.bytes).toString('hex')]),
    );
    const out = await store.applyDispatch([
      { kind: 'segment_submitted', messageId: m.id, seq: 1, smscId: 'x1', at: T0 + 1, receiptDueAt: T0 + 60_000 },
      { kind: 'segment_submitted', messageId: m.id, seq: 2, smscId: 'x2', at: T0 + 1, receiptDueAt: T0 + 60_000 },
      { kind: 'receipt', carrier: 'docomo', smscIds: ['x1'], outcome: 'delivered', at: T0 + 2 },
      { kind: 'receipt', carrier: 'docomo', smscIds: ['x2'], outcome: 'delivered', at: T0 + 3 },
      { kind: 'receipt', carrier: 'docomo', smscIds: ['nope'], outcome: 'delivered', at: T0 + 4 },
    ]);
    expect(out.finals.map((f) => [f.id, f.state])).toEqual([[m.id, 'delivered']]);
    expect(out.unmatched.map((u) => u.smscIds)).toEqual([['nope']]);
    const got = await store.getMessage(m.id);
    expect(got?.transitions.map((t) => t.state)).toEqual(['accepted', 'queued', 'submitted', 'delivered']);
    expect((await store.listMessages('default', { state: 'delivered' }, undefined, 10)).messages.map((r) => r.id)).toEqual([m.id]);
    expect(await store.pendingCallbackCount()).toBe(1);
  });

  it('serves the opt-out list: add (new ones counted), look up, page, remove, per tenant', async () => {
    store = await openWorkerStore({ dataDir: dir });
    expect(await store.addOptOuts('default', ['819012345678', '818051234567'], T0, 'api')).toBe(2);
    expect(await store.addOptOuts('default', ['819012345678'], T0 + 1, 'mo-keyword')).toBe(0);
    expect(await store.optedOut('default', ['819012345678', '817081234567'])).toEqual(['819012345678']);
    expect(await store.optedOut('other', ['819012345678'])).toEqual([]);
    expect(await store.listOptOuts('default', undefined, 1)).toEqual({ optOuts: [{ number: '818051234567', at: T0, source: 'api' }], nextCursor: '818051234567' });
    expect(await store.listOptOuts('default', '818051234567', 10)).toEqual({ optOuts: [{ number: '819012345678', at: T0, source: 'api' }], nextCursor: null });
    expect(await store.removeOptOuts('default', ['819012345678', '817081234567'])).toBe(1);
    expect(await store.optedOut('default', ['819012345678'])).toEqual([]);
  });

  it('a duplicate id fails alone with its store code; the others of the same turn commit', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const a = newMessage();
    await store.insertMessages([a]);
    const b = newMessage();
    const results = await Promise.allSettled([store.insertMessages([a]), store.insertMessages([b])]);
    expect(results[0]?.status).toBe('rejected');
    const reason = results[0]?.status === 'rejected' ? (results[0].reason as { code?: string; name?: string }) : undefined;
    expect(reason?.code).toBe('STORE_ERR_DUPLICATE_ID');
    expect(reason?.name).toBe('DuplicateMessageIdError');
    expect(results[1]?.status).toBe('fulfilled');
  });

  it('refuses to open where no database can be, with STORE_ERR_OPEN', async () => {
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    await expect(openWorkerStore({ dataDir: file })).rejects.toMatchObject({ code: 'STORE_ERR_OPEN' });
  });

  it('close flushes every write first; later calls get STORE_ERR_CLOSED; the data is there on reopen', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const ms = Array.from({ length: 20 }, () => newMessage());
    const writes = ms.map((m) => store!.insertMessages([m]));
    await store.close();
    await expect(Promise.all(writes)).resolves.toHaveLength(20);
    await expect(store.getMessage(ms[0]!.id)).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
    const again = openSqliteStore({ dataDir: dir });
    try {
      expect((await again.listMessages('default', {}, undefined, 100)).messages).toHaveLength(20);
    } finally {
      await again.close();
    }
  });

  it('a store thread that dies fails the calls waiting on it and every later one', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const worker = (store as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const waiting = store.listMessages('default', {}, undefined, 10);
    await worker.terminate();
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
    await expect(store.insertMessages([newMessage()])).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
  });
});

describe('WorkerStore.connect: the store from another thread', () => {
  it('a connected port calls the same store directly; its writes and the owner\'s share one database', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const other = RemoteStore.overPort(store.connect());
    const a = newMessage();
    const b = newMessage();
    await Promise.all([store.insertMessages([a]), other.insertMessages([b])]);
    // Each side sees the other's committed writes.
    expect((await other.getMessage(a.id))?.state).toBe('accepted');
    expect((await store.getMessage(b.id))?.state).toBe('accepted');
    const claimed = await other.claimDue('docomo', T0, 10);
    expect(claimed.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    await other.close();
    // Closing the port leaves the store open for its owner.
    expect((await store.getMessage(a.id))?.state).toBe('queued');
    await expect(other.getMessage(a.id)).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
  });

  it('when the store closes, the connected side\'s waiting and later calls fail with STORE_ERR_CLOSED instead of hanging', async () => {
    store = await openWorkerStore({ dataDir: dir });
    const other = RemoteStore.overPort(store.connect());
    expect(await other.insertMessages([newMessage()])).toEqual({ kind: 'inserted' });
    await store.close();
    await expect(other.listMessages('default', {}, undefined, 10)).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
  });
});

describe('store-rpc', () => {
  it('ownBytes copies a view into a shared buffer down to its own octets, and keeps an exact one as is', () => {
    const pooled = Buffer.from('hello');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const own = ownBytes(pooled);
    expect(own.buffer.byteLength).toBe(5);
    expect(Buffer.from(own).toString()).toBe('hello');
    const exact = new Uint8Array([1, 2, 3]);
    expect(ownBytes(exact)).toBe(exact);
  });

  it('errors cross with name, message and code; store codes stay store errors', () => {
    const dup = deserializeError(serializeError(new DuplicateMessageIdError('01ABC')));
    expect(dup).toMatchObject({ name: 'DuplicateMessageIdError', code: 'STORE_ERR_DUPLICATE_ID', message: 'message id 01ABC already exists' });
    const sqlite = deserializeError(serializeError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })));
    expect(sqlite).toMatchObject({ message: 'database is locked', code: 'SQLITE_BUSY' });
    expect(deserializeError(serializeError('plain')).message).toBe('plain');
  });
});
