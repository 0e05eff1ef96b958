import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { decideRetry, retryDelay, signBody, verifySignature } from '../../../../src/core/callback/index.ts';

const policy = { initialDelayMs: 1000, maxDelayMs: 60_000, maxAgeSeconds: 3600 };

describe('retryDelay', () => {
  it('doubles from the initial delay, with jitter in [cap/2, cap]', () => {
    const random = new SeededRandom(7);
    for (const [failures, cap] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [6, 32_000],
      [7, 60_000],
      [40, 60_000],
    ] as const) {
      for (let i = 0; i < 200; i++) {
        const d = retryDelay(failures, policy, random);
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('is reproducible from the seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const seqA = [1, 2, 3, 4].map((f) => retryDelay(f, policy, a));
    const seqB = [1, 2, 3, 4].map((f) => retryDelay(f, policy, b));
    expect(seqA).toEqual(seqB);
  });
});

describe('decideRetry', () => {
  it('retries while within the maximum age, then abandons', () => {
    const random = new SeededRandom(1);
    const created = 1_000_000;
    expect(decideRetry(created, created + 1000, 1, policy, random)).toMatchObject({ kind: 'retry' });
    const late = decideRetry(created, created + 3600 * 1000 - 10, 3, policy, random);
    expect(late).toMatchObject({ kind: 'abandon' });
    if (late.kind === 'abandon') expect(late.reason).toMatch(/3 attempts/);
  });
});

describe('signature', () => {
  it('is HMAC-SHA256 of the raw body, hex, prefixed sha256=', () => {
    const body = '{"id":"X","status":"delivered"}';
    const expected = createHmac('sha256', 'secret').update(body).digest('hex');
    expect(signBody('secret', body)).toBe(`sha256=${expected}`);
    expect(verifySignature('secret', body, `sha256=${expected}`)).toBe(true);
    expect(verifySignature('secret', body + ' ', `sha256=${expected}`)).toBe(false);
    expect(verifySignature('other', body, `sha256=${expected}`)).toBe(false);
    expect(verifySignature('secret', body, undefined)).toBe(false);
    expect(verifySignature('secret', body, 'sha256=00')).toBe(false);
  });
});
