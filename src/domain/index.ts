// The shared vocabulary: words that the core, the simulator, the harness and
// the scenarios must spell alike. Plain ECMAScript, no Node built-ins.
export { CARRIERS, type Carrier, isCarrier, carrierIndex } from './carriers.ts';
export { CATEGORIES, type Category, isCategory, categoryPriority } from './categories.ts';
export { MOBILE_PREFIXES, MOBILE_DIGITS, NON_MOBILE_PREFIXES, isMobileDomestic, hasMobilePrefix, homeCarrierOf, homeCarrierOfDigit, mobileNumber, type MobilePrefix } from './numbering-plan.ts';
export { LONG_MESSAGE_LIMITS, type LongMessageLimit } from './long-messages.ts';
