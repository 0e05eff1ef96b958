// A number-lookup service (an MNP database): which carrier serves a number
// today. Number portability makes the prefix only a hint; the core asks
// this before a message's first submit. Pluggable: the embedded default
// speaks the simulator's lookup API (http-number-lookup.ts), which stands
// in for a commercial lookup service; another service is another class.
import type { Carrier } from '../message/index.ts';

export interface NumberLookup {
  /**
   * The serving carrier of each canonical number (81…). Numbers the service
   * does not know are left out of the map. Rejects when the service cannot
   * answer (`LookupRefusedError` when it refused this request itself).
   * Gives up when `signal` aborts.
   */
  lookup(numbers: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, Carrier>>;
}

/** The service answered, but refused the request (a 4xx): it is up, this request is wrong. */
export class LookupRefusedError extends Error {
  readonly code = 'ROUTING_ERR_LOOKUP_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'LookupRefusedError';
  }
}

/** The service could not be reached or failed (network, 5xx, malformed answer). */
export class LookupUnavailableError extends Error {
  readonly code = 'ROUTING_ERR_LOOKUP_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LookupUnavailableError';
  }
}
