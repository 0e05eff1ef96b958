// The heartbeat on fake time: beats every third of the lease, renews, and
// the bind shares of two nodes sharing one heartbeat table (an in-memory
// stand-in for the store's) through a join, a death and a clean leave,
// never holding more binds together than the carrier allows.
import { describe, expect, it } from 'vitest';
import type { CarrierLink } from '../../../../src/core/carrier/index.ts';
import { NodeShares } from '../../../../src/core/delivery/node-shares.ts';
import type { Carrier, Heartbeat, NodeIdentity, Store } from '../../../../src/core/store/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

const LEASE = 3000;

/** The nodes table: id -> lease expiry; takeOver says how many messages the next beat of anyone takes over. */
class Table {
  readonly leases = new Map<string, { startedAt: number; leaseUntil: number }>();
  takeOver = 0;
  beats: Array<[string, number]> = [];
  storeFor(node: NodeIdentity): Store {
    const heartbeat = (now: number): Promise<Heartbeat> => {
      this.beats.push([node.id, now]);
      const previous = this.leases.get(node.id);
      this.leases.set(node.id, { startedAt: previous?.startedAt ?? now, leaseUntil: now + node.leaseMs });
      const live = [...this.leases].filter(([, l]) => l.leaseUntil > now).map(([id, l]) => ({ id, ...l }));
      const takenOver = this.takeOver;
      this.takeOver = 0;
      return Promise.resolve({ live: live.sort((a, b) => (a.id < b.id ? -1 : 1)), takenOver, lapsed: previous !== undefined && previous.leaseUntil <= now });
    };
    return { heartbeat } as unknown as Store;
  }
}

/** A link that only counts binds (setBinds as CarrierLink does: clamped to the limit). */
function fakeLink(limit: number): CarrierLink & { count: number } {
  const link = {
    count: limit,
    bindLimit: limit,
    get bindCount() {
      return link.count;
    },
    setBinds(n: number) {
      link.count = Math.max(0, Math.min(limit, n));
    },
  };
  return link as unknown as CarrierLink & { count: number };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

function node(id: string, table: Table, clock: ManualClock, limit: number) {
  const identity = { id, leaseMs: LEASE };
  const link = fakeLink(limit);
  let wakes = 0;
  let changes = 0;
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
  const shares = new NodeShares({
    store: table.storeFor(identity),
    clock,
    node: identity,
    links: new Map<Carrier, CarrierLink>([['docomo', link]]),
    log,
    onTakenOver: () => wakes++,
    onChanged: () => changes++,
  });
  return { shares, link, wakes: () => wakes, changes: () => changes };
}

describe('NodeShares', () => {
  it('beats every third of the lease on the injected clock, so the lease never runs out while it runs', async () => {
    const clock = new ManualClock();
    const table = new Table();
    const a = node('a', table, clock, 2);
    await a.shares.begin();
    a.shares.start();
    for (let i = 0; i < 9; i++) {
      clock.advance(LEASE / 3);
      await flush();
    }
    expect(table.beats.map(([, at]) => at - table.beats[0]![1])).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    // Between two beats the lease always had 2/3 of its length left.
    expect(table.leases.get('a')!.leaseUntil).toBe(clock.now() + LEASE);
    a.shares.stop();
    clock.advance(10 * LEASE);
    await flush();
    expect(table.beats).toHaveLength(10);
  });

  it('a node alone holds every bind from its first beat', async () => {
    const clock = new ManualClock();
    const a = node('a', new Table(), clock, 4);
    await a.shares.begin();
    expect(a.link.count).toBe(4);
    expect(a.shares.view()).toEqual({ id: 'a', live: ['a'], binds: { docomo: { held: 4, share: 4, limit: 4 } } });
  });

  it('through a join and a death the two nodes never hold more than the limit together', async () => {
    const clock = new ManualClock();
    const table = new Table();
    const a = node('a', table, clock, 3);
    await a.shares.begin();
    a.shares.start();
    const sums: number[] = [];
    const step = async (ms: number, b?: ReturnType<typeof node>) => {
      for (let t = 0; t < ms; t += 250) {
        clock.advance(250);
        await flush();
        sums.push(a.link.count + (b?.link.count ?? 0));
      }
    };
    await step(1500);
    expect(a.link.count).toBe(3);
    // b joins half-way between a's beats: it starts with none.
    const b = node('b', table, clock, 3);
    await b.shares.begin();
    b.shares.start();
    expect(b.link.count).toBe(0);
    await step(3000, b);
    // a (the lower id) keeps the remainder: 2 + 1.
    expect([a.link.count, b.link.count]).toEqual([2, 1]);
    expect(a.shares.view().live).toEqual(['a', 'b']);
    expect(b.shares.view().binds.docomo).toEqual({ held: 1, share: 1, limit: 3 });
    // a dies (stops beating): b grows to the whole limit after a's lease, and only then.
    a.shares.stop();
    a.link.count = 0; // its process is gone, and its binds with it
    const diedAt = clock.now();
    let grewAt: number | undefined;
    for (let i = 0; i < 40 && grewAt === undefined; i++) {
      await step(250, b);
      if (b.link.count === 3) grewAt = clock.now();
    }
    expect(grewAt).toBeDefined();
    expect(grewAt! - diedAt).toBeGreaterThanOrEqual(LEASE - 1000);
    expect(grewAt! - diedAt).toBeLessThanOrEqual(LEASE + 2 * 1000);
    expect(Math.max(...sums)).toBeLessThanOrEqual(3);
  });

  it('wakes the queues when a beat took over a dead node\'s work', async () => {
    const clock = new ManualClock();
    const table = new Table();
    const a = node('a', table, clock, 1);
    await a.shares.begin();
    a.shares.start();
    table.takeOver = 12;
    clock.advance(1000);
    await flush();
    expect(a.wakes()).toBe(1);
    clock.advance(1000);
    await flush();
    expect(a.wakes()).toBe(1);
    a.shares.stop();
  });
});
