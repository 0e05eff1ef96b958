// Scheduled misbehaviour: faults that start now or later and last a while.
// The schedule owns one timer per edge (start, end) on the injected Clock and
// tells its listener when a fault begins or ends, so the SMSC can act on
// edges (drop every session at the start, release held receipts at the end);
// `effects(carrier, now)` answers what is in force at an instant.
//
//   kind             while active
//   refuse_binds     bind_* answered ESME_RBINDFAIL
//   drop_sessions    every session closed at the start; sessions bound while active are closed too
//   black_hole       submit_sm read and never answered (nor delivered)
//   slow_answers     every submit_sm_resp delayed by params.delayMs more (default 1000 ms)
//   receipt_backlog  receipts held; released in one burst when it ends
//   outage           refuse_binds + drop_sessions
import type { Clock, TimerHandle } from '../src/runtime/index.ts';
import type { SmscName } from './carrier.ts';

/** slow_answers without params.delayMs: one second more per submit_sm_resp (a fault that changes nothing would be a surprise). */
export const SLOW_ANSWERS_DEFAULT_MS = 1000;

export const FAULT_KINDS = ['refuse_binds', 'drop_sessions', 'black_hole', 'slow_answers', 'receipt_backlog', 'outage'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultParams {
  delayMs?: number;
}

export interface Fault {
  id: string;
  carrier: SmscName;
  kind: FaultKind;
  startsAt: number;
  endsAt: number;
  params: FaultParams;
}

export interface FaultSpec {
  carrier: SmscName;
  kind: FaultKind;
  startInMs: number;
  durationMs: number;
  params: FaultParams;
}

export interface FaultEffects {
  refuseBinds: boolean;
  dropSessions: boolean;
  blackHole: boolean;
  slowMs: number;
  holdReceipts: boolean;
}

export const NO_EFFECTS: FaultEffects = Object.freeze({ refuseBinds: false, dropSessions: false, blackHole: false, slowMs: 0, holdReceipts: false });

export interface FaultListener {
  onStart(fault: Fault): void;
  onEnd(fault: Fault): void;
}

interface Entry {
  fault: Fault;
  started: boolean;
  startTimer: TimerHandle | undefined;
  endTimer: TimerHandle | undefined;
}

export function effectsOf(faults: Iterable<Fault>, carrier: SmscName, now: number): FaultEffects {
  let e: FaultEffects | undefined;
  for (const f of faults) {
    if (f.carrier !== carrier || now < f.startsAt || now >= f.endsAt) continue;
    e ??= { ...NO_EFFECTS };
    switch (f.kind) {
      case 'refuse_binds':
        e.refuseBinds = true;
        break;
      case 'drop_sessions':
        e.dropSessions = true;
        break;
      case 'outage':
        e.refuseBinds = true;
        e.dropSessions = true;
        break;
      case 'black_hole':
        e.blackHole = true;
        break;
      case 'slow_answers':
        e.slowMs += f.params.delayMs ?? SLOW_ANSWERS_DEFAULT_MS;
        break;
      case 'receipt_backlog':
        e.holdReceipts = true;
        break;
    }
  }
  return e ?? NO_EFFECTS;
}

export class FaultSchedule {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly listener: FaultListener,
  ) {}

  add(spec: FaultSpec): Fault {
    const now = this.clock.now();
    const fault: Fault = { id: `f${this.nextId++}`, carrier: spec.carrier, kind: spec.kind, startsAt: now + spec.startInMs, endsAt: now + spec.startInMs + spec.durationMs, params: { ...spec.params } };
    const entry: Entry = { fault, started: false, startTimer: undefined, endTimer: undefined };
    this.entries.set(fault.id, entry);
    entry.startTimer = this.clock.setTimeout(() => {
      entry.startTimer = undefined;
      entry.started = true;
      this.listener.onStart(fault);
    }, spec.startInMs);
    entry.endTimer = this.clock.setTimeout(() => this.finish(fault.id), spec.startInMs + spec.durationMs);
    return fault;
  }

  /** Ends (or cancels) a fault now; false when there is none with that id. */
  remove(id: string): boolean {
    if (!this.entries.has(id)) return false;
    this.finish(id);
    return true;
  }

  list(): Fault[] {
    return [...this.entries.values()].map((e) => e.fault);
  }

  effects(carrier: SmscName): FaultEffects {
    if (this.entries.size === 0) return NO_EFFECTS;
    return effectsOf(
      [...this.entries.values()].filter((e) => e.started).map((e) => e.fault),
      carrier,
      this.clock.now(),
    );
  }

  /** Cancels every fault, ending those in force (their end actions run). */
  clear(): void {
    for (const id of [...this.entries.keys()]) this.finish(id);
  }

  private finish(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.clock.clearTimeout(entry.startTimer);
    this.clock.clearTimeout(entry.endTimer);
    if (entry.started) this.listener.onEnd(entry.fault);
  }
}
