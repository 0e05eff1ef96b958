// The traffic fixture: every message body and recipient a run will use,
// generated once in Node before the run (with the run's seed) and read by
// VU code through `open()` + `SharedArray` (traffic.ts). Node side only:
// it pulls in faker through messages.ts.
//
// Recipients come from the simulator's number ranges and carry the fate the
// simulator will give them (asked through POST /v1/numbers/lookup by the
// orchestrator), so each acceptance can be counted as deliverable or not and
// the OTP on-time rate judges the gateway only on handsets that exist.
import { CATEGORIES, mobileNumber, MOBILE_PREFIXES, type Carrier, type MobilePrefix } from '../../src/domain/index.ts';
import { japaneseFaker, MESSAGE_FACTORIES, type MessageCategory } from './messages.ts';

export const FIXTURE_VERSION = 1;
export const FIXTURE_CATEGORIES: readonly MessageCategory[] = CATEGORIES;

export type { Carrier };
export type HandsetFate = 'deliverable' | 'unreachable' | 'undeliverable';

/** One recipient after the simulator's lookup. */
export interface Recipient {
  /** The number as a sender would type it (domestic 0X0... or +81...). */
  to: string;
  /** Canonical form, E.164 without '+': 81XXXXXXXXXX. */
  number: string;
  carrier: Carrier;
  fate: HandsetFate;
  /** The number has moved from its prefix's carrier (number portability): `carrier` is where it went. */
  ported?: boolean;
}

export interface FixtureMessage {
  to: string;
  text: string;
  carrier: Carrier;
  deliverable: boolean;
  /** Sent to a ported number (a gateway routing by prefix alone sends it to the wrong carrier). */
  ported: boolean;
}

export interface TrafficFixture {
  version: number;
  runId: string;
  seed: number;
  /** Per category a pool of messages; VUs take entry seq % length. */
  messages: Record<MessageCategory, FixtureMessage[]>;
}

/**
 * Candidate mobile numbers spread over the three carriers' ranges: the 4th
 * domestic digit picks the home carrier (0-3 docomo, 4-6 au, 7-9 softbank),
 * the prefix is 090/080/070/060 (src/domain/numbering-plan.ts; 0800 is
 * toll-free, never drawn). Half of them are written
 * in the +81 form, as real senders do.
 */
/** How often each mobile prefix is drawn: 060 is new and rare. */
const PREFIX_WEIGHTS: { value: MobilePrefix; weight: number }[] = MOBILE_PREFIXES.map((value) => ({ value, weight: { '090': 5, '080': 4, '070': 2, '060': 1 }[value] }));

export function candidateNumbers(seed: number, count: number): string[] {
  const faker = japaneseFaker(seed ^ 0x5eed);
  const seen = new Set<string>();
  const out: string[] = [];
  // Bounded: the number space is ~10^9 per prefix, collisions are rare.
  for (let attempt = 0; out.length < count && attempt < count * 10; attempt++) {
    const prefix = faker.helpers.weightedArrayElement(PREFIX_WEIGHTS);
    // The shared plan refuses what is not a mobile (0800 is toll-free, フリーダイヤル).
    const domestic = mobileNumber(prefix, faker.number.int({ min: 0, max: 99_999_999 }));
    if (domestic === undefined || seen.has(domestic)) continue;
    seen.add(domestic);
    out.push(faker.number.float() < 0.5 ? domestic : `+81${domestic.slice(1)}`);
  }
  return out;
}

export interface FixtureOptions {
  runId: string;
  seed: number;
  /** Looked-up recipients; pass only those the gateway is expected to reach. */
  recipients: readonly Recipient[];
  /** Messages per category pool (default 400). */
  poolSize?: number;
}

/** Pure: the same seed and recipients give the same fixture. */
export function buildFixture(options: FixtureOptions): TrafficFixture {
  const { runId, seed, recipients } = options;
  if (recipients.length === 0) throw new RangeError('buildFixture needs at least one recipient');
  const poolSize = options.poolSize ?? 400;
  const messages = {} as Record<MessageCategory, FixtureMessage[]>;
  for (const [i, category] of FIXTURE_CATEGORIES.entries()) {
    const faker = japaneseFaker((seed * 31 + i + 1) >>> 0);
    const write = MESSAGE_FACTORIES[category];
    const pool: FixtureMessage[] = [];
    for (let n = 0; n < poolSize; n++) {
      const r = recipients[faker.number.int({ min: 0, max: recipients.length - 1 })] as Recipient;
      pool.push({ to: r.to, text: write(faker), carrier: r.carrier, deliverable: r.fate === 'deliverable', ported: r.ported === true });
    }
    messages[category] = pool;
  }
  return { version: FIXTURE_VERSION, runId, seed, messages };
}
