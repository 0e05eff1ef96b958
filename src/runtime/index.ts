export { type Clock, type TimerHandle, SystemClock, ManualClock } from './clock.ts';
export { type Random, SeededRandom, hashString, unitFor } from './random.ts';
export { RunFailure } from './failure.ts';
