// Which carrier a message goes to: the number-lookup service's answer,
// remembered for a while; the prefix table when the service cannot answer.
//
//   routes(numbers) ─▶ cache hit? ─▶ { carrier, source: 'cache' }
//                       │ miss
//                       ▼
//        lookup known down? ──yes──▶ prefix table ('prefix', fallback 'down')
//                       │ no
//                       ▼
//   misses of this turn gathered into one request (≤ batchMax numbers) ─▶ NumberLookup
//        answered within timeoutMs ─▶ cached, { source: 'lookup' }
//        error / timeout            ─▶ prefix table, fallback counted; on an error or a
//                                      timeout the service is taken for down for downForMs
//
// The accept path waits for routes() at most timeoutMs (the timer settles
// the waiters whether or not the lookup honours its abort signal), so a
// slow or dead service costs an accept a bounded delay and never a refusal:
// a number routed by prefix to the wrong carrier is re-routed once when that
// carrier refuses it (ESME_RINVDSTADR, see fresh()).
import type { Clock } from '../../runtime/index.ts';
import { carrierForNumber, type Carrier, type RoutePrefix, type RouteSource } from '../message/index.ts';
import { LookupRefusedError, type NumberLookup } from './number-lookup.ts';
import { RouteCache } from './route-cache.ts';

export type { RouteSource };
export interface Route {
  readonly carrier: Carrier;
  readonly source: RouteSource;
}

/** Why a number went by prefix although a lookup service is configured. */
export type FallbackReason = 'error' | 'timeout' | 'down' | 'refused' | 'unknown_number';
export type LookupResult = 'ok' | 'error' | 'timeout' | 'refused';

export interface RouteMetrics {
  countRoutes(source: RouteSource, n: number): void;
  countFallbacks(reason: FallbackReason, n: number): void;
  observeLookup(result: LookupResult, seconds: number): void;
}

export interface CarrierRouterOptions {
  /** undefined: no lookup service, the prefix table alone. */
  readonly lookup: NumberLookup | undefined;
  readonly prefixes: readonly RoutePrefix[];
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly batchMax: number;
  readonly downForMs: number;
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
  readonly metrics?: RouteMetrics;
}

type Answer = { readonly ok: true; readonly carriers: ReadonlyMap<string, Carrier> } | { readonly ok: false; readonly reason: Exclude<FallbackReason, 'down' | 'unknown_number'> };

interface Batch {
  readonly numbers: Set<string>;
  readonly waiters: Array<(a: Answer) => void>;
}

export class CarrierRouter {
  readonly cache: RouteCache;
  private pending: Batch | undefined;
  private downUntil = -Infinity;

  constructor(private readonly o: CarrierRouterOptions) {
    this.cache = new RouteCache({ maxEntries: o.cacheMaxEntries, ttlMs: o.cacheTtlMs, clock: o.clock });
  }

  /** The prefix table's carrier (undefined: no route at all). */
  byPrefix(number: string): Carrier | undefined {
    return carrierForNumber(number, this.o.prefixes);
  }

  /**
   * A route for each canonical number; numbers with no route at all (no
   * answer and no prefix) are left out. Resolves within timeoutMs.
   */
  async routes(numbers: readonly string[]): Promise<Map<string, Route>> {
    const out = new Map<string, Route>();
    const misses: string[] = [];
    for (const n of new Set(numbers)) {
      const cached = this.o.lookup ? this.cache.get(n) : undefined;
      if (cached) out.set(n, { carrier: cached, source: 'cache' });
      else misses.push(n);
    }
    this.count('cache', out.size);
    if (misses.length === 0) return out;
    if (!this.o.lookup) {
      this.prefixRoutes(misses, out, undefined);
      return out;
    }
    if (this.o.clock.now() < this.downUntil) {
      this.prefixRoutes(misses, out, 'down');
      return out;
    }
    const chunks: string[][] = [];
    for (let i = 0; i < misses.length; i += this.o.batchMax) chunks.push(misses.slice(i, i + this.o.batchMax));
    const answers = await Promise.all(chunks.map((c) => this.ask(c)));
    chunks.forEach((chunk, i) => {
      const a = answers[i]!;
      if (!a.ok) {
        this.prefixRoutes(chunk, out, a.reason);
        return;
      }
      const unknown: string[] = [];
      for (const n of chunk) {
        const carrier = a.carriers.get(n);
        if (carrier) out.set(n, { carrier, source: 'lookup' });
        else unknown.push(n);
      }
      this.count('lookup', chunk.length - unknown.length);
      this.prefixRoutes(unknown, out, 'unknown_number');
    });
    return out;
  }

  /**
   * The serving carrier asked again, bypassing the cache (a carrier refused
   * the number as not its own): the entry is dropped first and the fresh
   * answer cached. undefined when the service cannot answer now.
   */
  async fresh(number: string): Promise<Carrier | undefined> {
    this.cache.delete(number);
    if (!this.o.lookup) return undefined;
    const a = await this.ask([number]);
    const carrier = a.ok ? a.carriers.get(number) : undefined;
    return carrier;
  }

  /** Remember an answer learnt elsewhere (another thread's fresh lookup). */
  learn(number: string, carrier: Carrier): void {
    if (this.o.lookup) this.cache.set(number, carrier);
  }

  private prefixRoutes(numbers: readonly string[], out: Map<string, Route>, fallback: FallbackReason | undefined): void {
    if (numbers.length === 0) return;
    let routed = 0;
    for (const n of numbers) {
      const carrier = this.byPrefix(n);
      if (!carrier) continue;
      out.set(n, { carrier, source: 'prefix' });
      routed++;
    }
    this.count('prefix', routed);
    if (fallback) this.o.metrics?.countFallbacks(fallback, numbers.length);
  }

  private count(source: RouteSource, n: number): void {
    if (n > 0) this.o.metrics?.countRoutes(source, n);
  }

  /** Join this turn's batch (one request for every miss of the turn), or start one. */
  private ask(numbers: readonly string[]): Promise<Answer> {
    return new Promise((resolve) => {
      let batch = this.pending;
      if (batch && batch.numbers.size + numbers.length > this.o.batchMax) {
        this.send(batch);
        batch = undefined;
      }
      if (!batch) {
        const fresh: Batch = { numbers: new Set(), waiters: [] };
        this.pending = batch = fresh;
        // Every accept parsed in this turn of the event loop joins before it leaves.
        setImmediate(() => {
          if (this.pending === fresh) this.send(fresh);
        });
      }
      for (const n of numbers) batch.numbers.add(n);
      batch.waiters.push(resolve);
    });
  }

  private send(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    const lookup = this.o.lookup!;
    const numbers = [...batch.numbers];
    const started = this.o.clock.now();
    const controller = new AbortController();
    let settled = false;
    const settle = (answer: Answer, result: LookupResult): void => {
      if (settled) return;
      settled = true;
      this.o.clock.clearTimeout(timer);
      this.o.metrics?.observeLookup(result, Math.max(0, this.o.clock.now() - started) / 1000);
      if (answer.ok) for (const [n, c] of answer.carriers) this.cache.set(n, c);
      else if (answer.reason !== 'refused') this.downUntil = this.o.clock.now() + this.o.downForMs;
      for (const w of batch.waiters) w(answer);
    };
    const timer = this.o.clock.setTimeout(() => {
      controller.abort();
      settle({ ok: false, reason: 'timeout' }, 'timeout');
    }, this.o.timeoutMs);
    lookup.lookup(numbers, controller.signal).then(
      (carriers) => settle({ ok: true, carriers }, 'ok'),
      (err: unknown) => (err instanceof LookupRefusedError ? settle({ ok: false, reason: 'refused' }, 'refused') : settle({ ok: false, reason: 'error' }, 'error')),
    );
  }
}
