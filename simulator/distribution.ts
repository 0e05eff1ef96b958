// Delay distributions (milliseconds) and their sampling from an injected
// Random. Log-normal is given the way operators describe latency, by its
// median and 99th percentile:
//
//   X = exp(mu + sigma * Z),  mu = ln(p50),  sigma = (ln(p99) - ln(p50)) / z99
//
// where z99 = 2.3263478740408408 is the standard normal's 99th percentile.
import { Type, type Static } from '@sinclair/typebox';
import type { Random } from '../src/runtime/index.ts';

export const Z99 = 2.3263478740408408;

const ms = (description: string) => Type.Number({ minimum: 0, maximum: 86_400_000 * 30, description });

export const ConstantDistribution = Type.Object({ kind: Type.Literal('constant'), ms: ms('the fixed delay') }, { additionalProperties: false });
export const UniformDistribution = Type.Object(
  { kind: Type.Literal('uniform'), min: ms('lower bound'), max: ms('upper bound (>= min)') },
  { additionalProperties: false },
);
export const NormalDistribution = Type.Object(
  { kind: Type.Literal('normal'), mean: ms('mean'), stddev: ms('standard deviation; samples below 0 become 0') },
  { additionalProperties: false },
);
export const LogNormalDistribution = Type.Object(
  { kind: Type.Literal('lognormal'), p50: ms('median (> 0)'), p99: ms('99th percentile (>= p50)') },
  { additionalProperties: false },
);
export const Distribution = Type.Union([ConstantDistribution, UniformDistribution, NormalDistribution, LogNormalDistribution]);
export type Distribution = Static<typeof Distribution>;

/** Checks the relations a schema cannot express; returns problems keyed relative to the distribution. */
export function distributionProblems(d: Distribution): { key: string; message: string }[] {
  switch (d.kind) {
    case 'uniform':
      return d.max < d.min ? [{ key: 'max', message: 'must be >= min' }] : [];
    case 'lognormal': {
      const out: { key: string; message: string }[] = [];
      if (d.p50 <= 0) out.push({ key: 'p50', message: 'must be > 0' });
      if (d.p99 < d.p50) out.push({ key: 'p99', message: 'must be >= p50' });
      return out;
    }
    default:
      return [];
  }
}

/** One delay in ms, never negative. Uses exactly one or two draws from `random` per call. */
export function sampleDelay(d: Distribution, random: Random): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'uniform':
      return d.min + (d.max - d.min) * random.next();
    case 'normal':
      return Math.max(0, d.mean + d.stddev * random.normal());
    case 'lognormal': {
      const mu = Math.log(d.p50);
      const sigma = (Math.log(d.p99) - mu) / Z99;
      return Math.exp(mu + sigma * random.normal());
    }
  }
}

/** Whether the distribution always yields 0 (lets callers skip a timer entirely). */
export function isZero(d: Distribution): boolean {
  return (d.kind === 'constant' && d.ms === 0) || (d.kind === 'uniform' && d.max === 0) || (d.kind === 'normal' && d.mean === 0 && d.stddev === 0);
}

export const constant = (value: number): Distribution => ({ kind: 'constant', ms: value });
