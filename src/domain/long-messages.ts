// How long a concatenated ("long") SMS each carrier accepts. All three take
// 10 segments; in full-width (UCS-2) text docomo stops at 660 characters
// and au and SoftBank at 670 (10 x 67), counted in UTF-16 units as the
// segments carry them. Half-width (GSM-7) text is bounded by the 10
// segments alone: 1,530 septets. The core refuses at accept what the
// carrier it routes to would refuse; the simulator's carriers refuse the
// same by default.
//
// Plain ECMAScript only (no Node built-ins): k6 runs scenario code.
import type { Carrier } from './carriers.ts';

export interface LongMessageLimit {
  readonly maxSegments: number;
  /** UTF-16 units of full-width (UCS-2) text. */
  readonly maxUcs2Chars: number;
  /** Septets of half-width (GSM-7) text. */
  readonly maxGsmChars: number;
}

export const LONG_MESSAGE_LIMITS: Readonly<Record<Carrier, LongMessageLimit>> = {
  docomo: { maxSegments: 10, maxUcs2Chars: 660, maxGsmChars: 1530 },
  au: { maxSegments: 10, maxUcs2Chars: 670, maxGsmChars: 1530 },
  softbank: { maxSegments: 10, maxUcs2Chars: 670, maxGsmChars: 1530 },
};
