// Japanese mobile numbers. Accepted spellings: domestic `090-1234-5678` /
// `09012345678` (spaces and hyphens ignored, full-width digits folded), or
// international `+819012345678` / `819012345678`. Canonical form: E.164
// without '+', e.g. `819012345678`. Only 060/070/080/090 are mobiles; every
// other number is rejected with a reason the API can show to the caller.
// The plan itself (prefixes, length, 0800) is src/domain/numbering-plan.ts.

import { hasMobilePrefix, isMobileDomestic } from '../../domain/index.ts';

export type PhoneNumberRejection =
  | 'empty'
  | 'not_digits'
  | 'not_japanese'
  | 'wrong_length'
  | 'm2m'
  | 'ip_phone'
  | 'toll_free'
  | 'landline';

export type PhoneNumberResult =
  | { readonly ok: true; readonly canonical: string; readonly domestic: string }
  | { readonly ok: false; readonly reason: PhoneNumberRejection; readonly message: string };

const SEPARATORS = /[\s\-‐‑‒–—―−ー()]/g;

function reject(reason: PhoneNumberRejection, message: string): PhoneNumberResult {
  return { ok: false, reason, message };
}

/** Normalise one number to its canonical E.164-without-plus form, or say why not. */
export function normalisePhoneNumber(input: string): PhoneNumberResult {
  // NFKC folds full-width digits and plus (０９０, ＋８１) into ASCII.
  const folded = input.normalize('NFKC').replace(SEPARATORS, '');
  if (folded.length === 0) return reject('empty', 'is empty');
  let digits: string;
  let international = false;
  if (folded.startsWith('+')) {
    digits = folded.slice(1);
    international = true;
  } else {
    digits = folded;
  }
  if (!/^\d+$/.test(digits)) return reject('not_digits', 'must contain only digits, spaces, hyphens and a leading +');
  if (international || (digits.startsWith('81') && !digits.startsWith('0'))) {
    if (!digits.startsWith('81')) return reject('not_japanese', 'is not a Japanese number (+81)');
    const rest = digits.slice(2);
    digits = rest.startsWith('0') ? rest : `0${rest}`;
  }
  if (!digits.startsWith('0')) return reject('not_japanese', 'is not a Japanese number: use 0X0 domestic or +81 form');
  return classifyDomestic(digits);
}

function classifyDomestic(domestic: string): PhoneNumberResult {
  if (domestic.startsWith('020')) return reject('m2m', 'is an 020 M2M number, not a handset');
  if (domestic.startsWith('050')) return reject('ip_phone', 'is an 050 IP phone number, not a mobile');
  if (domestic.startsWith('0120') || domestic.startsWith('0800') || domestic.startsWith('0570')) {
    return reject('toll_free', 'is a toll-free or navi-dial number, not a mobile');
  }
  if (hasMobilePrefix(domestic)) {
    if (!isMobileDomestic(domestic)) {
      return reject('wrong_length', `must have 11 digits in domestic form (got ${domestic.length})`);
    }
    return { ok: true, canonical: `81${domestic.slice(1)}`, domestic };
  }
  return reject('landline', 'is not a mobile number (mobiles start 060, 070, 080 or 090)');
}

/** Domestic form of a canonical number: `819012345678` -> `09012345678`. */
export function domesticForm(canonical: string): string {
  return canonical.startsWith('81') ? `0${canonical.slice(2)}` : canonical;
}
