// The delivery thread's door: the main-side handle (host.ts); worker.ts is
// the thread's own entry point (dist/delivery-worker.js when bundled).
export { DeliveryThread, type DeliveryThreadOptions } from './host.ts';
export type { LinkStates, MetricsJson } from './messages.ts';
