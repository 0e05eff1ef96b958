// The routing room's door: which carrier a number goes to. A pluggable
// NumberLookup (the embedded default speaks the simulator's lookup API),
// a bounded cache, and the prefix table when the lookup cannot answer.
export { type NumberLookup, LookupRefusedError, LookupUnavailableError } from './number-lookup.ts';
export { HttpNumberLookup, carriersOf } from './http-number-lookup.ts';
export { RouteCache } from './route-cache.ts';
export { CarrierRouter, type CarrierRouterOptions, type FallbackReason, type LookupResult, type Route, type RouteMetrics, type RouteSource } from './carrier-router.ts';
export { routerFromConfig } from './from-config.ts';
export { ROUTE_MODES, type RouteMode, type RouteOverride } from './route-override.ts';
export { chooseRoute, nextSwitchState, overrideFor, DIRECT, type ChoicePolicy, type LinkHealth, type RouteChoice, type SwitchMode, type SwitchPolicy, type SwitchState } from './route-switch.ts';
export { RouteTable, type RouteTableOptions } from './route-table.ts';
