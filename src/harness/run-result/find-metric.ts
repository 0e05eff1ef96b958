import { parseMetricKey } from '../thresholds/index.ts';
import type { SummaryMetric } from './types.ts';

// Looking a metric up in a summary by the key a threshold or a report names:
// the judge, the delivery counts and the baselines all read a summary so.

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** Find a metric by key; tolerant of tag order and spacing (`{a:1, b:2}` = `{b:2,a:1}`). */
export function findMetric(metrics: Record<string, SummaryMetric>, key: string): SummaryMetric | undefined {
  const exact = metrics[key];
  if (exact) return exact;
  let wanted: ReturnType<typeof parseMetricKey>;
  try {
    wanted = parseMetricKey(key);
  } catch {
    return undefined;
  }
  for (const [k, m] of Object.entries(metrics)) {
    try {
      const parsed = parseMetricKey(k);
      if (parsed.name === wanted.name && sameTags(parsed.tags, wanted.tags)) return m;
    } catch {
      // a metric key we cannot parse cannot be the one a threshold names
    }
  }
  return undefined;
}
