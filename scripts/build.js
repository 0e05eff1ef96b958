// The runtime bundle: denpa's processes run from dist/*.js with plain `node`,
// not through tsx's loader (which runs on a thread of its own with its own V8
// isolate, ~33 MB of resident memory per process). esbuild turns the
// TypeScript into ES modules in well under a second.
//
//   src/cli.ts                             ─▶ dist/denpa.js          (bin/denpa.js imports it)
//   src/harness/orchestrate/service-host.ts ─▶ dist/service-host.js  (the harness forks it)
//   src/core/store-thread/store-worker.ts  ─▶ dist/store-worker.js   (the core's store thread)
//   src/core/delivery-thread/worker.ts     ─▶ dist/delivery-worker.js (the core's delivery thread)
//   code shared by them, dynamic imports   ─▶ dist/<name>-<hash>.js  (chunks, in the same folder)
//
// npm packages stay imports (`packages: 'external'`), resolved from the
// repository's node_modules: dist/ must stay a folder of the repository.
// The chunks sit flat beside the entries because code that lands in a chunk
// finds its entries as `new URL('./<entry>.js', import.meta.url)`.
//
//   node scripts/build.js          build (also `npm run build`; `npm ci` runs it as `prepare`)
//
// bin/denpa.js calls ensureBundle() before every run: it rebuilds when a
// source file is newer than the last build, so an edit in src/ is never
// answered by stale code.
import { existsSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = join(REPO_ROOT, 'dist');

/**
 * Every process entry point, in ONE list: `name` becomes dist/<name>.js.
 * To add an entry, add one line here (and load it as dist/<name>.js, e.g.
 * through src/runtime/installation.ts's bundledEntry, or `new URL('./<name>.js',
 * import.meta.url)` from bundled code). Mark an entry `optional: true` while
 * its source is still being written in the shared tree: it is built once the
 * file exists; drop the flag when the file is committed.
 */
export const ENTRY_POINTS = [
  { name: 'denpa', source: 'src/cli.ts' },
  { name: 'service-host', source: 'src/harness/orchestrate/service-host.ts' },
  // The core's SQLite store thread; worker-store.ts loads it as ./store-worker.js beside its own chunk.
  { name: 'store-worker', source: 'src/core/store-thread/store-worker.ts' },
  // The core's delivery thread (carrier links, dispatch, callbacks); delivery-thread/host.ts loads it.
  { name: 'delivery-worker', source: 'src/core/delivery-thread/worker.ts' },
];

/** The folders (and files) whose contents go into the bundle; a change in any of them makes it stale. */
export const SOURCE_ROOTS = ['src', 'simulator', 'scripts/build.js'];

/** Written last by every build; its mtime is the build's start time. */
export const BUILD_STAMP = join(DIST_DIR, '.built');

/** The entries to build in this tree (optional ones whose source is absent are left out). */
export function presentEntries(root = REPO_ROOT, entries = ENTRY_POINTS) {
  return entries.filter((e) => !e.optional || existsSync(join(root, e.source)));
}

/**
 * The staleness rule, pure: rebuild when there is no complete build
 * (`builtAtMs` undefined) or when any source was modified after the build
 * started. A file saved while a build runs is newer than its start, so the
 * next run rebuilds again rather than trusting a build that may have read
 * the old text.
 * @param {Iterable<number>} sourceMtimesMs
 * @param {number | undefined} builtAtMs
 * @returns {boolean}
 */
export function bundleIsStale(sourceMtimesMs, builtAtMs) {
  if (builtAtMs === undefined) return true;
  for (const m of sourceMtimesMs) if (m > builtAtMs) return true;
  return false;
}

/** mtimes (ms) of every file under the source roots. */
export function sourceMtimes(root = REPO_ROOT) {
  const out = [];
  const walk = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else out.push(st.mtimeMs);
  };
  for (const r of SOURCE_ROOTS) walk(join(root, r));
  return out;
}

/** When the current build started, or undefined when dist/ lacks the stamp or any entry's output. */
export function builtAt(root = REPO_ROOT, entries = ENTRY_POINTS) {
  const dist = join(root, 'dist');
  try {
    const at = statSync(join(dist, '.built')).mtimeMs;
    for (const e of presentEntries(root, entries)) statSync(join(dist, `${e.name}.js`));
    return at;
  } catch {
    return undefined;
  }
}

/** Whether dist/ must be rebuilt before it runs. */
export function needsBuild(root = REPO_ROOT, entries = ENTRY_POINTS) {
  return bundleIsStale(sourceMtimes(root), builtAt(root, entries));
}

const CHUNK_FILE = /^.+-[A-Z0-9]{8}\.js(\.map)?$/;
/** Chunks of earlier builds are kept this long: a process started before a rebuild may still import them lazily. */
const OLD_CHUNK_MS = 24 * 3600_000;

/**
 * Builds dist/. Concurrent builds (two `denpa` commands started at once)
 * are safe: every file is written under a temporary name and renamed into
 * place, chunks before the entries that import them, the stamp last.
 * @returns {Promise<{ files: string[], ms: number }>}
 */
export async function buildBundle(root = REPO_ROOT, entryPoints = ENTRY_POINTS) {
  const { build } = await import('esbuild');
  const startedMs = Date.now();
  const dist = join(root, 'dist');
  const entries = presentEntries(root, entryPoints);
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    outdir: dist,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Stack traces point at the .ts lines (bin/denpa.js enables source maps); the sources are in the repo.
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(dist, { recursive: true });
  const entryFiles = new Set(entries.flatMap((e) => [join(dist, `${e.name}.js`), join(dist, `${e.name}.js.map`)]));
  const ordered = [...result.outputFiles].sort((a, b) => Number(entryFiles.has(a.path)) - Number(entryFiles.has(b.path)));
  for (const f of ordered) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const stampTmp = `${join(dist, '.built')}.${process.pid}.tmp`;
  writeFileSync(stampTmp, `${new Date(startedMs).toISOString()}\n`);
  utimesSync(stampTmp, startedMs / 1000, startedMs / 1000);
  renameSync(stampTmp, join(dist, '.built'));
  const written = new Set(result.outputFiles.map((f) => f.path));
  for (const name of readdirSync(dist)) {
    const path = join(dist, name);
    if (CHUNK_FILE.test(name) && !written.has(path) && Date.now() - statSync(path).mtimeMs > OLD_CHUNK_MS) rmSync(path, { force: true });
  }
  return { files: [...written].map((p) => relative(root, p)).sort(), ms: Date.now() - startedMs };
}

/**
 * Makes dist/ current: rebuilds when stale. A source that does not compile
 * fails the run (as tsx would); only when dist/ cannot be written (a
 * read-only install) does an existing bundle run, with a warning.
 * @returns {Promise<'fresh' | 'built' | 'kept'>}
 */
export async function ensureBundle(root = REPO_ROOT, entries = ENTRY_POINTS) {
  // An install without the sources (only dist/) has nothing to compare.
  if (!existsSync(join(root, 'src'))) return 'fresh';
  if (!needsBuild(root, entries)) return 'fresh';
  try {
    await buildBundle(root, entries);
    return 'built';
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    const unwritable = code === 'EACCES' || code === 'EROFS' || code === 'EPERM';
    if (!unwritable || !existsSync(join(root, 'dist', 'denpa.js'))) throw err;
    process.stderr.write(`denpa: cannot rewrite dist/ (${code}); running the previous build\n`);
    return 'kept';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { files, ms } = await buildBundle();
    process.stdout.write(`denpa build: ${files.filter((f) => !f.endsWith('.map')).length} files in dist/ (${ms} ms)\n`);
  } catch (err) {
    process.stderr.write(`denpa build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
