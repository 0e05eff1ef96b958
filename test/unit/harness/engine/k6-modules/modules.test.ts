import { describe, expect, it } from 'vitest';
import { createCryptoModule, createEncodingModule } from '../../../../../src/harness/engine/k6-modules/encoding.ts';
import { expectedStatuses } from '../../../../../src/harness/engine/k6-modules/http.ts';
import { formatProgress, type ProgressSnapshot } from '../../../../../src/harness/engine/progress.ts';

type Fn = (...args: unknown[]) => unknown;

describe('k6/crypto', () => {
  const c = createCryptoModule() as Record<string, Fn>;
  it.each([
    ['md5', 'hello', 'hex', '5d41402abc4b2a76b9719d911017c592'],
    ['sha1', 'hello', 'hex', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
    ['sha256', 'hello', 'hex', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    ['sha256', 'hello', 'base64', 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ='],
  ])('%s(%j, %s)', (alg, input, enc, out) => {
    expect((c[alg] as Fn)(input, enc)).toBe(out);
  });

  it('hmac and createHMAC agree (RFC 4231 case 2)', () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect((c.hmac as Fn)('sha256', 'Jefe', 'what do ya want for nothing?', 'hex')).toBe(expected);
    const h = (c.createHMAC as Fn)('sha256', 'Jefe') as { update: Fn; digest: Fn };
    h.update('what do ya want ');
    h.update('for nothing?');
    expect(h.digest('hex')).toBe(expected);
  });

  it('randomBytes gives an ArrayBuffer; unknown algorithms are refused', () => {
    expect(((c.randomBytes as Fn)(16) as ArrayBuffer).byteLength).toBe(16);
    expect(() => (c.hmac as Fn)('sha3', 'k', 'd', 'hex')).toThrow('unknown hash algorithm');
  });
});

describe('k6/encoding', () => {
  const e = createEncodingModule() as Record<string, Fn>;
  it.each([
    ['std', 'ab?>', 'YWI/Pg=='],
    ['rawstd', 'ab?>', 'YWI/Pg'],
    ['url', 'ab?>', 'YWI_Pg=='],
    ['rawurl', 'ab?>', 'YWI_Pg'],
  ])('b64encode %s', (enc, input, out) => {
    expect((e.b64encode as Fn)(input, enc)).toBe(out);
    expect((e.b64decode as Fn)(out, enc, 's')).toBe(input);
  });

  it('b64decode without format gives an ArrayBuffer', () => {
    const b = (e.b64decode as Fn)('aGk=') as ArrayBuffer;
    expect(new TextDecoder().decode(b)).toBe('hi');
  });
});

describe('http.expectedStatuses', () => {
  it('matches numbers and ranges', () => {
    const f = expectedStatuses(200, { min: 300, max: 399 });
    expect([199, 200, 201, 300, 399, 400].map(f)).toEqual([false, true, false, true, true, false]);
    expect(() => expectedStatuses('200' as unknown as number)).toThrow('expectedStatuses');
  });
});

describe('formatProgress', () => {
  it('renders one line', () => {
    const p: ProgressSnapshot = {
      elapsedMs: 12_000,
      totalMs: 60_000,
      targetRate: 1000,
      achievedRate: 998,
      inFlight: 3,
      vus: 10,
      vusMax: 20,
      iterations: 11_980,
      droppedIterations: 0,
      httpReqs: 11_980,
      errors: 2,
      counters: {},
      scenarios: [],
    };
    expect(formatProgress(p)).toBe('12s/60s  rate 998/1000/s  in flight 3  vus 10/20  iters 11,980  dropped 0  errors 2');
  });
});
