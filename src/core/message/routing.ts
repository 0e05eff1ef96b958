// Prefix routing: the longest configured prefix of the domestic number
// names the carrier. Number portability makes the prefix only a hint; an
// MNP lookup replaces this in a later issue.
import { domesticForm } from './phone-number.ts';

export const CARRIERS = ['docomo', 'au', 'softbank'] as const;
export type Carrier = (typeof CARRIERS)[number];

export interface RoutePrefix {
  /** Domestic digits, e.g. "0901". */
  readonly prefix: string;
  readonly carrier: Carrier;
}

/** Carrier for a canonical number (`8190...`), or undefined when no prefix matches. */
export function carrierForNumber(canonical: string, table: readonly RoutePrefix[]): Carrier | undefined {
  const domestic = domesticForm(canonical);
  let best: RoutePrefix | undefined;
  for (const route of table) {
    if (domestic.startsWith(route.prefix) && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best?.carrier;
}

/**
 * The simulator's home-carrier allocation: the 4th digit of the domestic
 * form (`090-[D]...`): 0-3 docomo, 4-6 au, 7-9 softbank.
 */
export function defaultRoutingTable(): RoutePrefix[] {
  const table: RoutePrefix[] = [];
  for (const head of ['060', '070', '080', '090']) {
    for (let d = 0; d <= 9; d++) {
      const carrier: Carrier = d <= 3 ? 'docomo' : d <= 6 ? 'au' : 'softbank';
      table.push({ prefix: `${head}${d}`, carrier });
    }
  }
  return table;
}
