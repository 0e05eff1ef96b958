// The delivery thread's routes: one fallback switch per carrier, fed by its
// direct links, and the operators' standing overrides (replaced whole by
// setOverrides). Every carrier queue asks it, per claim, where each of its
// categories goes now. The decisions are route-switch.ts; this keeps the
// state and tells metrics and logs when a switch flips.
import type { Clock } from '../../runtime/index.ts';
import type { Carrier, Category } from '../store/index.ts';
import type { RouteOverride } from './route-override.ts';
import { chooseRoute, DIRECT, nextSwitchState, overrideFor, type ChoicePolicy, type LinkHealth, type RouteChoice, type SwitchMode, type SwitchPolicy, type SwitchState } from './route-switch.ts';

export interface RouteTableOptions extends SwitchPolicy, ChoicePolicy {
  readonly clock: Clock;
  /** The automatic switch of `carrier` flipped to `to`. */
  readonly onSwitch?: (carrier: Carrier, to: SwitchMode, why: string) => void;
}

interface CarrierRoute {
  state: SwitchState;
  health: { downSince: number | undefined; upSince: number | undefined; failingSince: number | undefined };
}

export class RouteTable {
  private readonly carriers = new Map<Carrier, CarrierRoute>();
  private overrides: readonly RouteOverride[] = [];

  constructor(private readonly o: RouteTableOptions) {}

  /** The switch's mode for `carrier` now (re-judged at this instant). Without an aggregator it never leaves direct. */
  mode(carrier: Carrier): SwitchMode {
    const r = this.entry(carrier);
    if (!this.o.hasAggregator) return 'direct';
    const next = nextSwitchState(r.state, r.health, this.o, this.o.clock.now());
    if (next !== r.state) {
      const why = next.mode === 'fallback' ? (r.health.downSince !== undefined ? 'no direct bind bound' : 'direct submits failing') : 'direct bind bound again';
      r.state = next;
      // A fresh start for the direct links: their failures before the switch are not held against them.
      if (next.mode === 'direct') r.health.failingSince = undefined;
      this.o.onSwitch?.(carrier, next.mode, why);
    }
    return r.state.mode;
  }

  /** Where a message of `carrier`'s `category` goes if claimed now. */
  choose(carrier: Carrier, category: Category): RouteChoice {
    return chooseRoute(this.mode(carrier), overrideFor(this.overrides, carrier, category), category, this.o);
  }

  /** The operators' standing list, replacing the last one whole ([] clears every override). */
  setOverrides(list: readonly RouteOverride[]): void {
    this.overrides = list.map((o) => ({ ...o }));
  }

  get standingOverrides(): readonly RouteOverride[] {
    return this.overrides;
  }

  /** The direct links of `carrier` now have `bound` binds up. */
  bound(carrier: Carrier, bound: number): void {
    const h = this.entry(carrier).health;
    const now = this.o.clock.now();
    if (bound > 0) {
      h.downSince = undefined;
      h.upSince ??= now;
    } else {
      h.upSince = undefined;
      h.downSince ??= now;
    }
  }

  /** A direct submit got an answer that shows the link works. */
  submitAnswered(carrier: Carrier): void {
    this.entry(carrier).health.failingSince = undefined;
  }

  /** A direct submit timed out, lost its session or got a temporary error. */
  submitFailed(carrier: Carrier): void {
    this.entry(carrier).health.failingSince ??= this.o.clock.now();
  }

  health(carrier: Carrier): LinkHealth {
    return { ...this.entry(carrier).health };
  }

  private entry(carrier: Carrier): CarrierRoute {
    let r = this.carriers.get(carrier);
    if (!r) {
      // Not bound until the link says so: a carrier whose links never come up falls back failAfterMs after start.
      r = { state: DIRECT, health: { downSince: this.o.clock.now(), upSince: undefined, failingSince: undefined } };
      this.carriers.set(carrier, r);
    }
    return r;
  }
}
