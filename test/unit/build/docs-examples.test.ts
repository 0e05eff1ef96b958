// The curl examples in the README and docs can be followed one after the
// other: an Idempotency-Key is never shown with two different bodies (that
// would answer 422 to a reader who runs both).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

it('every Idempotency-Key in the README and docs goes with one body', () => {
  const files = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const bodies = new Map<string, Set<string>>();
  let examples = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    // A curl command runs to the first line that does not end in a backslash.
    for (const m of text.matchAll(/curl (?:[^\n]*\\\n)*[^\n]*/g)) {
      const key = /Idempotency-Key: ([^'"\s]+)/i.exec(m[0])?.[1];
      const body = /-d '([^']*)'/.exec(m[0])?.[1];
      if (key === undefined || body === undefined) continue;
      examples++;
      const set = bodies.get(key) ?? new Set<string>();
      set.add(body.replace(/\s+/g, ' '));
      bodies.set(key, set);
    }
  }
  expect(examples).toBeGreaterThanOrEqual(2);
  expect([...bodies].filter(([, set]) => set.size > 1).map(([key]) => key)).toEqual([]);
});
