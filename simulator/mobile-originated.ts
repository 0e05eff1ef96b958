// Mobile-originated messages (two-way SMS): a handset writes back to a
// number that sent it a message. The SMSC hands an MO to the bound ESME as a
// deliver_sm whose esm_class is 0x00 (default message type), which is how
// the ESME tells it from a delivery receipt (esm_class 0x04):
//
//   deliver_sm  source_addr = handset (international, TON 1 NPI 1)
//               destination_addr = the number the handset replies to
//               esm_class 0x00, data_coding 0x00 (GSM-7) or 0x08 (UCS-2)
//
// Pure: who replies to whom (the recent senders a handset heard from) and
// what it says (an opt-out word at the configured share) come from a seeded
// random source; the SMSC sends what this plans.
import type { Random } from '../src/runtime/index.ts';
import { DataCoding, encodeGsm7, encodeUcs2, EsmClass, type DeliverSmFields } from '../src/smpp/index.ts';

export interface MobileOriginated {
  /** The handset, canonical (81…). */
  readonly from: string;
  /** The number or short code it writes to (as the message it answers came from). */
  readonly to: string;
  readonly text: string;
}

/** What the profile says about MO traffic. */
export interface MoSettings {
  /** MO messages per second from this carrier's handsets (0 = none); the gaps are exponential. */
  readonly perSecond: number;
  /** Share of MOs that are an opt-out word. */
  readonly optOutShare: number;
  readonly optOutTexts: readonly string[];
  readonly otherTexts: readonly string[];
}

/** The deliver_sm that carries an MO: text as explicit bytes and data_coding (the package never guesses, sharp edge 4). */
export function moFields(mo: MobileOriginated): DeliverSmFields {
  const gsm = encodeGsm7(mo.text);
  const digits = /^[0-9]+$/.test(mo.to);
  return {
    source_addr_ton: 0x01,
    source_addr_npi: 0x01,
    source_addr: mo.from,
    // A number is international (81…) or national (0…); a short code or alphanumeric name is 'unknown' type.
    dest_addr_ton: digits && mo.to.startsWith('81') ? 0x01 : digits && mo.to.startsWith('0') ? 0x02 : 0x00,
    dest_addr_npi: digits ? 0x01 : 0x00,
    destination_addr: mo.to,
    esm_class: EsmClass.DEFAULT,
    data_coding: gsm ? DataCoding.SMSC_DEFAULT : DataCoding.UCS2,
    short_message: gsm ?? encodeUcs2(mo.text),
  };
}

/** The gap before the next MO: exponential with mean 1/perSecond, in ms (Infinity when off). */
export function nextMoGapMs(s: MoSettings, random: Random): number {
  if (s.perSecond <= 0) return Infinity;
  return Math.max(1, Math.round((-Math.log(1 - random.next()) / s.perSecond) * 1000));
}

/** The text of a generated MO: an opt-out word at `optOutShare`, else another reply. */
export function moText(s: MoSettings, random: Random): string {
  const pick = (list: readonly string[]): string | undefined => (list.length === 0 ? undefined : list[Math.floor(random.next() * list.length)]);
  const optOut = random.next() < s.optOutShare;
  return (optOut ? pick(s.optOutTexts) : pick(s.otherTexts)) ?? pick(s.optOutTexts) ?? 'OK';
}

/**
 * The last `capacity` (handset, sender) pairs that reached a handset: a
 * generated MO answers one of them, so it goes to a number the ESME really
 * sent from. Bounded ring; nothing to answer means no MO.
 */
export class RecentSenders {
  private readonly ring: { handset: string; sender: string }[] = [];
  private next = 0;

  constructor(private readonly capacity = 1024) {}

  heard(handset: string, sender: string): void {
    const entry = { handset, sender };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  pick(random: Random): { handset: string; sender: string } | undefined {
    if (this.ring.length === 0) return undefined;
    return this.ring[Math.floor(random.next() * this.ring.length)];
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}
