import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { parseAllDocuments } from 'yaml';
import { k6Command, parseEnvPairs } from '../../../../src/harness/k6-binary/command.ts';
import { K6Error } from '../../../../src/harness/k6-binary/errors.ts';

const SCENARIO = `import http from 'k6/http';\nexport const options = { vus: 2, duration: '10s' };\nexport default function () { http.get(__ENV.CORE_URL + '/healthz'); }\n`;

async function denpa(args: string[]): Promise<void> {
  await yargs(args).command(k6Command).strict().fail((msg, err) => {
    throw err ?? new Error(msg);
  }).parseAsync();
}

describe('denpa k6', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-k6-cmd-'));
    await writeFile(join(dir, 'smoke-test.ts'), SCENARIO);
    await writeFile(join(dir, 'fixture.json'), '{"version":1,"messages":{}}\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('parses KEY=VALUE pairs, keeping = in values', () => {
    expect(parseEnvPairs(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(() => parseEnvPairs(['=1'])).toThrow(K6Error);
    expect(() => parseEnvPairs(['NOEQUALS'])).toThrow(/must be KEY=VALUE/);
  });

  it('bundle writes the script', async () => {
    const out = join(dir, 'out', 'smoke.js');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await denpa(['k6', 'bundle', join(dir, 'smoke-test.ts'), '--out', out]);
    write.mockRestore();
    const text = await readFile(out, 'utf8');
    expect(text).toContain('from "k6/http"');
    expect(text).toMatch(/export \{[^}]*default/);
  });

  it('testrun writes a ConfigMap and a TestRun with the run\'s env', async () => {
    const out = join(dir, 'testrun.yaml');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await denpa([
      'k6', 'testrun', join(dir, 'smoke-test.ts'), '--parallelism', '3', '--namespace', 'staging', '--out', out,
      '--env', 'CORE_URL=http://core.staging.svc:8080', '--env', 'SIM_URL=http://sim.staging.svc:8775', '--env', 'SINK_URL=http://sink:8790',
      '--run-id', 'Z9Z9', '--duration-scale', '2', '--fixture', join(dir, 'fixture.json'),
    ]);
    const notes = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    const [configMap, testRun] = parseAllDocuments(await readFile(out, 'utf8')).map((d) => d.toJS() as unknown) as [
      { metadata: { name: string; namespace: string }; data: Record<string, string> },
      { metadata: { name: string }; spec: { parallelism: number; arguments: string; script: { configMap: { name: string; file: string } } } },
    ];
    expect(configMap.metadata).toMatchObject({ name: 'denpa-smoke-test', namespace: 'staging' });
    expect(Object.keys(configMap.data)).toEqual(['smoke-test.js', 'fixture.json']);
    expect(configMap.data['smoke-test.js']).toContain('from "k6/http"');
    expect(configMap.data['fixture.json']).toBe('{"version":1,"messages":{}}\n');
    expect(testRun.spec.parallelism).toBe(3);
    expect(testRun.spec.script.configMap).toEqual({ name: 'denpa-smoke-test', file: 'smoke-test.js' });
    expect(testRun.spec.arguments).toBe(
      '--no-usage-report -e CORE_URL=http://core.staging.svc:8080 -e DURATION_SCALE=2 -e FIXTURE=/test/fixture.json -e RUN_ID=Z9Z9 -e SIM_URL=http://sim.staging.svc:8775 -e SINK_URL=http://sink:8790',
    );
    expect(notes).toContain('run id Z9Z9');
    expect(notes).not.toContain('warning');
  });

  it('testrun warns about loopback URLs and a missing fixture', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await denpa(['k6', 'testrun', join(dir, 'smoke-test.ts'), '--parallelism', '2', '--env', 'CORE_URL=http://127.0.0.1:8080']);
    const notes = err.mock.calls.map((c) => String(c[0])).join('');
    const yamlText = out.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    out.mockRestore();
    expect(notes).toContain('CORE_URL=http://127.0.0.1:8080 is a loopback address');
    expect(notes).toContain('no --fixture');
    expect(notes).toContain('SIM_URL not set');
    expect(yamlText).toContain('kind: TestRun');
  });

  it('testrun refuses a bad run id and a bad parallelism', async () => {
    await expect(denpa(['k6', 'testrun', join(dir, 'smoke-test.ts'), '--parallelism', '2', '--run-id', 'abc'])).rejects.toThrow(/--run-id must be 4 characters/);
    await expect(denpa(['k6', 'testrun', join(dir, 'smoke-test.ts'), '--parallelism', '0', '--out', join(dir, 'x.yaml')])).rejects.toThrow(/parallelism must be an integer/);
  });
});
