// Every threshold a release-suite scenario carries is a limit a bad build can
// break: none that holds whatever the run does (`count>=0`), which would only
// pad the sheet's "N/N thresholds held". The scenarios are bundled as the
// engines bundle them, with k6's modules replaced by inert stand-ins, and
// their exported `options.thresholds` are read.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cannotFail, parseThresholdExpression, parseThresholds } from '../../../src/harness/thresholds/index.ts';
import { parseSuite } from '../../../src/harness/orchestrate/suite.ts';

const suitePath = resolve('scenarios/suite.json');
const suite = parseSuite(JSON.parse(readFileSync(suitePath, 'utf8')), suitePath);

// Anything a scenario's init code touches on a k6 module: constructible,
// callable, and every property another such stand-in. The bundle copies a
// module's own keys, so the named exports are listed.
const inert: object = new Proxy(function inert() {}, {
  get: (_t, key) => (typeof key === 'symbol' || key === 'then' ? undefined : inert),
  apply: () => inert,
  construct: () => inert as object,
});
const k6Module = {
  __esModule: true,
  default: inert,
  ...Object.fromEntries(['Counter', 'Rate', 'Trend', 'Gauge', 'SharedArray', 'check', 'sleep', 'group', 'fail', 'randomSeed'].map((name) => [name, inert])),
};

async function thresholdsOf(file: string): Promise<Record<string, unknown>> {
  const out = await build({
    entryPoints: [file],
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'k6-stand-ins',
        setup(b) {
          b.onResolve({ filter: /^k6(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'k6' }));
          b.onLoad({ filter: /.*/, namespace: 'k6' }, () => ({ contents: 'module.exports = globalThis.__denpaInertK6;', loader: 'js' }));
        },
      },
    ],
  });
  (globalThis as Record<string, unknown>).__denpaInertK6 = k6Module;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', '__ENV', 'open', out.outputFiles[0]?.text ?? '')(module, module.exports, {}, () => '{}');
  const options = module.exports.options as { thresholds?: Record<string, unknown> } | undefined;
  return options?.thresholds ?? {};
}

describe('cannotFail', () => {
  it.each([
    ['count>=0', true],
    ['count>-1', true],
    ['rate<=1', true],
    ['rate>=0', true],
    ['count!=-1', true],
    ['count==0', false],
    ['count>=1', false],
    ['rate>=0.99', false],
    ['rate<1', false],
    ['p(95)<5000', false],
    ['avg>=0', false], // a custom Trend may hold negative samples
    ['value>=0', false],
  ])('%s -> %s', (source, expected) => {
    expect(cannotFail(parseThresholdExpression(source))).toBe(expected);
  });
});

describe.each(suite.scenarios.map((file) => [file.split('/').pop() as string, file]))('%s', (_name, file) => {
  it('carries only thresholds that a figure can break', async () => {
    const defs = parseThresholds(await thresholdsOf(file));
    expect(defs.length).toBeGreaterThan(0);
    const padding = defs.flatMap((d) => d.thresholds.filter((t) => cannotFail(t.expression)).map((t) => `${d.metric.key} ${t.expression.source}`));
    expect(padding).toEqual([]);
  });
});
