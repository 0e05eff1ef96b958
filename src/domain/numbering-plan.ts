// The Japanese mobile number plan, as denpa uses it everywhere: the core's
// validation and routing, the simulator's number database and the scenario
// library's number generator all read it from here, so a number one of them
// accepts is a number the others accept.
//
//   mobile      0X0-DXXX-XXXX  11 digits, X0 = 60, 70, 80 or 90
//               (060 is allocated to mobiles from July 2026)
//   not mobile  0800-XXX-XXXX  toll-free (フリーダイヤル): it overlaps 080-0,
//                              so 080 followed by 0 is never a mobile
//               020            M2M and pagers: not a handset, refused
//   home carrier (the simulator's allocation, and the core's default routing):
//               the 4th domestic digit D: 0-3 docomo, 4-6 au, 7-9 softbank
//
// Plain ECMAScript only (no Node built-ins): k6 runs scenario code.
import type { Carrier } from './carriers.ts';

export const MOBILE_PREFIXES = ['090', '080', '070', '060'] as const;
export type MobilePrefix = (typeof MOBILE_PREFIXES)[number];

/** Digits of a mobile number in domestic form (with the leading 0). */
export const MOBILE_DIGITS = 11;

/** Prefixes inside a mobile range that belong to something else. */
export const NON_MOBILE_PREFIXES = ['0800'] as const;

/** Is `domestic` (digits only, leading 0) a Japanese mobile number? */
export function isMobileDomestic(domestic: string): boolean {
  if (domestic.length !== MOBILE_DIGITS || !/^\d+$/.test(domestic)) return false;
  if (!(MOBILE_PREFIXES as readonly string[]).includes(domestic.slice(0, 3))) return false;
  return !NON_MOBILE_PREFIXES.some((p) => domestic.startsWith(p));
}

/** Does `domestic` start like a mobile (0X0), whatever its length? */
export function hasMobilePrefix(domestic: string): boolean {
  return (MOBILE_PREFIXES as readonly string[]).includes(domestic.slice(0, 3)) && !NON_MOBILE_PREFIXES.some((p) => domestic.startsWith(p));
}

/** The home carrier of a 4th domestic digit (0-9). */
export function homeCarrierOfDigit(digit: number): Carrier {
  return digit <= 3 ? 'docomo' : digit <= 6 ? 'au' : 'softbank';
}

/** The home carrier of a mobile number in domestic form. */
export function homeCarrierOf(domestic: string): Carrier {
  return homeCarrierOfDigit(domestic.charCodeAt(3) - 48);
}

/**
 * The mobile number for `prefix` and an 8-digit `subscriber` (0..99,999,999),
 * or undefined when that would fall in a non-mobile range (0800...).
 */
export function mobileNumber(prefix: MobilePrefix, subscriber: number): string | undefined {
  const domestic = prefix + String(Math.floor(subscriber) % 100_000_000).padStart(8, '0');
  return isMobileDomestic(domestic) ? domestic : undefined;
}
