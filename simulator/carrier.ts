// The three carriers the simulator plays, in a fixed order (the index is
// used in compact ledger records). The word is the shared one (src/domain);
// the simulator keeps its own names for it.
//
// The SMSCs are the three carriers' plus the aggregator: a second route a
// provider buys for business continuity, which reaches the subscribers of
// every carrier through an SMSC of its own (its own port, credentials,
// profile and faults). A message through it is delivered by the handset's
// serving carrier; the ledger records that carrier and the route.
export { CARRIERS, type Carrier as CarrierName, isCarrier as isCarrierName, carrierIndex } from '../src/domain/index.ts';
import { CARRIERS } from '../src/domain/index.ts';

export const AGGREGATOR = 'aggregator';
export const SMSCS = [...CARRIERS, AGGREGATOR] as const;
export type SmscName = (typeof SMSCS)[number];

export function isSmscName(value: unknown): value is SmscName {
  return typeof value === 'string' && (SMSCS as readonly string[]).includes(value);
}

/** How a message reached the handset's carrier: its own SMSC, or the aggregator. */
export const ROUTES = ['direct', 'aggregator'] as const;
export type Route = (typeof ROUTES)[number];

export function routeOf(smsc: SmscName): Route {
  return smsc === AGGREGATOR ? 'aggregator' : 'direct';
}
