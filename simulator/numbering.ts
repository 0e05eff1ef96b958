// The number-portability database: a pure function of (seed, number), so it
// holds every Japanese mobile number without storing any.
//
//   domestic   0 9 0 D X X X X X X X      international  +81 9 0 D X X X X X X X
//              └┬┘   └ 4th digit: 0-3 docomo, 4-6 au, 7-9 softbank (home carrier)
//          060/070/080/090, never 0800 (toll-free) or 020 (M2M):
//          the plan is src/domain/numbering-plan.ts, shared with the core
//          and the scenario library
//
// A share `portedShare` of numbers (chosen by unitFor(seed, number)) has moved
// to one of the two other carriers (again chosen by the seed).
import { homeCarrierOf as homeCarrierOfDomestic, isMobileDomestic } from '../src/domain/index.ts';
import { unitFor } from '../src/runtime/index.ts';
import { CARRIERS, type CarrierName } from './carrier.ts';
import type { CarrierProfile } from './profile.ts';

export type HandsetFate = 'deliverable' | 'unreachable' | 'undeliverable';

export interface NumberRecord {
  /** E.164 without '+', e.g. 819012345678. */
  number: string;
  homeCarrier: CarrierName;
  carrier: CarrierName;
  ported: boolean;
  fate: HandsetFate;
}

/** The canonical form (81...) of a Japanese mobile number (the shared plan: no 0800, no 020), or undefined for anything else. */
export function canonicalNumber(input: string): string | undefined {
  const s = input.replace(/[-\s]/g, '');
  const international = /^\+?81/.test(s) && !s.startsWith('0');
  const domestic = international ? `0${s.replace(/^\+?81/, '')}` : s;
  return isMobileDomestic(domestic) ? `81${domestic.slice(1)}` : undefined;
}

/** Home carrier from the 4th digit of the domestic form (canonical index 4). */
export function homeCarrierOf(canonical: string): CarrierName {
  return homeCarrierOfDomestic(`0${canonical.slice(2)}`);
}

/** Fate from the shares of the carrier serving the number, deterministic in (seed, number). */
export function fateOf(seed: number, canonical: string, handset: Pick<CarrierProfile['handset'], 'unreachableShare' | 'undeliverableShare'>): HandsetFate {
  const u = unitFor(seed, `fate:${canonical}`);
  if (u < handset.unreachableShare) return 'unreachable';
  if (u < handset.unreachableShare + handset.undeliverableShare) return 'undeliverable';
  return 'deliverable';
}

export class NumberDatabase {
  constructor(
    private readonly seed: number,
    private readonly portedShare: number,
    private readonly handsetOf: (carrier: CarrierName) => Pick<CarrierProfile['handset'], 'unreachableShare' | 'undeliverableShare'>,
  ) {}

  /** The carrier currently serving a canonical number. */
  carrierOf(canonical: string): { homeCarrier: CarrierName; carrier: CarrierName; ported: boolean } {
    const homeCarrier = homeCarrierOf(canonical);
    if (unitFor(this.seed, `ported:${canonical}`) >= this.portedShare) return { homeCarrier, carrier: homeCarrier, ported: false };
    const others = CARRIERS.filter((c) => c !== homeCarrier);
    const carrier = others[unitFor(this.seed, `ported-to:${canonical}`) < 0.5 ? 0 : 1] as CarrierName;
    return { homeCarrier, carrier, ported: true };
  }

  /** The whole record, or undefined when `input` is not a Japanese mobile number. */
  lookup(input: string): NumberRecord | undefined {
    const number = canonicalNumber(input);
    if (!number) return undefined;
    const where = this.carrierOf(number);
    return { number, ...where, fate: fateOf(this.seed, number, this.handsetOf(where.carrier)) };
  }
}
