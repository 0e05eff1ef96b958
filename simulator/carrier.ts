// The three carriers the simulator plays, in a fixed order (the index is
// used in compact ledger records).

export type CarrierName = 'docomo' | 'au' | 'softbank';
export const CARRIERS: readonly CarrierName[] = ['docomo', 'au', 'softbank'];

export function isCarrierName(value: string): value is CarrierName {
  return value === 'docomo' || value === 'au' || value === 'softbank';
}

export function carrierIndex(name: CarrierName): number {
  return CARRIERS.indexOf(name);
}
