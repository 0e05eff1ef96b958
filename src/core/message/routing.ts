// Prefix routing: the longest configured prefix of the domestic number
// names the carrier. Number portability makes the prefix only a hint; an
// MNP lookup replaces this in a later issue.
import { hasMobilePrefix, homeCarrierOfDigit, MOBILE_PREFIXES, type Carrier } from '../../domain/index.ts';
import { domesticForm } from './phone-number.ts';

export interface RoutePrefix {
  /** Domestic digits, e.g. "0901". */
  readonly prefix: string;
  readonly carrier: Carrier;
}

/** Carrier for a canonical number (`8190...`), or undefined when no prefix matches. */
/** Where a message's carrier came from: the number lookup just now, its cache, or the prefix table. */
export type RouteSource = 'lookup' | 'cache' | 'prefix';

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
  for (const head of [...MOBILE_PREFIXES].sort()) {
    for (let d = 0; d <= 9; d++) {
      if (!hasMobilePrefix(`${head}${d}`)) continue; // 0800 is toll-free
      table.push({ prefix: `${head}${d}`, carrier: homeCarrierOfDigit(d) });
    }
  }
  return table;
}
