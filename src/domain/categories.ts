// Message categories, in dispatch priority order: an OTP never waits behind
// a notice, a notice never behind dunning, dunning never behind a promotion.
//
// Plain ECMAScript only (no Node built-ins): the core, the simulator, the
// harness and the k6 scenarios all take the word from here.

export const CATEGORIES = ['otp', 'notice', 'dunning', 'promotion'] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** 0 = most urgent. */
export function categoryPriority(category: Category): number {
  return CATEGORIES.indexOf(category);
}
