// The repository's docs and code point at nothing outside it, and every
// relative link in docs/ resolves to a file of the repository.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'reports', 'data', 'coverage']);
// Built from pieces so that this file does not match itself.
const POINTERS = [['steering', ' repo'], ['notes', '/'], ['BR', 'IEF'], ['..', '/shared']].map((p) => p.join(''));

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.md') || name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('references', () => {
  it('no file points outside the repository', () => {
    const hits: string[] = [];
    for (const f of files(ROOT)) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        for (const p of POINTERS) if (line.includes(p)) hits.push(`${relative(ROOT, f)}:${i + 1}: ${p}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('every relative link in docs/ resolves', () => {
    const broken: string[] = [];
    for (const f of files(join(ROOT, 'docs'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(dirname(f), target))) broken.push(`${relative(ROOT, f)}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
