import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../../../src/core/store/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('a held data dir refuses a second lock at once, and is free again after release', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-lock-'));
  dirs.push(dir);
  const first = lockDataDir(dir);
  expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
  first.release();
  first.release();
  const again = lockDataDir(dir);
  again.release();
});
