import type { Carrier, MessageCategory } from '../run-result/index.ts';

// The simulator's view of one probe, what the delivery tally and the OTP
// rule both read; its own module so neither imports the other for it.

/** One probe as the simulator's ledger reports it (`GET /v1/ledger/runs/:runId/probes`). */
export interface LedgerProbe {
  seq: number;
  category: MessageCategory | (string & {});
  carrier: Carrier | (string & {});
  to?: string;
  sentAt: number;
  arrivedAt?: number | null;
  handsetAt: number | null;
  finalState?: string | null;
  receiptAt?: number | null;
  deliveries: number;
  intact: boolean;
  /** How it reached the serving carrier: 'direct' or 'aggregator' (the fallback route); absent from simulators without one. */
  route?: string;
}
