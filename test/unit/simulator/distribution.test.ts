import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/runtime/index.ts';
import { distributionProblems, isZero, sampleDelay, type Distribution } from '../../../simulator/distribution.ts';

function samples(d: Distribution, n = 20_000, seed = 7): number[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, () => sampleDelay(d, r)).sort((a, b) => a - b);
}
const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('delay distributions', () => {
  it('constant always gives its value', () => {
    expect(new Set(samples({ kind: 'constant', ms: 12 }, 100))).toEqual(new Set([12]));
  });

  it('uniform stays within [min, max] and spreads across it', () => {
    const s = samples({ kind: 'uniform', min: 10, max: 20 });
    expect(s[0]).toBeGreaterThanOrEqual(10);
    expect(s[s.length - 1]).toBeLessThanOrEqual(20);
    expect(quantile(s, 0.5)).toBeCloseTo(15, 0);
  });

  it('normal has the given mean and standard deviation and never goes below 0', () => {
    const s = samples({ kind: 'normal', mean: 100, stddev: 10 });
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    expect(mean).toBeGreaterThan(99.5);
    expect(mean).toBeLessThan(100.5);
    expect(sd).toBeGreaterThan(9.7);
    expect(sd).toBeLessThan(10.3);
    expect(samples({ kind: 'normal', mean: 1, stddev: 10 }, 1000)[0]).toBe(0);
  });

  it.each([
    [5, 40],
    [300, 2000],
    [50, 50],
  ])('log-normal from p50=%d p99=%d reproduces both percentiles', (p50, p99) => {
    const s = samples({ kind: 'lognormal', p50, p99 }, 50_000);
    expect(quantile(s, 0.5) / p50).toBeGreaterThan(0.97);
    expect(quantile(s, 0.5) / p50).toBeLessThan(1.03);
    expect(quantile(s, 0.99) / p99).toBeGreaterThan(0.93);
    expect(quantile(s, 0.99) / p99).toBeLessThan(1.07);
  });

  it('is reproducible from the seed', () => {
    const d: Distribution = { kind: 'lognormal', p50: 10, p99: 100 };
    expect(samples(d, 50, 3)).toEqual(samples(d, 50, 3));
    expect(samples(d, 50, 3)).not.toEqual(samples(d, 50, 4));
  });

  it.each<[Distribution, string[]]>([
    [{ kind: 'uniform', min: 5, max: 4 }, ['max']],
    [{ kind: 'lognormal', p50: 10, p99: 5 }, ['p99']],
    [{ kind: 'lognormal', p50: 0, p99: 5 }, ['p50']],
    [{ kind: 'uniform', min: 1, max: 1 }, []],
    [{ kind: 'constant', ms: 0 }, []],
  ])('checks relations of %j', (d, keys) => {
    expect(distributionProblems(d).map((p) => p.key)).toEqual(keys);
  });

  it('knows which distributions are always zero', () => {
    expect(isZero({ kind: 'constant', ms: 0 })).toBe(true);
    expect(isZero({ kind: 'uniform', min: 0, max: 0 })).toBe(true);
    expect(isZero({ kind: 'constant', ms: 1 })).toBe(false);
    expect(isZero({ kind: 'lognormal', p50: 1, p99: 2 })).toBe(false);
  });
});
