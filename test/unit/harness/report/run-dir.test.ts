import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRunDir, reportCommandHandler } from '../../../../src/harness/report/index.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';
import { buildRunResult } from './run-fixture.ts';

describe('renderRunDir', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'denpa-rundir-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every output, and re-renders them identically from summary.json alone', async () => {
    const dir = join(root, 'OK01');
    const written = await renderRunDir(dir, buildRunResult());
    expect(written.map((p) => p.slice(dir.length + 1)).sort()).toEqual(['hlog/http_req_duration.hlog', 'hlog/http_req_duration_intended.hlog', 'junit.xml', 'report.html', 'summary.json', 'summary.md']);
    const before = new Map<string, string>();
    for (const name of ['junit.xml', 'report.html', 'summary.md', 'hlog/http_req_duration.hlog', 'hlog/http_req_duration_intended.hlog']) before.set(name, await readFile(join(dir, name), 'utf8'));
    for (const name of before.keys()) await unlink(join(dir, name));

    const lines: string[] = [];
    await reportCommandHandler(dir, { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream);
    expect(lines[0]).toMatch(/^re-rendered 5 file\(s\) in .*OK01: /);
    for (const [name, content] of before) expect(await readFile(join(dir, name), 'utf8'), name).toBe(content);
    expect((await readdir(dir)).sort()).toEqual(['hlog', 'junit.xml', 'report.html', 'summary.json', 'summary.md']);
  });

  it.each([
    { name: 'a directory without summary.json', setup: async (_dir: string) => {}, message: /summary\.json: cannot read \(ENOENT\)/ },
    { name: 'a corrupt summary.json', setup: (dir: string) => writeFile(join(dir, 'summary.json'), '{"schema":"denpa.run/1"}'), message: /runId must be a string/ },
  ])('fails with a one-line RunFailure for $name', async ({ setup, message }) => {
    const dir = await mkdtemp(join(root, 'bad-'));
    await setup(dir);
    await expect(renderRunDir(dir)).rejects.toBeInstanceOf(RunFailure);
    await expect(renderRunDir(dir)).rejects.toThrow(message);
    expect(await readdir(dir)).toEqual((await readdir(dir)).filter((f) => f === 'summary.json'));
  });
});
