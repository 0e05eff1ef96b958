// The requests a session has sent and not yet seen answered: matching
// responses to them by sequence_number, and failing them when their time is up.
//
// Every request on a session gets the same response timeout, so the Map
// (insertion order) is also deadline order: ONE timer watching the oldest
// entry serves them all, instead of a timer per request.

import type { Clock, TimerHandle } from '../runtime/index.ts';
import type { CommandName } from './constants.ts';
import { SmppGenericNackError, SmppParseError, SmppTimeoutError } from './errors.ts';
import type { Pdu } from './pdu.ts';

const RESPONSE_OF: Partial<Record<CommandName, CommandName>> = {
  bind_receiver: 'bind_receiver_resp',
  bind_transmitter: 'bind_transmitter_resp',
  bind_transceiver: 'bind_transceiver_resp',
  submit_sm: 'submit_sm_resp',
  deliver_sm: 'deliver_sm_resp',
  enquire_link: 'enquire_link_resp',
  unbind: 'unbind_resp',
  query_sm: 'query_sm_resp',
  cancel_sm: 'cancel_sm_resp',
  replace_sm: 'replace_sm_resp',
  data_sm: 'data_sm_resp',
  submit_multi: 'submit_multi_resp',
};

/** The response command for a request command (e.g. submit_sm -> submit_sm_resp). */
export function responseCommandOf(command: CommandName): CommandName | undefined {
  return RESPONSE_OF[command];
}

interface Pending {
  command: CommandName;
  resolve: (pdu: Pdu) => void;
  reject: (err: Error) => void;
  /** clock time after which the request has timed out. */
  deadline: number;
  windowed: boolean;
}

export interface PendingCounters {
  responsesReceived: number;
  timeouts: number;
  lateResponses: number;
}

export interface PendingHooks {
  /** A windowed request is over (answered, timed out or failed): give its slot back. */
  releaseSlot(): void;
  /** Something settled (close() waits on this). */
  settled(): void;
  /** A response came for a request that had already timed out. */
  late(pdu: Pdu): void;
}

/** How many timed-out sequence numbers to remember for spotting late answers. */
const TIMED_OUT_MEMORY = 4096;

export class PendingRequests {
  private readonly pending = new Map<number, Pending>();
  private readonly timedOut = new Set<number>();
  private sweepTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly counters: PendingCounters,
    private readonly hooks: PendingHooks,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Registers request `seq`; the promise settles with its response, a timeout or failAll. */
  add(seq: number, command: CommandName, windowed: boolean): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      const deadline = this.clock.now() + this.timeoutMs;
      this.pending.set(seq, { command, resolve, reject, deadline, windowed });
      if (!this.sweepTimer) this.armSweep(deadline);
    });
  }

  /** A response PDU arrived: settle the request it answers (or count it late, or ignore it). */
  answer(pdu: Pdu): void {
    const p = this.pending.get(pdu.sequence_number);
    if (!p) {
      if (this.timedOut.delete(pdu.sequence_number)) {
        this.counters.lateResponses++;
        this.hooks.late(pdu);
      }
      return;
    }
    this.pending.delete(pdu.sequence_number);
    this.counters.responsesReceived++;
    if (p.windowed) this.hooks.releaseSlot();
    if (pdu.command === 'generic_nack') p.reject(new SmppGenericNackError(p.command, pdu.command_status));
    else if (pdu.command !== responseCommandOf(p.command)) p.reject(new SmppParseError(`${p.command} was answered with ${pdu.command}`));
    else p.resolve(pdu);
    this.hooks.settled();
  }

  /** Fails every pending request with `err` (the session is gone). */
  failAll(err: Error): void {
    this.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      if (p.windowed) this.hooks.releaseSlot();
      p.reject(err);
    }
  }

  private armSweep(at: number): void {
    this.sweepTimer = this.clock.setTimeout(() => {
      this.sweepTimer = undefined;
      this.sweep();
    }, at - this.clock.now());
  }

  /** Fails every request past its deadline, then watches the oldest one left. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [seq, p] of this.pending) {
      if (p.deadline > now) {
        this.armSweep(p.deadline);
        break;
      }
      this.pending.delete(seq);
      this.counters.timeouts++;
      this.rememberTimedOut(seq);
      if (p.windowed) this.hooks.releaseSlot();
      p.reject(new SmppTimeoutError(p.command, this.timeoutMs));
    }
    this.hooks.settled();
  }

  private rememberTimedOut(seq: number): void {
    this.timedOut.add(seq);
    if (this.timedOut.size > TIMED_OUT_MEMORY) {
      const oldest = this.timedOut.values().next().value;
      if (oldest !== undefined) this.timedOut.delete(oldest);
    }
  }
}
