// The delivery room's door: startDelivery (links, queues, journal and
// sweeps for the carriers, wired from the config) and its tuning.
export { startDelivery, type Delivery, type DeliveryDeps } from './start.ts';
export type { DeliveryLogger } from './logger.ts';
export type { NodeView } from './node-shares.ts';
export { DEFAULT_TUNING, type DeliveryTuning } from './tuning.ts';
export { carrierLinkOptions, carrierQueueOptions, sendWindowsFor } from './link-options.ts';
