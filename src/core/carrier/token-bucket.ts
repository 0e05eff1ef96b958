// The TPS cap of one carrier link: a token bucket refilled continuously at
// `ratePerSecond`, holding at most `burst` tokens. Time comes from the
// injected clock, so tests drive it with ManualClock.
import type { Clock } from '../../runtime/index.ts';

// Refill adds fractions of a token; tolerate the float error of summing them.
const EPSILON = 1e-9;

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private rate: number,
    private size: number,
    private readonly clock: Clock,
  ) {
    TokenBucket.check(rate, size);
    this.tokens = size;
    this.last = clock.now();
  }

  private static check(ratePerSecond: number, burst: number): void {
    if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1, got ${burst}`);
  }

  get ratePerSecond(): number {
    return this.rate;
  }

  get burst(): number {
    return this.size;
  }

  /** A new rate and burst from now on (tokens already earned are kept, up to the new burst). */
  setRate(ratePerSecond: number, burst: number): void {
    TokenBucket.check(ratePerSecond, burst);
    this.refill();
    this.rate = ratePerSecond;
    this.size = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.size, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1 - EPSILON) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    return false;
  }

  /** Milliseconds until a token will be there (0 when one is there now). */
  msUntilToken(): number {
    this.refill();
    if (this.tokens >= 1 - EPSILON) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  /** Empty the bucket (the carrier said we were too fast): sending resumes at the refill rate. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  get available(): number {
    this.refill();
    return Math.floor(this.tokens + EPSILON);
  }
}
