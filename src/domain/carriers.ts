// The three Japanese mobile carriers denpa delivers to, in a fixed order
// (the index is used in compact records, e.g. the simulator's ledger).
//
// Plain ECMAScript only (no Node built-ins): the core, the simulator, the
// harness and the k6 scenarios all take the word from here.

export const CARRIERS = ['docomo', 'au', 'softbank'] as const;
export type Carrier = (typeof CARRIERS)[number];

export function isCarrier(value: unknown): value is Carrier {
  return typeof value === 'string' && (CARRIERS as readonly string[]).includes(value);
}

export function carrierIndex(carrier: Carrier): number {
  return CARRIERS.indexOf(carrier);
}
