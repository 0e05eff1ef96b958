// The rule that decides whether bin/denpa.js rebuilds dist/ before a run,
// and the entry list the harness relies on.
import { describe, expect, it } from 'vitest';
import { bundleIsStale, ENTRY_POINTS } from '../../../scripts/build.js';

describe('bundleIsStale', () => {
  it('rebuilds when there is no complete build', () => {
    expect(bundleIsStale([1_000], undefined)).toBe(true);
    expect(bundleIsStale([], undefined)).toBe(true);
  });

  it('keeps a build that started after every source was last modified', () => {
    expect(bundleIsStale([1_000, 2_000, 2_999], 3_000)).toBe(false);
    expect(bundleIsStale([], 3_000)).toBe(false);
  });

  it('rebuilds when any one source is newer than the build', () => {
    expect(bundleIsStale([1_000, 3_001, 2_000], 3_000)).toBe(true);
  });

  it('keeps a build whose start equals the newest mtime (that file was read by it)', () => {
    expect(bundleIsStale([3_000], 3_000)).toBe(false);
  });

  it('reads the mtimes lazily and stops at the first newer one', () => {
    let read = 0;
    function* mtimes(): Generator<number> {
      for (const m of [1, 5, 2, 3]) {
        read++;
        yield m;
      }
    }
    expect(bundleIsStale(mtimes(), 4)).toBe(true);
    expect(read).toBe(2);
  });
});

describe('ENTRY_POINTS', () => {
  it('names each bundle once and builds the CLI and the harness service host', () => {
    const names = ENTRY_POINTS.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ENTRY_POINTS.find((e) => e.name === 'denpa')).toMatchObject({ source: 'src/cli.ts' });
    expect(ENTRY_POINTS.find((e) => e.name === 'service-host')).toMatchObject({ source: 'src/harness/orchestrate/service-host.ts' });
    expect(ENTRY_POINTS.find((e) => e.name === 'service-host')?.optional).toBeUndefined();
    // worker-store.ts loads it as ./store-worker.js beside its own chunk.
    expect(ENTRY_POINTS.find((e) => e.name === 'store-worker')).toMatchObject({ source: 'src/core/store-thread/store-worker.ts' });
  });
});
