// Finding the k6 binary: the repo's pinned one first (scripts/install-k6.sh
// puts it in .k6/bin/k6), then `k6` on PATH. Only k6 1.x is accepted: the
// scenarios use native TypeScript-era features and 1.x's handleSummary data.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../../runtime/index.ts';

/** Keep in step with K6_VERSION in scripts/install-k6.sh (a unit test checks). */
export const PINNED_K6_VERSION = 'v1.8.1';
export const SUPPORTED_K6_MAJOR = 1;

/** The repository root (also when this file runs bundled in dist/). */
export { REPO_ROOT };

export interface K6Version {
  /** As k6 prints it, e.g. `v1.8.1`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

export type K6Lookup =
  | { state: 'found'; path: string; version: K6Version; source: 'repo' | 'path' }
  /** No k6 binary at all. */
  | { state: 'absent'; tried: string[] }
  /** A k6 that is not 1.x (or whose version could not be read). */
  | { state: 'unsupported'; path: string; detail: string };

/**
 * Parses `k6 version` output: `k6 v1.8.1 (commit/devel, go1.26.8, linux/amd64)`,
 * older `k6 v0.49.0 (2024-01-..., go1.21, ...)`, or a bare `v1.2.3`.
 */
export function parseK6Version(output: string): K6Version | undefined {
  const m = /(?:^|\s)k6\s+v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?/m.exec(output) ?? /^v?(\d+)\.(\d+)\.(\d+)\b/m.exec(output.trim());
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { text: `v${major}.${minor}.${patch}`, major, minor, patch };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function versionOutput(path: string, timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    execFile(path, ['version'], { timeout: timeoutMs, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } }, (err, stdout, stderr) => {
      if (err) fail(err);
      else done(`${stdout}\n${stderr}`);
    });
  });
}

export interface FindK6Options {
  repoRoot?: string;
  /** PATH to search; defaults to process.env.PATH. */
  pathEnv?: string;
  timeoutMs?: number;
}

/** Where k6 would be looked for, in order. */
export function k6Candidates(opts: FindK6Options = {}): { path: string; source: 'repo' | 'path' }[] {
  const repo = join(opts.repoRoot ?? REPO_ROOT, '.k6', 'bin', 'k6');
  const dirs = (opts.pathEnv ?? process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [{ path: repo, source: 'repo' as const }, ...dirs.map((d) => ({ path: join(d, 'k6'), source: 'path' as const }))];
}

/** Finds a usable k6 1.x: the repo's pinned binary, then PATH. */
export async function findK6(opts: FindK6Options = {}): Promise<K6Lookup> {
  const tried: string[] = [];
  let unsupported: K6Lookup | undefined;
  for (const candidate of k6Candidates(opts)) {
    tried.push(candidate.path);
    if (!(await isExecutable(candidate.path))) continue;
    let output: string;
    try {
      output = await versionOutput(candidate.path, opts.timeoutMs ?? 10_000);
    } catch (err) {
      unsupported ??= { state: 'unsupported', path: candidate.path, detail: `\`k6 version\` failed: ${(err as Error).message.split('\n')[0]}` };
      continue;
    }
    const version = parseK6Version(output);
    if (version === undefined) {
      unsupported ??= { state: 'unsupported', path: candidate.path, detail: `cannot read the version from ${JSON.stringify(output.trim().slice(0, 80))}` };
      continue;
    }
    if (version.major !== SUPPORTED_K6_MAJOR) {
      unsupported ??= { state: 'unsupported', path: candidate.path, detail: `k6 ${version.text} found, k6 ${SUPPORTED_K6_MAJOR}.x needed (scripts/install-k6.sh installs ${PINNED_K6_VERSION})` };
      continue;
    }
    return { state: 'found', path: candidate.path, version, source: candidate.source };
  }
  return unsupported ?? { state: 'absent', tried };
}

/** One line saying why k6 cannot be used, for logs and errors. */
export function describeK6Lookup(lookup: K6Lookup): string {
  switch (lookup.state) {
    case 'found':
      return `k6 ${lookup.version.text} at ${lookup.path}`;
    case 'absent':
      return `no k6 binary (run scripts/install-k6.sh to install ${PINNED_K6_VERSION} into .k6/bin, or put k6 1.x on PATH)`;
    case 'unsupported':
      return `unusable k6 at ${lookup.path}: ${lookup.detail}`;
  }
}
