// The fallback switch of one carrier (pure): from what its direct links
// did, whether its traffic goes direct or falls back to the aggregator.
//
//   direct ──(no bind bound for failAfterMs, or failing for failAfterMs)──▶ fallback
//     ▲                                                                    │
//     └────────(a bind bound for returnAfterMs since the switch)───────────┘
//
// "Failing" is a submit that timed out, lost its session or got a
// temporary error (ESME_RSYSERR ...) with no successful answer since: a
// link that is bound but answers nothing is as down as one that is not
// bound. Any answer that is not temporary (ESME_ROK, or a refusal of the
// message itself) means the link works. Throttling is neither.
import type { Category } from '../store/index.ts';
import type { RouteMode, RouteOverride } from './route-override.ts';

export type SwitchMode = 'direct' | 'fallback';

export interface SwitchPolicy {
  readonly failAfterMs: number;
  readonly returnAfterMs: number;
}

/** What the direct links did, as instants (ms since epoch). */
export interface LinkHealth {
  /** Since when no bind has been bound; undefined while one is. */
  readonly downSince: number | undefined;
  /** Since when at least one bind has been bound; undefined while none is. */
  readonly upSince: number | undefined;
  /** The first failed submit after the last good answer; undefined when the last outcome was good. */
  readonly failingSince: number | undefined;
}

export type SwitchState = { readonly mode: 'direct' } | { readonly mode: 'fallback'; readonly since: number };

export const DIRECT: SwitchState = Object.freeze({ mode: 'direct' });

export function nextSwitchState(state: SwitchState, health: LinkHealth, policy: SwitchPolicy, now: number): SwitchState {
  if (state.mode === 'direct') {
    const down = health.downSince !== undefined && now - health.downSince >= policy.failAfterMs;
    const failing = health.failingSince !== undefined && now - health.failingSince >= policy.failAfterMs;
    return down || failing ? { mode: 'fallback', since: now } : state;
  }
  if (health.upSince === undefined) return state;
  return now - Math.max(health.upSince, state.since) >= policy.returnAfterMs ? DIRECT : state;
}

/** Where a claimed message of a category goes now: its carrier's links, the aggregator, or nowhere (it waits in its lane). */
export type RouteChoice = 'direct' | 'aggregator' | 'hold';

export interface ChoicePolicy {
  /** Per category, while the switch has fallen back: out through the aggregator, or wait. */
  readonly categories: Readonly<Record<Category, 'fallback' | 'wait'>>;
  /** Whether a fallback route is configured at all. */
  readonly hasAggregator: boolean;
}

/**
 * The operator's standing override for the carrier and category, if any: one
 * naming the category outranks one for the whole carrier; among equals the
 * last in the list wins.
 */
export function overrideFor(overrides: readonly RouteOverride[], carrier: RouteOverride['carrier'], category: Category): RouteMode | undefined {
  let wide: RouteMode | undefined;
  let exact: RouteMode | undefined;
  for (const o of overrides) {
    if (o.carrier !== carrier) continue;
    if (o.category === category) exact = o.mode;
    else if (o.category === undefined) wide = o.mode;
  }
  return exact ?? wide;
}

/**
 * An override outranks the switch until it is cleared. 'fallback' without an
 * aggregator configured holds the traffic: there is no second route to take,
 * and the operator asked not to use the direct one.
 */
export function chooseRoute(mode: SwitchMode, override: RouteMode | undefined, category: Category, policy: ChoicePolicy): RouteChoice {
  const fallback: RouteChoice = policy.hasAggregator ? 'aggregator' : 'hold';
  switch (override) {
    case 'direct':
      return 'direct';
    case 'fallback':
      return fallback;
    case 'hold':
      return 'hold';
    case undefined:
      if (mode === 'direct') return 'direct';
      return policy.categories[category] === 'fallback' ? fallback : 'hold';
  }
}
