// An operator's standing choice of route for a carrier's traffic. It is set
// only through an approved four-eyes route change (the operator side keeps
// the list durable and hands the whole list to the delivery thread at start
// and after each change), and it outranks the automatic fallback switch
// until it is cleared.
//
//   direct   the carrier's own links, even while the switch would fall back
//   fallback the configured fallback route (the aggregator), even while the
//            direct links are healthy
//   hold     claim nothing for it: the messages wait in their lane
import type { Carrier, Category } from '../../domain/index.ts';

export const ROUTE_MODES = ['direct', 'fallback', 'hold'] as const;
export type RouteMode = (typeof ROUTE_MODES)[number];

export interface RouteOverride {
  readonly carrier: Carrier;
  /** undefined: every category of the carrier's traffic. */
  readonly category?: Category;
  readonly mode: RouteMode;
}
