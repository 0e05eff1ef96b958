import { FINAL_STATUSES, NO_FINAL, finalStatusCode, finalStatusName, type FinalStatus } from './callback-status.ts';

// What the sink remembers about the status callbacks of each run. Memory is
// bounded: one compact record per seq (typed arrays, ~23 bytes plus the
// seq -> slot map entry), at most `maxSeqsPerRun` seqs per run and `maxRuns`
// runs; anything beyond is counted in `dropped`, never silently ignored.

export interface CallbackEvent {
  runId: string;
  seq: number;
  status: string;
  /** The gateway's own event time (`at` in the body), ms since the epoch, if given. */
  at?: number;
  /** When the sink received it, ms since the epoch (the sink's clock). */
  arrivedAt: number;
}

export interface SeqFinal {
  seq: number;
  /** The first final status received (the one a sender would act on). */
  status: FinalStatus;
  /** Arrival of that first final callback, ms since the epoch. */
  arrivedAt: number;
  /** The gateway's `at` of that callback, when it gave one. */
  at?: number;
  /** How many final callbacks arrived for this seq (1 = no duplicate). */
  finalCount: number;
}

export interface SinkRunSnapshot {
  runId: string;
  /** Callbacks accepted for this run (signature ok, body well formed). */
  received: number;
  /** Seqs with at least one final status. */
  finals: number;
  /** Final callbacks beyond the first, per seq, summed. */
  duplicates: number;
  /** Of those duplicates, the ones whose status differs from the first final. */
  conflicting: number;
  /** A non-final status after a final one, or an event older (by `at`) than one already received. */
  outOfOrder: number;
  /** Non-final callbacks (e.g. `submitted`). */
  nonFinal: number;
  /** Callbacks not recorded because the per-run seq cap was reached. */
  dropped: number;
  /** Count of callbacks received by status (finals and non-finals). */
  byStatus: Record<string, number>;
  firstArrivalAt?: number;
  lastArrivalAt?: number;
  /** Seqs with a final status, ascending by seq. */
  seqs: SeqFinal[];
  /** Sink-wide counters (not attributable to a run, as the body is untrusted or unreadable). */
  sink: { badSignatures: number; malformed: number; unmatched: number; droppedRuns: number };
}

const INITIAL_SLOTS = 1024;

class RunCallbacks {
  readonly slotOf = new Map<number, number>();
  seqs = new Uint32Array(INITIAL_SLOTS);
  status = new Uint8Array(INITIAL_SLOTS);
  finalCount = new Uint16Array(INITIAL_SLOTS);
  firstFinalArrival = new Float64Array(INITIAL_SLOTS);
  firstFinalAt = new Float64Array(INITIAL_SLOTS);
  latestAt = new Float64Array(INITIAL_SLOTS);
  size = 0;
  received = 0;
  duplicates = 0;
  conflicting = 0;
  outOfOrder = 0;
  nonFinal = 0;
  dropped = 0;
  finals = 0;
  readonly byStatus = new Map<string, number>();
  firstArrivalAt: number | undefined;
  lastArrivalAt: number | undefined;

  slot(seq: number, cap: number): number | undefined {
    const existing = this.slotOf.get(seq);
    if (existing !== undefined) return existing;
    if (this.size >= cap) return undefined;
    if (this.size === this.seqs.length) this.grow();
    const s = this.size++;
    this.slotOf.set(seq, s);
    this.seqs[s] = seq;
    this.firstFinalAt[s] = Number.NaN;
    this.latestAt[s] = Number.NaN;
    return s;
  }

  private grow(): void {
    const n = this.seqs.length * 2;
    const widen = <T extends Uint32Array | Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.seqs = widen(this.seqs, (k) => new Uint32Array(k));
    this.status = widen(this.status, (k) => new Uint8Array(k));
    this.finalCount = widen(this.finalCount, (k) => new Uint16Array(k));
    this.firstFinalArrival = widen(this.firstFinalArrival, (k) => new Float64Array(k));
    this.firstFinalAt = widen(this.firstFinalAt, (k) => new Float64Array(k));
    this.latestAt = widen(this.latestAt, (k) => new Float64Array(k));
  }
}

export interface CallbackLedgerLimits {
  maxRuns: number;
  maxSeqsPerRun: number;
}

export class CallbackLedger {
  private readonly runs = new Map<string, RunCallbacks>();
  private badSignatures = 0;
  private malformed = 0;
  private unmatched = 0;
  private droppedRuns = 0;

  constructor(private readonly limits: CallbackLedgerLimits = { maxRuns: 64, maxSeqsPerRun: 2_000_000 }) {}

  noteBadSignature(): void {
    this.badSignatures++;
  }
  noteMalformed(): void {
    this.malformed++;
  }
  /** A well-formed, authentic callback whose client_ref is not `<runId>-<seq>`. */
  noteUnmatched(): void {
    this.unmatched++;
  }

  record(event: CallbackEvent): void {
    let run = this.runs.get(event.runId);
    if (!run) {
      if (this.runs.size >= this.limits.maxRuns) {
        this.droppedRuns++;
        return;
      }
      run = new RunCallbacks();
      this.runs.set(event.runId, run);
    }
    run.received++;
    run.byStatus.set(event.status, (run.byStatus.get(event.status) ?? 0) + 1);
    run.firstArrivalAt ??= event.arrivedAt;
    run.lastArrivalAt = event.arrivedAt;
    const s = run.slot(event.seq, this.limits.maxSeqsPerRun);
    if (s === undefined) {
      run.dropped++;
      return;
    }
    const code = finalStatusCode(event.status);
    const hadFinal = (run.status[s] as number) !== NO_FINAL;
    const latest = run.latestAt[s] as number;
    const at = event.at;
    const older = at !== undefined && !Number.isNaN(latest) && at < latest;
    if (older || (hadFinal && code === NO_FINAL)) run.outOfOrder++;
    if (at !== undefined && (Number.isNaN(latest) || at > latest)) run.latestAt[s] = at;
    if (code === NO_FINAL) {
      run.nonFinal++;
      return;
    }
    if (hadFinal) {
      run.duplicates++;
      if (run.status[s] !== code) run.conflicting++;
      run.finalCount[s] = Math.min(0xffff, (run.finalCount[s] as number) + 1);
      return;
    }
    run.finals++;
    run.status[s] = code;
    run.finalCount[s] = 1;
    run.firstFinalArrival[s] = event.arrivedAt;
    run.firstFinalAt[s] = at ?? Number.NaN;
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  snapshot(runId: string): SinkRunSnapshot {
    const run = this.runs.get(runId);
    const sink = { badSignatures: this.badSignatures, malformed: this.malformed, unmatched: this.unmatched, droppedRuns: this.droppedRuns };
    if (!run) {
      return { runId, received: 0, finals: 0, duplicates: 0, conflicting: 0, outOfOrder: 0, nonFinal: 0, dropped: 0, byStatus: {}, seqs: [], sink };
    }
    const seqs: SeqFinal[] = [];
    for (let s = 0; s < run.size; s++) {
      const name = finalStatusName(run.status[s] as number);
      if (name === undefined) continue;
      const at = run.firstFinalAt[s] as number;
      seqs.push({
        seq: run.seqs[s] as number,
        status: name,
        arrivedAt: run.firstFinalArrival[s] as number,
        ...(Number.isNaN(at) ? {} : { at }),
        finalCount: run.finalCount[s] as number,
      });
    }
    seqs.sort((a, b) => a.seq - b.seq);
    const byStatus: Record<string, number> = {};
    for (const name of FINAL_STATUSES) {
      const n = run.byStatus.get(name);
      if (n) byStatus[name] = n;
    }
    for (const [name, n] of run.byStatus) byStatus[name] ??= n;
    return {
      runId,
      received: run.received,
      finals: run.finals,
      duplicates: run.duplicates,
      conflicting: run.conflicting,
      outOfOrder: run.outOfOrder,
      nonFinal: run.nonFinal,
      dropped: run.dropped,
      byStatus,
      ...(run.firstArrivalAt !== undefined ? { firstArrivalAt: run.firstArrivalAt } : {}),
      ...(run.lastArrivalAt !== undefined ? { lastArrivalAt: run.lastArrivalAt } : {}),
      seqs,
      sink,
    };
  }
}
