// The three carriers the simulator plays, in a fixed order (the index is
// used in compact ledger records). The word is the shared one (src/domain);
// the simulator keeps its own names for it.
export { CARRIERS, type Carrier as CarrierName, isCarrier as isCarrierName, carrierIndex } from '../src/domain/index.ts';
