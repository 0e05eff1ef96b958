// Write what handleSummary() returned, as k6 does: `stdout` and `stderr` to
// the streams, any other key to a file of that path (relative to `baseDir`).

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { HandleSummaryOutput } from './run.ts';

export interface SummaryOutputTargets {
  readonly baseDir: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** Returns the file paths written. */
export async function writeHandleSummaryOutput(output: HandleSummaryOutput, targets: SummaryOutputTargets): Promise<string[]> {
  const written: string[] = [];
  for (const [key, value] of Object.entries(output)) {
    const text = typeof value === 'string' ? value : Buffer.from(value);
    if (key === 'stdout') (targets.stdout ?? ((t: string) => process.stdout.write(t)))(text.toString());
    else if (key === 'stderr') (targets.stderr ?? ((t: string) => process.stderr.write(t)))(text.toString());
    else {
      const path = isAbsolute(key) ? key : resolve(targets.baseDir, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      written.push(path);
    }
  }
  return written;
}
