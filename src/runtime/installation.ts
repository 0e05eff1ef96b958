// Where denpa is installed and how this process runs it: from the esbuild
// bundle (dist/*.js, plain node; see scripts/build.js) or from the
// TypeScript sources (vitest, tsx). Paths that used to be relative to a
// source file's own URL go through here, because once bundled that URL is a
// file in dist/, not the .ts file. In src/runtime so that the core (its store
// thread's script) and the harness (its service children) decide alike.
//
//   from source   this module is src/runtime/installation.ts  -> root is two folders up
//   bundled       this module is inlined into dist/<file>.js  -> root is dist/..
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the repository root is, given this module's own URL: pure, so both
 * layouts are testable from either.
 */
export function installationFrom(moduleUrl: string): { repoRoot: string; bundled: boolean } {
  const here = fileURLToPath(moduleUrl);
  const bundled = !here.endsWith('.ts');
  return { repoRoot: bundled ? resolve(dirname(here), '..') : resolve(dirname(here), '../..'), bundled };
}

const installation = installationFrom(import.meta.url);

/** The repository root: package.json, node_modules, scenarios/, src/, dist/. */
export const REPO_ROOT = installation.repoRoot;

/** Whether this process runs from dist/ (plain node) rather than from the .ts sources. */
export const RUNS_BUNDLED = installation.bundled;

/** The bundle of one entry point of scripts/build.js's ENTRY_POINTS, e.g. `service-host` -> dist/service-host.js. */
export function bundledEntry(name: string): string {
  return join(REPO_ROOT, 'dist', `${name}.js`);
}

/** A source file by its path from the repository root (present in both layouts). */
export function sourceFile(relativePath: string): string {
  return join(REPO_ROOT, relativePath);
}

/**
 * How to start one of denpa's worker threads (the core's store and delivery
 * threads). Bundled, the entry `name` sits in dist/ as plain JavaScript.
 * From source (tests, tsx), the thread registers tsx's loader first and then
 * imports `source` (the .ts file's URL), which costs it about 30 MB more.
 */
export function threadScript(name: string, source: URL): { script: string; eval: boolean } {
  if (RUNS_BUNDLED) return { script: bundledEntry(name), eval: false };
  return { script: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`, eval: true };
}
