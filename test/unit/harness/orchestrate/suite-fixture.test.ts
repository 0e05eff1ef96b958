import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSuite } from '../../../../src/harness/orchestrate/suite.ts';
import { buildFixture, candidateNumbers, type Recipient } from '../../../../scenarios/lib/fixture.ts';
import { decodeProbe, withProbe } from '../../../../src/probe/index.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';

describe('release suite file', () => {
  it('lists existing scenarios', () => {
    const path = resolve('scenarios/suite.json');
    const suite = parseSuite(JSON.parse(readFileSync(path, 'utf8')), path);
    expect(suite.scenarios.length).toBeGreaterThanOrEqual(5);
    for (const s of suite.scenarios) expect(() => readFileSync(s)).not.toThrow();
    expect(suite.scenarios.some((s) => s.endsWith('broken-otp-blackhole.ts'))).toBe(false);
  });

  it.each([
    [{}, 'scenarios must be a non-empty array'],
    [{ scenarios: [] }, 'scenarios must be a non-empty array'],
    [{ scenarios: ['a.ts', 3] }, 'scenarios[1] must be a file name'],
  ])('rejects %j naming the key', (data, message) => {
    expect(() => parseSuite(data, 'suite.json')).toThrow(RunFailure);
    expect(() => parseSuite(data, 'suite.json')).toThrow(message);
  });
});

describe('traffic fixture', () => {
  const numbers = candidateNumbers(7, 300);
  const recipients: Recipient[] = numbers.map((to, i) => ({ to, number: `81${to.replace(/^\+81|^0/, '')}`, carrier: (['docomo', 'au', 'softbank'] as const)[i % 3] as Recipient['carrier'], fate: i % 10 === 0 ? 'unreachable' : 'deliverable' }));

  it('draws distinct Japanese mobile numbers in both written forms', () => {
    expect(new Set(numbers).size).toBe(300);
    for (const n of numbers) {
      expect(n).toMatch(/^(0[6789]0\d{8}|\+81[6789]0\d{8})$/);
      expect(n).not.toMatch(/^(0800|\+81800)/);
    }
    expect(numbers.some((n) => n.startsWith('+81'))).toBe(true);
    expect(numbers.some((n) => n.startsWith('0'))).toBe(true);
    expect(candidateNumbers(7, 300)).toEqual(numbers);
  });

  it('is reproducible from the seed and carries each recipient\'s fate', () => {
    const a = buildFixture({ runId: 'AB12', seed: 42, recipients, poolSize: 200 });
    const b = buildFixture({ runId: 'AB12', seed: 42, recipients, poolSize: 200 });
    expect(a).toEqual(b);
    expect(buildFixture({ runId: 'AB12', seed: 43, recipients, poolSize: 200 })).not.toEqual(a);
    const byTo = new Map(recipients.map((r) => [r.to, r]));
    for (const m of a.messages.otp) expect(m.deliverable).toBe(byTo.get(m.to)?.fate === 'deliverable');
  });

  it('writes realistic Japanese texts of realistic lengths, long promotions included', () => {
    const f = buildFixture({ runId: 'AB12', seed: 1, recipients, poolSize: 300 });
    const otp = f.messages.otp.map((m) => m.text);
    expect(otp.some((t) => /認証コードは\d{4,8}です。\d+分以内に入力してください。/.test(t))).toBe(true);
    for (const t of otp) expect(t.length).toBeLessThanOrEqual(140);
    const dunning = f.messages.dunning.map((m) => m.text);
    expect(dunning.every((t) => t.length >= 70)).toBe(true);
    const promo = f.messages.promotion.map((m) => m.text.length);
    expect(Math.max(...promo)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...promo)).toBeLessThanOrEqual(670 - 24);
    for (const t of f.messages.promotion.map((m) => m.text)) expect(t).toContain('配信停止');
  });

  it('texts keep an intact probe token once appended', () => {
    const f = buildFixture({ runId: 'AB12', seed: 3, recipients, poolSize: 50 });
    for (const m of [...f.messages.otp, ...f.messages.promotion]) {
      const sent = withProbe(m.text, { runId: 'AB12', seq: 12, category: 'otp', sentAtMs: 1_760_000_000_000 });
      expect(decodeProbe(sent, 1_760_000_000_000)?.intact).toBe(true);
    }
  });
});
