// The delivery metrics of the measurement model (docs/scenarios.md), declared
// here so that a scenario's thresholds on them are valid k6 configuration:
// k6 refuses a threshold on a metric it does not know.
//
// No VU ever adds a sample. The harness computes them after the run from the
// simulator's truth ledger and the callback sink, merges them into the
// summary and judges every threshold again; the engine's own verdict on
// these names (k6 judges an empty Rate as 0) is not the verdict. A scenario
// imports this module (`import './lib/delivery.ts'`) and names the metrics
// in `options.thresholds`.
import { Counter, Rate, Trend } from 'k6/metrics';

export const DELIVERY_METRICS = [
  'otp_on_time',
  'messages_lost',
  'messages_duplicated',
  'messages_corrupted',
  'messages_delivered',
  'messages_via_aggregator',
  'delivered_share',
  'delivery_latency',
  'callback_latency',
] as const;

export const otpOnTime = new Rate('otp_on_time');
export const messagesLost = new Counter('messages_lost');
export const messagesDuplicated = new Counter('messages_duplicated');
export const messagesCorrupted = new Counter('messages_corrupted');
/** Probes on a handset; sub-metrics {category:...}. */
export const messagesDelivered = new Counter('messages_delivered');
/** Probes that came through the fallback route (the aggregator); sub-metrics {category:...}. */
export const messagesViaAggregator = new Counter('messages_via_aggregator');
/** Per {category:...}: probes on a handset ÷ messages of that category accepted (recipients the simulator's fates make undeliverable left out). */
export const deliveredShare = new Rate('delivered_share');
/** Sent -> handset, ms; sub-metrics {category:...} and {carrier:...}. */
export const deliveryLatency = new Trend('delivery_latency', true);
/** Sent -> the first final status callback at the sink, ms; sub-metrics {category:...}. */
export const callbackLatency = new Trend('callback_latency', true);

/** The SLAs every release scenario holds: nothing lost, doubled or garbled. */
export const integritySlas = {
  messages_lost: ['count==0'],
  messages_duplicated: ['count==0'],
  messages_corrupted: ['count==0'],
};
