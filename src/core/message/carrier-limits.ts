// The carrier's own length rule on top of the 10-segment one: a long
// full-width message docomo would refuse (over 660) is refused at accept,
// with the carrier and its limit named, rather than failing at the SMSC.
import { LONG_MESSAGE_LIMITS, type Carrier } from '../../domain/index.ts';
import type { Encoding } from './segmentation.ts';

/** Why `carrier` would refuse a text of `units` (UTF-16 units or septets) in `encoding`, or undefined when it takes it. */
export function carrierLengthProblem(carrier: Carrier, encoding: Encoding, characters: number, units: number): string | undefined {
  const limit = LONG_MESSAGE_LIMITS[carrier];
  const max = encoding === 'UCS-2' ? limit.maxUcs2Chars : limit.maxGsmChars;
  if (units <= max) return undefined;
  const what = encoding === 'UCS-2' ? 'UCS-2 units' : 'GSM-7 septets';
  return `is ${characters} characters (${units} ${what}); ${carrier} accepts at most ${max} ${what} in one long message`;
}
