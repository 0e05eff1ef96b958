import { describe, expect, it } from 'vitest';
// `yaml` (eemeli/yaml) is an independent YAML 1.2 parser already in the tree
// (through @fastify/swagger and vite): the manifests are written by hand, and
// read back by someone else's parser.
import { parseAllDocuments } from 'yaml';
import {
  CONFIGMAP_LIMIT_BYTES,
  DEFAULT_RUNNER_IMAGE,
  kubernetesEnvValue,
  renderTestRunManifest,
  testRunNameFor,
  type TestRunInput,
} from '../../../../src/harness/k6-binary/manifest.ts';
import { yamlBlock, yamlString } from '../../../../src/harness/k6-binary/yaml-text.ts';
import { K6Error } from '../../../../src/harness/k6-binary/errors.ts';

const SCRIPT = '// bundled\nimport http from "k6/http";\nexport const options = { vus: 1 };\nexport default function () {\n\thttp.get(__ENV.CORE_URL);\n}\n';

const input: TestRunInput = {
  name: 'denpa-otp-steady',
  namespace: 'load',
  parallelism: 4,
  script: { name: 'otp-steady.js', content: SCRIPT },
  files: [{ name: 'fixture.json', content: '{"version":1}' }],
  env: { CORE_URL: 'http://core.staging:8080', RUN_ID: 'AB12', API_KEY: 'secret with spaces $(HOME) "q"', FIXTURE: '/test/fixture.json' },
};

function docs(text: string): unknown[] {
  const parsed = parseAllDocuments(text);
  for (const d of parsed) expect(d.errors).toEqual([]);
  return parsed.map((d) => d.toJS() as unknown);
}

describe('TestRun manifest', () => {
  it('is a ConfigMap then a TestRun', () => {
    const [configMap, testRun] = docs(renderTestRunManifest(input).yaml) as [Record<string, unknown>, Record<string, unknown>];
    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'denpa-otp-steady', namespace: 'load' } });
    expect(testRun).toMatchObject({
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: 'denpa-otp-steady', namespace: 'load' },
      spec: { parallelism: 4, script: { configMap: { name: 'denpa-otp-steady', file: 'otp-steady.js' } }, runner: { image: DEFAULT_RUNNER_IMAGE } },
    });
  });

  it('holds the script and the fixture byte for byte', () => {
    const [configMap] = docs(renderTestRunManifest(input).yaml) as [{ data: Record<string, string> }];
    expect(configMap.data['otp-steady.js']).toBe(SCRIPT);
    expect(configMap.data['fixture.json']).toBe('{"version":1}');
  });

  it('passes shell-safe env as -e arguments and the rest as runner env', () => {
    const rendered = renderTestRunManifest(input);
    const [, testRun] = docs(rendered.yaml) as [unknown, { spec: { arguments: string; runner: { env: { name: string; value: string }[] } } }];
    expect(testRun.spec.arguments).toBe('--no-usage-report -e CORE_URL=http://core.staging:8080 -e FIXTURE=/test/fixture.json -e RUN_ID=AB12');
    expect(rendered.envInRunnerEnv).toEqual(['API_KEY']);
    expect(testRun.spec.runner.env).toEqual([
      { name: 'K6_NO_USAGE_REPORT', value: 'true' },
      // Kubernetes turns $$ back into $, so $(HOME) is not expanded.
      { name: 'API_KEY', value: 'secret with spaces $$(HOME) "q"' },
    ]);
  });

  it('sets separate only when asked', () => {
    expect(renderTestRunManifest(input).yaml).not.toContain('separate');
    const [, testRun] = docs(renderTestRunManifest({ ...input, separate: true }).yaml) as [unknown, { spec: { separate: boolean } }];
    expect(testRun.spec.separate).toBe(true);
  });

  it.each([
    [{ name: 'Denpa' }, 'name'],
    [{ name: 'a'.repeat(47) }, 'name'],
    [{ namespace: 'no_underscores' }, 'namespace'],
    [{ parallelism: 0 }, 'parallelism'],
    [{ parallelism: 2.5 }, 'parallelism'],
    [{ script: { name: 'a/b.js', content: '' } }, 'file name'],
    [{ files: [{ name: 'otp-steady.js', content: '' }] }, 'appears twice'],
    [{ env: { 'BAD-KEY': 'x' } }, 'env name'],
  ])('refuses %j naming %s', (patch, field) => {
    const err = (() => {
      try {
        renderTestRunManifest({ ...input, ...patch } as TestRunInput);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(K6Error);
    expect((err as K6Error).code).toBe('HARNESS_ERR_K6_BAD_ARGUMENT');
    expect((err as K6Error).message).toContain(field);
  });

  it('refuses a ConfigMap over 1 MiB', () => {
    const big = { name: 'fixture.json', content: 'x'.repeat(CONFIGMAP_LIMIT_BYTES) };
    expect(() => renderTestRunManifest({ ...input, files: [big] })).toThrow(/over Kubernetes' 1048576/);
  });

  it('names a TestRun after its scenario', () => {
    expect(testRunNameFor('scenarios/otp-steady.ts')).toBe('denpa-otp-steady');
    expect(testRunNameFor('C:\\x\\Receipt_Backlog.v2.ts')).toBe('denpa-receipt-backlog-v2');
    expect(testRunNameFor('.ts')).toBe('denpa-scenario');
  });

  it('escapes $ for Kubernetes env values', () => {
    expect(kubernetesEnvValue('a$b$(C)')).toBe('a$$b$$(C)');
  });
});

describe('hand-written YAML', () => {
  const samples = [
    'plain',
    '',
    'no trailing newline',
    'one trailing newline\n',
    'two trailing newlines\n\n',
    '  leading spaces\nthen not\n',
    '\n\nleading blank lines\n',
    '   \nwhitespace-only first line\n',
    'tab\tinside\n\tand leading tab\n',
    'carriage\r\nreturns\r\n',
    'control \u0001 and \u007f and \u0085 and \u2028 and \ufeff',
    '日本語のテキスト 🚀\n',
    '# not a comment\n- not a list\nkey: not a map\n"quoted"\n\'single\'\n--- not a document\n... nor an end\n',
    'ends with spaces   \n',
  ];

  it.each(samples)('a literal block or quoted scalar round-trips %j', (value) => {
    const text = `data:\n  key:${yamlBlock(value, 2)}\n  next: ${yamlString('after')}\n`;
    const [doc] = docs(text) as [{ data: { key: string; next: string } }];
    expect(doc.data.key).toBe(value);
    expect(doc.data.next).toBe('after');
  });

  it.each(samples)('a double-quoted scalar round-trips %j', (value) => {
    const [doc] = docs(`v: ${yamlString(value)}\n`) as [{ v: string }];
    expect(doc.v).toBe(value);
  });
});
