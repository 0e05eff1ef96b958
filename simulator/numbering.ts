// The number-portability database: a pure function of (seed, number), so it
// holds every Japanese mobile number without storing any.
//
//   domestic   0 9 0 D X X X X X X X      international  +81 9 0 D X X X X X X X
//              └┬┘   └ 4th digit: 0-3 docomo, 4-6 au, 7-9 softbank (home carrier)
//          060/070/080/090
//
// A share `portedShare` of numbers (chosen by unitFor(seed, number)) has moved
// to one of the two other carriers (again chosen by the seed).
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

const DOMESTIC = /^0([6789])0(\d{8})$/;
const INTERNATIONAL = /^\+?81([6789])0(\d{8})$/;

/** The canonical form (81...) of a Japanese mobile number, or undefined for anything else. */
export function canonicalNumber(input: string): string | undefined {
  const s = input.replace(/[-\s]/g, '');
  const m = DOMESTIC.exec(s) ?? INTERNATIONAL.exec(s);
  return m ? `81${m[1]}0${m[2]}` : undefined;
}

/** Home carrier from the 4th digit of the domestic form (canonical index 4). */
export function homeCarrierOf(canonical: string): CarrierName {
  const d = canonical.charCodeAt(4) - 48;
  return d <= 3 ? 'docomo' : d <= 6 ? 'au' : 'softbank';
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
