// Which build a release decision is about: the git commit (when the tree is
// a git checkout; `dirty` when it has uncommitted changes), the package
// version, and a SHA-256 over dist/ (every file's path and bytes, in path
// order), which names the code that actually ran even without git.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface BuildIdentity {
  readonly commit: string | null;
  readonly dirty: boolean | null;
  readonly version: string;
  /** sha256 hex over dist/, or null when there is no dist/. */
  readonly distHash: string | null;
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Files under `dir`, relative, sorted; bounded so a wrong directory cannot run away. */
function filesUnder(dir: string, limit = 10_000): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= limit) return;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk('');
  return out;
}

export function distHash(distDir: string): string | null {
  if (!fs.existsSync(distDir)) return null;
  const h = createHash('sha256');
  for (const f of filesUnder(distDir)) {
    h.update(`${f}\0`);
    h.update(fs.readFileSync(path.join(distDir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

export function buildIdentity(root: string): BuildIdentity {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  const commit = git(root, ['rev-parse', 'HEAD']) ?? null;
  const status = commit ? git(root, ['status', '--porcelain', '--untracked-files=no']) : undefined;
  return { commit, dirty: status === undefined ? null : status.length > 0, version: pkg.version ?? '0.0.0', distHash: distHash(path.join(root, 'dist')) };
}
