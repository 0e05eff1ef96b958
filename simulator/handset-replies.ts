// The MO side of one carrier's SMSC: handsets that received a message write
// back to its sender at the profile's rate (profile.mo), and the control API
// can inject one. MOs go to the bound ESME (the profile's system_id) through
// an outbox of their own, so they never take the receipts' slots: 16 in
// flight per session next to the receipts' 100, of the session's 128.
import type { Clock, Random, TimerHandle } from '../src/runtime/index.ts';
import { CommandStatus, type SmppServerSession } from '../src/smpp/index.ts';
import type { CarrierCounters } from './counters.ts';
import { moFields, moText, nextMoGapMs, RecentSenders, type MobileOriginated } from './mobile-originated.ts';
import type { CarrierProfile } from './profile.ts';
import { ReceiptOutbox } from './receipt-outbox.ts';

export interface HandsetRepliesOptions {
  readonly clock: Clock;
  readonly profile: () => CarrierProfile;
  readonly counters: CarrierCounters;
}

export class HandsetReplies {
  private readonly outbox: ReceiptOutbox<MobileOriginated>;
  private readonly recent = new RecentSenders();
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly o: HandsetRepliesOptions) {
    this.outbox = new ReceiptOutbox<MobileOriginated>({
      perSessionInFlight: 16,
      highWater: 5_000,
      build: (mo) => moFields(mo),
      onSent: () => o.counters.moSent++,
      onSettled: (_mo, status) => {
        if (status === CommandStatus.ESME_ROK) o.counters.moAcked++;
        else o.counters.moFailed++;
      },
      maxQueued: 100_000,
      maxRequeues: 20,
      retry: () => ({ maxAttempts: o.profile().receipts.maxAttempts, delayMs: o.profile().receipts.retryAfterMs }),
      held: () => false,
      onRetry: () => {},
      onDropped: () => o.counters.moFailed++,
    });
  }

  addReceiver(systemId: string, session: SmppServerSession): void {
    this.outbox.addReceiver(systemId, session);
  }

  removeReceiver(systemId: string, session: SmppServerSession): void {
    this.outbox.removeReceiver(systemId, session);
  }

  /** A message from `sender` reached `handset`: it may be answered. */
  heard(handset: string, sender: string): void {
    this.recent.heard(handset, sender);
  }

  /** Queue one MO to the bound ESME now. */
  send(mo: MobileOriginated): void {
    this.outbox.enqueue(this.o.profile().credentials.systemId, mo);
  }

  /** (Re)start generating at the profile's rate from `random`: one timer, one MO per firing, re-armed each time. */
  arm(random: Random): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const gap = nextMoGapMs(this.o.profile().mo, random);
    if (this.closed || !Number.isFinite(gap)) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      const heard = this.recent.pick(random);
      if (heard) this.send({ from: heard.handset, to: heard.sender, text: moText(this.o.profile().mo, random) });
      this.arm(random);
    }, gap);
  }

  /** Forget who heard from whom (a reset replays like the first run). */
  reset(random: Random): void {
    this.recent.clear();
    this.arm(random);
  }

  close(): void {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.outbox.clear();
  }
}
