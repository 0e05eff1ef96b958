// The tests that drive the real k6 use the user's own binary (PATH or
// K6_BIN): k6 is AGPL-licensed and denpa never downloads, builds or installs
// it. Without one those tests skip, and say why in one line.
import { describeK6Lookup, findK6, type K6Lookup } from '../../src/harness/k6-binary/binary.ts';

export type FoundK6 = Extract<K6Lookup, { state: 'found' }>;

/** The user's k6 1.x, or undefined after printing `<suite> skipped: <reason>` on stderr. */
export async function realK6(suite: string): Promise<FoundK6 | undefined> {
  const lookup = await findK6();
  if (lookup.state === 'found') return lookup;
  process.stderr.write(`${suite} skipped: ${describeK6Lookup(lookup)}\n`);
  return undefined;
}
