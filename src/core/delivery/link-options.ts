// What each carrier's link and queue are made with, from the core config
// and the tuning: pure, so the mapping (per-bind tps to a per-link bucket,
// reconnect bounds, held lanes) is tested without a socket.
import type { Clock, Random } from '../../runtime/index.ts';
import { DEFAULT_SEND_RATE, type CarrierLinkOptions } from '../carrier/index.ts';
import { SendWindowPolicy, type CarrierQueueOptions } from '../dispatch/index.ts';
import type { CoreConfig } from '../config/index.ts';
import { AGGREGATOR, type Carrier, type Smsc } from '../store/index.ts';
import type { DeliveryTuning } from './tuning.ts';

/** The send windows the queues hold messages to: the tuning's when it has its own, else the config's (per tenant and category). */
export function sendWindowsFor(config: CoreConfig, tuning: DeliveryTuning): SendWindowPolicy {
  return tuning.sendWindows ?? SendWindowPolicy.fromConfig(config);
}

/** The links of a carrier, or of the aggregator when `carrier` is 'aggregator' (config.fallback.aggregator, which must be set). */
export function carrierLinkOptions(carrier: Smsc, config: CoreConfig, tuning: DeliveryTuning, clock: Clock, random: Random): CarrierLinkOptions {
  const c = carrier === AGGREGATOR ? config.fallback.aggregator : config.carriers[carrier];
  if (!c) throw new RangeError(carrier === AGGREGATOR ? 'no fallback.aggregator configured' : `no carriers.${carrier} configured`);
  return {
    carrier,
    host: c.host,
    port: c.port,
    systemId: c.systemId,
    password: c.password,
    systemType: c.systemType,
    binds: c.binds,
    window: c.window,
    // The config's tps is per bind; the link's bucket covers all its binds.
    tps: c.tps * c.binds,
    responseTimeoutMs: c.responseTimeoutMs,
    enquireLinkMs: c.enquireLinkMs,
    reconnect: { baseMs: c.reconnectMinMs, maxMs: c.reconnectMaxMs, jitter: tuning.reconnectJitter },
    throttle: { ...DEFAULT_SEND_RATE, backoff: tuning.throttleBackoff },
    clock,
    random: random.fork(`link:${carrier}`),
  };
}

export function carrierQueueOptions(carrier: Carrier, config: CoreConfig, tuning: DeliveryTuning, clock: Clock, random: Random): CarrierQueueOptions {
  return {
    carrier,
    sourceAddr: config.carriers[carrier].sourceAddr,
    messageIdRadix: tuning.messageIdRadix[carrier],
    receiptTimeoutMs: config.messages.receiptTimeoutSeconds * 1000,
    claimIntervalMs: tuning.claimIntervalMs,
    maxTransientAttempts: tuning.maxTransientAttempts,
    transientBackoff: tuning.transientBackoff,
    sendWindows: sendWindowsFor(config, tuning),
    clock,
    random: random.fork(`queue:${carrier}`),
  };
}
