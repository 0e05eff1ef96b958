// The router a core thread runs, from the config's numberLookup and routing keys.
import type { Clock } from '../../runtime/index.ts';
import type { CoreConfig } from '../config/index.ts';
import { CarrierRouter, type RouteMetrics } from './carrier-router.ts';
import { HttpNumberLookup } from './http-number-lookup.ts';
import type { NumberLookup } from './number-lookup.ts';

export function routerFromConfig(config: Pick<CoreConfig, 'numberLookup' | 'routing'>, clock: Clock, metrics?: RouteMetrics, lookup?: NumberLookup): CarrierRouter {
  const l = config.numberLookup;
  return new CarrierRouter({
    lookup: lookup ?? (l.kind === 'http' ? new HttpNumberLookup(l.url) : undefined),
    prefixes: config.routing,
    clock,
    timeoutMs: l.timeoutMs,
    batchMax: l.batchMax,
    downForMs: l.downForMs,
    cacheTtlMs: l.cacheTtlSeconds * 1000,
    cacheMaxEntries: l.cacheMaxEntries,
    ...(metrics ? { metrics } : {}),
  });
}
