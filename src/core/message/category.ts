// Message categories, in dispatch priority order: an OTP never waits behind
// a notice, a notice never behind dunning, dunning never behind a promotion.
export const CATEGORIES = ['otp', 'notice', 'dunning', 'promotion'] as const;
export type Category = (typeof CATEGORIES)[number];

/** 0 = most urgent. */
export function categoryPriority(category: Category): number {
  return CATEGORIES.indexOf(category);
}

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
