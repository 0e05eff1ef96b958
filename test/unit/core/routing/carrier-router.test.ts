// The router's rules without a socket: a NumberLookup written here counts
// its calls and answers (or not) when the test says, time is a ManualClock.
import { describe, expect, it } from 'vitest';
import { defaultRoutingTable, type Carrier } from '../../../../src/core/message/index.ts';
import { CarrierRouter, carriersOf, LookupUnavailableError, type NumberLookup, type RouteMetrics } from '../../../../src/core/routing/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

class ScriptedLookup implements NumberLookup {
  readonly calls: string[][] = [];
  answer: (numbers: readonly string[]) => Promise<ReadonlyMap<string, Carrier>> = async (numbers) => new Map(numbers.map((n) => [n, 'softbank' as Carrier]));
  lookup(numbers: readonly string[]): Promise<ReadonlyMap<string, Carrier>> {
    this.calls.push([...numbers]);
    return this.answer(numbers);
  }
}

class Tally implements RouteMetrics {
  readonly counts = new Map<string, number>();
  private add(key: string, n: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  countRoutes(source: string, n: number): void {
    this.add(`route:${source}`, n);
  }
  countFallbacks(reason: string, n: number): void {
    this.add(`fallback:${reason}`, n);
  }
  observeLookup(result: string): void {
    this.add(`lookup:${result}`, 1);
  }
}

function router(lookup: NumberLookup | undefined, over: Partial<ConstructorParameters<typeof CarrierRouter>[0]> = {}) {
  const clock = new ManualClock();
  const metrics = new Tally();
  const r = new CarrierRouter({ lookup, prefixes: defaultRoutingTable(), clock, timeoutMs: 100, batchMax: 1000, downForMs: 1000, cacheTtlMs: 60_000, cacheMaxEntries: 100, metrics, ...over });
  return { r, clock, metrics };
}

const docomo = (i: number): string => `81901${String(i).padStart(7, '0')}`;

describe('CarrierRouter', () => {
  it('joins the misses of concurrent callers in one turn into one request', async () => {
    const lookup = new ScriptedLookup();
    const { r, metrics } = router(lookup);
    const answers = await Promise.all([r.routes([docomo(1)]), r.routes([docomo(2), docomo(3)]), r.routes([docomo(1)])]);
    expect(lookup.calls).toEqual([[docomo(1), docomo(2), docomo(3)]]);
    expect(answers.map((a) => [...a.values()].map((x) => x.source))).toEqual([['lookup'], ['lookup', 'lookup'], ['lookup']]);
    expect(metrics.counts.get('lookup:ok')).toBe(1);
  });

  it('splits more misses than batchMax into several requests', async () => {
    const lookup = new ScriptedLookup();
    const { r } = router(lookup, { batchMax: 2 });
    const out = await r.routes([docomo(1), docomo(2), docomo(3), docomo(4), docomo(5)]);
    expect(lookup.calls.map((c) => c.length)).toEqual([2, 2, 1]);
    expect([...out.values()].every((x) => x.carrier === 'softbank')).toBe(true);
  });

  it('answers at timeoutMs by prefix even when the lookup never settles, and takes it for down', async () => {
    const lookup = new ScriptedLookup();
    lookup.answer = () => new Promise(() => {});
    const { r, clock, metrics } = router(lookup);
    const pending = r.routes([docomo(1)]);
    await new Promise((res) => setImmediate(res)); // the batch leaves
    clock.advance(99);
    let done = false;
    void pending.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    expect((await pending).get(docomo(1))).toEqual({ carrier: 'docomo', source: 'prefix' });
    expect(metrics.counts.get('fallback:timeout')).toBe(1);
    expect((await r.routes([docomo(2)])).get(docomo(2))?.source).toBe('prefix');
    expect(metrics.counts.get('fallback:down')).toBe(1);
    expect(lookup.calls).toHaveLength(1);
  });

  it('routes numbers the answer leaves out by prefix, counted as unknown_number', async () => {
    const lookup = new ScriptedLookup();
    lookup.answer = async (numbers) => new Map([[numbers[0]!, 'au' as Carrier]]);
    const { r, metrics } = router(lookup);
    const out = await r.routes([docomo(1), docomo(2)]);
    expect(out.get(docomo(1))).toEqual({ carrier: 'au', source: 'lookup' });
    expect(out.get(docomo(2))).toEqual({ carrier: 'docomo', source: 'prefix' });
    expect(metrics.counts.get('fallback:unknown_number')).toBe(1);
  });

  it('with no lookup configured: the prefix table, no cache, no fallback counted', async () => {
    const { r, metrics } = router(undefined);
    await r.routes([docomo(1)]);
    r.learn(docomo(1), 'au');
    expect((await r.routes([docomo(1)])).get(docomo(1))).toEqual({ carrier: 'docomo', source: 'prefix' });
    expect(r.cache.size).toBe(0);
    expect([...metrics.counts.keys()].filter((k) => k.startsWith('fallback'))).toEqual([]);
    expect(await r.fresh(docomo(1))).toBeUndefined();
  });

  it('fresh() asks again past a cached answer and caches the new one; undefined when the lookup fails', async () => {
    const lookup = new ScriptedLookup();
    const { r } = router(lookup);
    r.learn(docomo(1), 'au');
    expect((await r.routes([docomo(1)])).get(docomo(1))).toEqual({ carrier: 'au', source: 'cache' });
    expect(await r.fresh(docomo(1))).toBe('softbank');
    expect((await r.routes([docomo(1)])).get(docomo(1))).toEqual({ carrier: 'softbank', source: 'cache' });
    lookup.answer = async () => {
      throw new LookupUnavailableError('down');
    };
    expect(await r.fresh(docomo(2))).toBeUndefined();
    expect(lookup.calls).toHaveLength(2);
  });
});

describe('carriersOf (the lookup API answer)', () => {
  it('keeps each number with a known carrier and leaves out the rest', () => {
    const body = JSON.stringify({ results: [{ number: '819012345678', carrier: 'au' }, { number: '819012345679', carrier: 'rakuten' }, { number: 5, carrier: 'au' }, null] });
    expect([...carriersOf(body)]).toEqual([['819012345678', 'au']]);
  });

  it.each([['not json'], ['{}'], ['{"results": 3}']])('refuses %s as an unavailable service', (text) => {
    expect(() => carriersOf(text)).toThrow(LookupUnavailableError);
  });
});
