import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForK6, envelopeEntry } from '../../../../src/harness/k6-binary/bundle.ts';
import { K6Error } from '../../../../src/harness/k6-binary/errors.ts';
import { REPO_ROOT } from '../../../../src/harness/k6-binary/binary.ts';

const PROBE = join(REPO_ROOT, 'src', 'probe', 'index.ts');

const SCENARIO = `
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
import { withProbe } from ${JSON.stringify(PROBE)};
import { greeting } from './lib/local.ts';

const sent = new Counter('sent');
export const options = { vus: 1, iterations: 1, thresholds: { checks: ['rate>0.9'], messages_lost: ['count==0'] } };
export function setup(): { n: number } { return { n: 1 }; }
export default async function (): Promise<void> {
  const text = withProbe(greeting(), { runId: 'AB12', seq: exec.scenario.iterationInTest, category: 'otp', sentAtMs: Date.now() });
  const res = await http.asyncRequest('POST', __ENV.URL ?? '', text);
  check(res, { ok: (r) => r.status === 202 });
  sent.add(1);
  sleep(0);
}
export async function other(): Promise<void> {}
export function handleSummary(data: unknown) { return { stdout: textSummary(data) }; }
`;

describe('bundleForK6', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-bundle-'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'lib')));
    await writeFile(join(dir, 'lib', 'local.ts'), `export const greeting = (): string => 'こんにちは' as string;\n`);
    await writeFile(join(dir, 'scenario.ts'), SCENARIO);
    await writeFile(join(dir, 'node.ts'), `import { readFileSync } from 'node:fs';\nexport default function () { readFileSync('x'); }\n`);
    await writeFile(join(dir, 'empty.ts'), `export const x = 1;\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps k6 modules and remote imports as imports', async () => {
    const result = await bundleForK6(join(dir, 'scenario.ts'), join(dir, 'out', 'scenario.js'));
    const text = await readFile(result.outFile, 'utf8');
    const imports = text.split('\n').filter((l) => l.startsWith('import '));
    expect(imports.map((l) => /from "([^"]+)"/.exec(l)?.[1]).sort()).toEqual(
      ['https://jslib.k6.io/k6-summary/0.0.2/index.js', 'k6', 'k6/execution', 'k6/http', 'k6/metrics'],
    );
  });

  it('inlines local code and the probe token, with types stripped', async () => {
    const result = await bundleForK6(join(dir, 'scenario.ts'), join(dir, 'out', 'scenario.js'));
    const text = await readFile(result.outFile, 'utf8');
    expect(text).toContain('function withProbe(');
    expect(text).toContain('こんにちは');
    expect(text).not.toMatch(/: Promise<void>/);
    expect(text).not.toContain('src/probe/index.ts"');
  });

  it('re-exports every export and wraps options and handleSummary', async () => {
    const result = await bundleForK6(join(dir, 'scenario.ts'), join(dir, 'out', 'scenario.js'));
    expect([...result.exports].sort()).toEqual(['default', 'handleSummary', 'options', 'other', 'setup']);
    const text = await readFile(result.outFile, 'utf8');
    expect(text).toMatch(/optionsForK6\(/);
    expect(text).toMatch(/summaryForK6\(data, handleSummary\w*, __ENV, options\w*\)/);
  });

  it('runs the bundled options through the envelope when evaluated', async () => {
    // Evaluate the bundle in Node with each k6 import replaced by a stub.
    const result = await bundleForK6(join(dir, 'scenario.ts'), join(dir, 'out', 'scenario.js'));
    const text = await readFile(result.outFile, 'utf8');
    const stubbed = text.replace(/^import (.*) from ".*";$/gm, (_all, what: string) => {
      const names = what.replace(/[{}]/g, '').split(',').map((n) => n.trim().split(/\s+as\s+/).pop() ?? '').filter(Boolean);
      return names.map((n) => `const ${n} = class { add() {} };`).join('\n');
    });
    const file = join(dir, 'out', 'evaluated.mjs');
    await writeFile(file, stubbed);
    const mod = (await import(file)) as { options: { thresholds: Record<string, unknown>; summaryTrendStats: string[] } };
    expect(Object.keys(mod.options.thresholds)).toEqual(['checks']);
    expect(mod.options.summaryTrendStats).toContain('p(99)');
  });

  it('refuses Node built-ins with a message naming them', async () => {
    const err = await bundleForK6(join(dir, 'node.ts'), join(dir, 'out', 'node.js')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(K6Error);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_BUNDLE');
    expect((err as K6Error).message).toContain('node:fs is a Node built-in');
  });

  it('refuses a file that is not a scenario', async () => {
    const err = await bundleForK6(join(dir, 'empty.ts'), join(dir, 'out', 'empty.js')).catch((e: unknown) => e);
    expect((err as K6Error).message).toContain('neither a default function nor options');
  });

  it('refuses a missing file', async () => {
    const err = await bundleForK6(join(dir, 'missing.ts'), join(dir, 'out', 'missing.js')).catch((e: unknown) => e);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_BUNDLE');
  });
});

describe('envelopeEntry', () => {
  it('re-exports by name, not with export * (which would drop default)', () => {
    const entry = envelopeEntry('/s.ts', ['default', 'otp', 'options'], '/env.ts');
    expect(entry).toContain('export { default, otp } from "/s.ts";');
    expect(entry).toContain('import { options as scenarioOptions } from "/s.ts";');
    expect(entry).toContain('summaryForK6(data, undefined, __ENV, scenarioOptions)');
    expect(entry).not.toContain('export *');
  });

  it('handles a scenario with no options', () => {
    const entry = envelopeEntry('/s.ts', ['default'], '/env.ts');
    expect(entry).toContain('optionsForK6(undefined)');
    expect(entry).not.toContain('scenarioOptions');
  });
});
