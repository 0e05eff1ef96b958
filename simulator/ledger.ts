// The truth ledger: what reached a handset, when, and in what state, as the
// simulator saw it. Probe messages (text ending in a probe token, read after
// reassembly) are recorded per run in compact columns; other messages are
// only counted. Latency sent->handset goes into HdrHistograms (microseconds)
// per category and per carrier, first delivery only, intact probes only (a
// token whose checksum fails cannot be trusted for its send time).
// At most MAX_RUNS runs are kept; the oldest is dropped when a new one starts.
import * as hdr from 'hdr-histogram-js';
import { decodeProbe, PROBE_CATEGORIES, type ProbeCategory } from '../src/probe/index.ts';
import { CARRIERS, ROUTES, type CarrierName, type Route } from './carrier.ts';
import type { FinalState } from './profile.ts';
import { ProbeRecords, type ProbeView } from './probe-records.ts';

export const MAX_RUNS = 64;

export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface GroupSummary {
  messages: number;
  duplicates: number;
  corrupted: number;
  latencyMs: LatencySummary;
  hdr: string;
}

export interface RunSummary {
  runId: string;
  messages: number;
  deliveries: number;
  duplicates: number;
  corrupted: number;
  byCategory: Record<ProbeCategory, GroupSummary>;
  byCarrier: Record<CarrierName, GroupSummary>;
  /** direct: through the serving carrier's own SMSC; aggregator: through the aggregator. */
  byRoute: Record<Route, GroupSummary>;
}

class Group {
  messages = 0;
  duplicates = 0;
  corrupted = 0;
  readonly histogram = hdr.build({ bitBucketSize: 32, numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, autoResize: true });

  summary(): GroupSummary {
    const h = this.histogram;
    const ms = (us: number) => Math.round(us) / 1000;
    const latencyMs: LatencySummary =
      h.totalCount === 0
        ? { count: 0, min: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 }
        : {
            count: h.totalCount,
            min: ms(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
            p50: ms(h.getValueAtPercentile(50)),
            p90: ms(h.getValueAtPercentile(90)),
            p95: ms(h.getValueAtPercentile(95)),
            p99: ms(h.getValueAtPercentile(99)),
            max: ms(h.maxValue),
            mean: ms(h.mean),
          };
    return { messages: this.messages, duplicates: this.duplicates, corrupted: this.corrupted, latencyMs, hdr: hdr.encodeIntoCompressedBase64(h) };
  }
}

class RunLedger {
  readonly records = new ProbeRecords();
  deliveries = 0;
  duplicates = 0;
  corrupted = 0;
  readonly byCategory = new Map<ProbeCategory, Group>(PROBE_CATEGORIES.map((c) => [c, new Group()]));
  readonly byCarrier = new Map<CarrierName, Group>(CARRIERS.map((c) => [c, new Group()]));
  readonly byRoute = new Map<Route, Group>(ROUTES.map((r) => [r, new Group()]));
  constructor(readonly runId: string) {}

  groups(i: number): [Group, Group, Group] {
    return [
      this.byCategory.get(this.records.categoryOf(i)) as Group,
      this.byCarrier.get(this.records.carrierOf(i)) as Group,
      this.byRoute.get(this.records.routeOf(i)) as Group,
    ];
  }
}

/** A handle on one recorded probe, kept by the SMSC until the message settles. */
export interface ProbeRef {
  run: RunLedger;
  index: number;
}

export interface PlainCounts {
  messages: number;
  handsetDeliveries: number;
}

export class TruthLedger {
  private readonly runs = new Map<string, RunLedger>();
  private readonly plain = new Map<CarrierName, PlainCounts>(CARRIERS.map((c) => [c, { messages: 0, handsetDeliveries: 0 }]));

  /**
   * A reassembled message for a handset served by `carrier` arrived through
   * `route`. Returns the probe's handle, or undefined when the text carries
   * no probe token (then it is only counted, under the serving carrier). A
   * probe seen again (a duplicate submit) keeps its first route.
   */
  arrive(text: string, carrier: CarrierName, to: string, arrivedAt: number, route: Route = 'direct'): ProbeRef | undefined {
    const probe = decodeProbe(text, arrivedAt);
    if (!probe) {
      (this.plain.get(carrier) as PlainCounts).messages++;
      return undefined;
    }
    const run = this.runFor(probe.runId);
    const existing = run.records.find(probe.seq);
    if (existing >= 0) return { run, index: existing };
    const index = run.records.add(probe.seq, probe.category, carrier, route, to, probe.sentAtMs, arrivedAt, probe.intact);
    for (const g of run.groups(index)) {
      g.messages++;
      if (!probe.intact) g.corrupted++;
    }
    if (!probe.intact) run.corrupted++;
    return { run, index };
  }

  /** The message reached the handset at `at`. */
  handset(ref: ProbeRef | undefined, carrier: CarrierName, at: number): void {
    if (!ref) {
      (this.plain.get(carrier) as PlainCounts).handsetDeliveries++;
      return;
    }
    const { run, index } = ref;
    const n = run.records.deliver(index, at);
    run.deliveries++;
    const groups = run.groups(index);
    if (n === 1) {
      if (run.records.isIntact(index)) {
        const us = Math.max(0, Math.round((at - run.records.sentAtOf(index)) * 1000));
        for (const g of groups) g.histogram.recordValue(us);
      }
    } else if (n === 2) {
      run.duplicates++;
      for (const g of groups) g.duplicates++;
    }
  }

  settle(ref: ProbeRef | undefined, state: FinalState): void {
    if (ref) ref.run.records.settle(ref.index, state);
  }

  receipt(ref: ProbeRef | undefined, at: number): void {
    if (ref) ref.run.records.receipt(ref.index, at);
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The run's counts and histograms; all zero for a run the ledger has not seen. */
  summary(runId: string): RunSummary {
    const run = this.runs.get(runId) ?? new RunLedger(runId);
    const group = <K extends string>(m: Map<K, Group>) => Object.fromEntries([...m].map(([k, g]) => [k, g.summary()])) as Record<K, GroupSummary>;
    return {
      runId,
      messages: run.records.size,
      deliveries: run.deliveries,
      duplicates: run.duplicates,
      corrupted: run.corrupted,
      byCategory: group(run.byCategory),
      byCarrier: group(run.byCarrier),
      byRoute: group(run.byRoute),
    };
  }

  probes(runId: string, after: number, limit: number): { probes: ProbeView[]; next: number | null } {
    return this.runs.get(runId)?.records.page(after, limit) ?? { probes: [], next: null };
  }

  plainCounts(carrier: CarrierName): PlainCounts {
    return { ...(this.plain.get(carrier) as PlainCounts) };
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  clear(): void {
    this.runs.clear();
    for (const c of this.plain.values()) {
      c.messages = 0;
      c.handsetDeliveries = 0;
    }
  }

  private runFor(runId: string): RunLedger {
    let run = this.runs.get(runId);
    if (!run) {
      if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);
      run = new RunLedger(runId);
      this.runs.set(runId, run);
    }
    return run;
  }
}
