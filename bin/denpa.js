#!/usr/bin/env node
// The installed entry point. denpa runs from its esbuild bundle (dist/) with
// plain node: no TypeScript loader at run time, which saves every process
// the loader's thread and isolate (~33 MB). The bundle is rebuilt first when
// any source file is newer than it (well under a second), so a fresh clone
// or an edit in src/ never runs stale code. See scripts/build.js.
import { ensureBundle } from '../scripts/build.js';

try {
  await ensureBundle();
} catch (err) {
  process.stderr.write(`denpa: building dist/ failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
// Stack traces name the .ts files and lines (the bundle carries linked source maps).
process.setSourceMapsEnabled(true);
await import('../dist/denpa.js');
