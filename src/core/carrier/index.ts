// The carrier room's door: one carrier's SMPP binds (CarrierLink), the
// rate it may send at (SendRate over a TokenBucket), and how its receipts
// read. It knows nothing of lanes or the store's dispatch: dispatch/ uses
// this room, never the other way round.
export { CarrierLink, type CarrierLinkOptions, type BindState, type LinkEvents, type SubmitLease } from './carrier-link.ts';
export { SendRate, DEFAULT_SEND_RATE, type SendRatePolicy } from './send-rate.ts';
export { readReceiptOutcome, messageKeys, type ReadOutcome } from './receipt-outcome.ts';
export { ReceiptHold, type HeldReceipt } from './receipt-hold.ts';
export { bindShare, compareIds, liveSetKey, nextBindCount } from './bind-share.ts';
