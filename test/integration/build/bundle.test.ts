// denpa runs from its esbuild bundle with plain node: the rebuild-when-stale
// wiring of scripts/build.js on a scratch tree, and the real CLI started the
// way a user starts it (bin/denpa.js), answering from dist/.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle, ENTRY_POINTS, REPO_ROOT, type EntryPoint } from '../../../scripts/build.js';

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ensureBundle on a scratch tree', () => {
  let root: string;
  const entries: EntryPoint[] = [
    { name: 'denpa', source: 'src/cli.ts' },
    { name: 'late', source: 'src/late.ts', optional: true },
  ];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'denpa-build-'));
    await mkdir(join(root, 'src'), { recursive: true });
    await writeFile(join(root, 'src/cli.ts'), "import { word } from './word.ts';\nconst n: number = 1;\nconsole.log(word, n);\n");
    await writeFile(join(root, 'src/word.ts'), "export const word: string = 'v1';\n");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const backdateBuild = async (): Promise<void> => {
    const earlier = new Date(Date.now() - 60_000);
    await utimes(join(root, 'dist/.built'), earlier, earlier);
  };

  it('builds when there is no bundle, then keeps it until a source changes', async () => {
    expect(await ensureBundle(root, entries)).toBe('built');
    expect((await run(join(root, 'dist/denpa.js'), [])).stdout).toBe('v1 1\n');
    expect(await ensureBundle(root, entries)).toBe('fresh');

    // The last build started a minute ago; the source is saved now.
    await backdateBuild();
    await writeFile(join(root, 'src/word.ts'), "export const word: string = 'v2';\n");
    expect(await ensureBundle(root, entries)).toBe('built');
    expect((await run(join(root, 'dist/denpa.js'), [])).stdout).toBe('v2 1\n');
  });

  it('builds an optional entry as soon as its source exists', async () => {
    expect(existsSync(join(root, 'dist', 'late.js'))).toBe(false);
    await writeFile(join(root, 'src/late.ts'), "console.log('late');\n");
    // Its output is missing: stale even if the new file's mtime were older than the last build.
    const earlier = new Date(Date.now() - 120_000);
    await utimes(join(root, 'src/late.ts'), earlier, earlier);
    expect(await ensureBundle(root, entries)).toBe('built');
    expect((await run(join(root, 'dist/late.js'), [])).stdout).toBe('late\n');
    expect(await ensureBundle(root, entries)).toBe('fresh');
  });

  it('a source that does not compile fails the run instead of running the previous build', async () => {
    await backdateBuild();
    await writeFile(join(root, 'src/word.ts'), 'export const word: string = ;\n');
    await expect(ensureBundle(root, entries)).rejects.toThrow(/word\.ts/);
  });
});

describe('bin/denpa.js runs the CLI from dist/', () => {
  let sim: ChildProcess | undefined;
  afterEach(() => {
    if (sim && sim.exitCode === null && sim.signalCode === null) sim.kill('SIGKILL');
    sim = undefined;
  });

  it('--help lists the commands, and the bundle it ran exists', async () => {
    const r = await run('bin/denpa.js', ['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/denpa sim/);
    expect(r.stdout).toMatch(/denpa gate/);
    for (const e of ENTRY_POINTS.filter((x) => !x.optional)) expect(existsSync(join(REPO_ROOT, 'dist', `${e.name}.js`))).toBe(true);
    expect(await readFile(join(REPO_ROOT, 'bin/denpa.js'), 'utf8')).not.toMatch(/from 'tsx|register\(/);
  });

  it('denpa sim prints its listen lines, answers on its control API and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/denpa.js', 'sim', '--docomo-port', '0', '--au-port', '0', '--softbank-port', '0', '--aggregator-port', '0', '--control-port', '0'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    sim = child;
    const lines: string[] = [];
    const controlUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no control line within 30 s: ${lines.join(' | ')}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`denpa sim exited with ${code}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        const url = /^\s*control\s+HTTP\s+(http:\/\/\S+)/.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
    });
    for (const carrier of ['docomo', 'au', 'softbank']) expect(lines.join('\n')).toMatch(new RegExp(`${carrier}\\s+SMPP\\s+127\\.0\\.0\\.1:\\d+`));
    const health = await fetch(`${controlUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('stack traces name the TypeScript sources (source maps of the bundle)', async () => {
    const r = await run('bin/denpa.js', ['sim', '--config', '/nonexistent/denpa-profile.json', '--docomo-port', '0', '--au-port', '0', '--softbank-port', '0', '--aggregator-port', '0', '--control-port', '0'], { DENPA_DEBUG: '1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^denpa: /);
    expect(r.stderr).toMatch(/simulator\/\S+\.ts:\d+/);
  });
});

describe('dist/service-host.js (what a bundled harness forks)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it('starts a simulator with plain node, reports ready over IPC and exits 0 when told to stop', async () => {
    await ensureBundle();
    const options = { seed: 3, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 };
    const host = fork(join(REPO_ROOT, 'dist', 'service-host.js'), ['sim', JSON.stringify(options)], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    child = host;
    let output = '';
    host.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    host.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const message = await new Promise<{ type: string; endpoints?: { controlUrl?: string; smppPorts?: Record<string, number> } }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no IPC message within 30 s: ${output}`)), 30_000);
      host.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as { type: string });
      });
      host.once('exit', (code) => reject(new Error(`service host exited with ${code}: ${output}`)));
    });
    expect(message.type).toBe('ready');
    expect(Object.keys(message.endpoints?.smppPorts ?? {}).sort()).toEqual(['aggregator', 'au', 'docomo', 'softbank']);
    const health = await fetch(`${message.endpoints?.controlUrl}/healthz`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
    host.send({ type: 'stop' });
    expect(await exited).toBe(0);
  });
});
