// Serving carriers already looked up: an LRU bounded in entries
// (lru-cache), each entry kept for a TTL measured on the injected clock
// (lru-cache's own TTL reads performance.now(), which a ManualClock cannot
// move, so the expiry is ours).
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../runtime/index.ts';
import type { Carrier } from '../message/index.ts';

interface Entry {
  readonly carrier: Carrier;
  readonly expiresAt: number;
}

export class RouteCache {
  private readonly lru: LRUCache<string, Entry>;

  constructor(
    private readonly o: { readonly maxEntries: number; readonly ttlMs: number; readonly clock: Clock },
  ) {
    this.lru = new LRUCache<string, Entry>({ max: o.maxEntries });
  }

  /** The carrier remembered for a number, unless its entry has expired (then it is dropped). */
  get(number: string): Carrier | undefined {
    const e = this.lru.get(number);
    if (!e) return undefined;
    if (this.o.clock.now() >= e.expiresAt) {
      this.lru.delete(number);
      return undefined;
    }
    return e.carrier;
  }

  set(number: string, carrier: Carrier): void {
    this.lru.set(number, { carrier, expiresAt: this.o.clock.now() + this.o.ttlMs });
  }

  delete(number: string): void {
    this.lru.delete(number);
  }

  get size(): number {
    return this.lru.size;
  }
}
