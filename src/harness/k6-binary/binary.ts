// Finding the user's k6 binary: the one K6_BIN names, else `k6` on PATH.
// denpa never downloads, builds or installs k6 (it is AGPL-licensed; the
// user brings their own). Only k6 1.x is accepted: the scenarios use native
// TypeScript-era features and 1.x's handleSummary data.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../../runtime/index.ts';

/**
 * The k6 version the parity figures in docs/k6.md were measured with, and
 * the default image of k6-operator runners. Any 1.x on the user's machine works.
 */
export const REFERENCE_K6_VERSION = 'v1.8.1';
export const SUPPORTED_K6_MAJOR = 1;
/** An explicit k6 binary; when set, PATH is not searched. */
export const K6_BIN_ENV = 'K6_BIN';

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
  | { state: 'found'; path: string; version: K6Version; source: 'env' | 'path' }
  /** No k6 binary at all (`k6Bin`: the K6_BIN that named nothing executable). */
  | { state: 'absent'; tried: string[]; k6Bin?: string }
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
  /** K6_BIN; defaults to process.env.K6_BIN. An empty string counts as unset. */
  k6Bin?: string;
  /** PATH to search; defaults to process.env.PATH. */
  pathEnv?: string;
  timeoutMs?: number;
}

/** Where k6 would be looked for, in order: K6_BIN alone when set, else every PATH entry. */
export function k6Candidates(opts: FindK6Options = {}): { path: string; source: 'env' | 'path' }[] {
  const explicit = opts.k6Bin ?? process.env[K6_BIN_ENV] ?? '';
  // A user who names a binary means that one: falling back to another k6 on
  // PATH would run a version they did not choose.
  if (explicit !== '') return [{ path: explicit, source: 'env' }];
  const dirs = (opts.pathEnv ?? process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.map((d) => ({ path: join(d, 'k6'), source: 'path' as const }));
}

/** Finds the user's k6 1.x: K6_BIN, else PATH. */
export async function findK6(opts: FindK6Options = {}): Promise<K6Lookup> {
  const tried: string[] = [];
  let unsupported: K6Lookup | undefined;
  const candidates = k6Candidates(opts);
  for (const candidate of candidates) {
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
      unsupported ??= { state: 'unsupported', path: candidate.path, detail: `k6 ${version.text} found, k6 ${SUPPORTED_K6_MAJOR}.x needed` };
      continue;
    }
    return { state: 'found', path: candidate.path, version, source: candidate.source };
  }
  const named = candidates[0]?.source === 'env' ? { k6Bin: candidates[0].path } : {};
  return unsupported ?? { state: 'absent', tried, ...named };
}

/** One line saying why k6 cannot be used, for logs and errors. */
export function describeK6Lookup(lookup: K6Lookup): string {
  switch (lookup.state) {
    case 'found':
      return `k6 ${lookup.version.text} at ${lookup.path}`;
    case 'absent':
      return lookup.k6Bin !== undefined
        ? `no k6 binary: ${K6_BIN_ENV}=${lookup.k6Bin} is not an executable file`
        : `no k6 binary on PATH (denpa does not install k6: put your own k6 1.x on PATH or name it in ${K6_BIN_ENV})`;
    case 'unsupported':
      return `unusable k6 at ${lookup.path}: ${lookup.detail}`;
  }
}
