import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeK6Lookup, findK6, parseK6Version, REFERENCE_K6_VERSION, REPO_ROOT } from '../../../../src/harness/k6-binary/binary.ts';
import { DEFAULT_RUNNER_IMAGE } from '../../../../src/harness/k6-binary/manifest.ts';

describe('k6 version', () => {
  it.each([
    ['k6 v1.8.1 (go1.26.8, linux/amd64)', 'v1.8.1', 1],
    ['k6 v1.0.0 (commit/devel, go1.24.1, linux/amd64)\nExtensions:\n', 'v1.0.0', 1],
    ['k6 v0.49.0 (2024-01-22T09:48:21+0000/v0.49.0-0-g2f6b9cd0, go1.21.6, linux/amd64)', 'v0.49.0', 0],
    ['k6 v1.2.0-rc1 (go1.24, darwin/arm64)', 'v1.2.0', 1],
    ['v1.3.4', 'v1.3.4', 1],
  ])('reads %j', (output, text, major) => {
    expect(parseK6Version(output)).toMatchObject({ text, major });
  });

  it('returns undefined for output without a version', () => {
    expect(parseK6Version('command not found')).toBeUndefined();
    expect(parseK6Version('')).toBeUndefined();
  });

  it('names the version the documented parity figures were measured with, and runs k6-operator runners on it', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'k6.md'), 'utf8');
    expect(doc).toContain(`k6 ${REFERENCE_K6_VERSION}`);
    expect(DEFAULT_RUNNER_IMAGE).toBe(`grafana/k6:${REFERENCE_K6_VERSION.slice(1)}`);
  });

  it('denpa ships no k6 installer (k6 is AGPL: the user brings their own)', async () => {
    expect(existsSync(join(REPO_ROOT, 'scripts', 'install-k6.sh'))).toBe(false);
    for (const file of ['scripts/ensure-test-tools.sh', '.ci/run', 'package.json']) {
      expect(await readFile(join(REPO_ROOT, file), 'utf8'), file).not.toMatch(/go install|go\.k6\.io\/k6@|install-k6/);
    }
  });
});

describe('findK6', () => {
  let root: string;
  const fakeK6 = async (dir: string, output: string): Promise<void> => {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'k6');
    await writeFile(file, `#!/bin/sh\n[ "$1" = version ] && echo '${output}' && exit 0\nexit 3\n`);
    await chmod(file, 0o755);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'denpa-findk6-'));
    await fakeK6(join(root, 'named'), 'k6 v1.8.1 (go1.26.8, linux/amd64)');
    await fakeK6(join(root, 'path-old'), 'k6 v0.49.0 (2024-01-22, go1.21.6, linux/amd64)');
    await fakeK6(join(root, 'path-new'), 'k6 v1.2.3 (go1.24.0, linux/amd64)');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes the binary K6_BIN names, without looking at PATH', async () => {
    const found = await findK6({ k6Bin: join(root, 'named', 'k6'), pathEnv: join(root, 'path-new') });
    expect(found).toMatchObject({ state: 'found', source: 'env', path: join(root, 'named', 'k6'), version: { text: 'v1.8.1' } });
  });

  it('does not fall back to PATH when K6_BIN names nothing executable', async () => {
    const missing = join(root, 'nowhere', 'k6');
    const found = await findK6({ k6Bin: missing, pathEnv: join(root, 'path-new') });
    expect(found).toEqual({ state: 'absent', tried: [missing], k6Bin: missing });
    expect(describeK6Lookup(found)).toBe(`no k6 binary: K6_BIN=${missing} is not an executable file`);
  });

  it('searches PATH when K6_BIN is unset or empty, and skips a k6 0.x', async () => {
    const found = await findK6({ k6Bin: '', pathEnv: `${join(root, 'path-old')}:${join(root, 'path-new')}` });
    expect(found).toMatchObject({ state: 'found', source: 'path', version: { text: 'v1.2.3', major: 1, minor: 2, patch: 3 } });
  });

  it('says why an old k6 is not used', async () => {
    const found = await findK6({ k6Bin: '', pathEnv: join(root, 'path-old') });
    expect(found.state).toBe('unsupported');
    expect(describeK6Lookup(found)).toContain('k6 v0.49.0 found, k6 1.x needed');
  });

  it('reports what it tried when there is no k6, and never looks in the repository', async () => {
    const found = await findK6({ k6Bin: '', pathEnv: join(root, 'nowhere') });
    expect(found).toEqual({ state: 'absent', tried: [join(root, 'nowhere', 'k6')] });
    expect(describeK6Lookup(found)).toContain('put your own k6 1.x on PATH or name it in K6_BIN');
  });
});
