// The delivery side's knobs that are not in the config file; the defaults
// suit the simulator and production alike.
import type { BackoffPolicy } from '../../runtime/index.ts';
import type { MessageIdRadix } from '../../smpp/index.ts';
import type { SendWindowPolicy } from '../dispatch/index.ts';
import type { Carrier } from '../store/index.ts';

export interface DeliveryTuning {
  /** How often an idle carrier queue looks for due messages (an OTP waits at most about this long to be claimed). */
  readonly claimIntervalMs: number;
  /** Submits per message ending in ESME_RSYSERR, ESME_RX_T_APPN or a response timeout before it fails. */
  readonly maxTransientAttempts: number;
  readonly throttleBackoff: BackoffPolicy;
  readonly transientBackoff: BackoffPolicy;
  /** Reconnect jitter share (the min/max come from the carrier config). */
  readonly reconnectJitter: number;
  /** How long a receipt that came before its submit_sm_resp is held for matching. */
  readonly receiptHoldMs: number;
  /**
   * With other nodes live: how long an unmatched receipt's deliver_sm_resp waits for the store to match it
   * (another node's submit being recorded) before it is refused (ESME_RX_T_APPN) for the SMSC to send again.
   */
  readonly receiptWaitMs: number;
  readonly sweepIntervalMs: number;
  /** Lane depth gauge refresh (an index count over the backlog). */
  readonly laneDepthIntervalMs: number;
  /** Bound on waiting for in-flight submits at drain. */
  readonly drainTimeoutMs: number;
  /** How each carrier writes message ids, when known (exact matching); otherwise every reading is tried. */
  readonly messageIdRadix: Partial<Record<Carrier, MessageIdRadix>>;
  /** Send windows instead of the config's (messages.sendWindows, tenants[].sendWindows). */
  readonly sendWindows?: SendWindowPolicy;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  claimIntervalMs: 10,
  maxTransientAttempts: 4,
  throttleBackoff: { baseMs: 100, maxMs: 5_000, jitter: 0.5 },
  transientBackoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0.5 },
  reconnectJitter: 0.5,
  receiptHoldMs: 60_000,
  receiptWaitMs: 2_000,
  sweepIntervalMs: 1_000,
  laneDepthIntervalMs: 5_000,
  drainTimeoutMs: 10_000,
  messageIdRadix: {},
};
