// The shared vocabulary: words that the core, the simulator, the harness and
// the scenarios must spell alike. Plain ECMAScript, no Node built-ins.
export { CARRIERS, type Carrier, isCarrier, carrierIndex } from './carriers.ts';
export { CATEGORIES, type Category, isCategory, categoryPriority } from './categories.ts';
