// The simulator as one object: three carrier SMSCs and the aggregator sharing a seed, a number
// database, a fault schedule and a truth ledger, with the operations the
// control API exposes. `startSimulator` (index.ts) wires it to sockets.
import type { Clock } from '../src/runtime/index.ts';
import { isCarrierName, isSmscName, SMSCS, type CarrierName, type SmscName } from './carrier.ts';
import { CarrierSmsc } from './carrier-smsc.ts';
import type { CountersSnapshot } from './counters.ts';
import { FaultNotFoundError, InvalidNumberError, InvalidProfileError, UnknownCarrierError } from './errors.ts';
import { FaultSchedule, type Fault, type FaultSpec } from './fault-schedule.ts';
import { TruthLedger, type RunSummary } from './ledger.ts';
import type { MobileOriginated } from './mobile-originated.ts';
import { canonicalNumber, NumberDatabase, type NumberRecord } from './numbering.ts';
import { applyPatch, type CarrierProfile } from './profile.ts';
import type { ProbeView } from './probe-records.ts';

export interface SimulatorSetup {
  seed: number;
  portedShare: number;
  profiles: Record<SmscName, CarrierProfile>;
  host: string;
  ports: Record<SmscName, number>;
  clock: Clock;
  receiptResponseTimeoutMs: number;
}

export class Simulator {
  readonly ledger = new TruthLedger();
  readonly numbers: NumberDatabase;
  readonly faults: FaultSchedule;
  private readonly live: Record<SmscName, CarrierProfile>;
  private readonly smscs = new Map<SmscName, CarrierSmsc>();

  private constructor(private readonly setup: SimulatorSetup) {
    this.live = structuredClone(setup.profiles);
    this.numbers = new NumberDatabase(setup.seed, setup.portedShare, (c) => this.live[c].handset);
    this.faults = new FaultSchedule(setup.clock, {
      onStart: (f) => this.smscs.get(f.carrier)?.onFaultStart(f),
      onEnd: (f) => this.smscs.get(f.carrier)?.onFaultEnd(f),
    });
  }

  static async start(setup: SimulatorSetup): Promise<Simulator> {
    const sim = new Simulator(setup);
    try {
      for (const name of SMSCS) {
        const smsc = await CarrierSmsc.start({
          name,
          host: setup.host,
          port: setup.ports[name],
          clock: setup.clock,
          seed: setup.seed,
          ledger: sim.ledger,
          numbers: sim.numbers,
          faults: sim.faults,
          profile: () => sim.live[name],
          profileOf: (c) => sim.live[c],
          receiptResponseTimeoutMs: setup.receiptResponseTimeoutMs,
        });
        sim.smscs.set(name, smsc);
      }
    } catch (err) {
      await sim.close();
      throw err;
    }
    return sim;
  }

  get seed(): number {
    return this.setup.seed;
  }

  get ports(): Record<SmscName, number> {
    return Object.fromEntries(SMSCS.map((c) => [c, this.smsc(c).port])) as Record<SmscName, number>;
  }

  carrier(name: string): CarrierName {
    if (!isCarrierName(name)) throw new UnknownCarrierError(name);
    return name;
  }

  /** A carrier's SMSC or the aggregator (profiles, faults, counters). */
  smscName(name: string): SmscName {
    if (!isSmscName(name)) throw new UnknownCarrierError(name);
    return name;
  }

  carriers(): { name: SmscName; smppPort: number; profile: CarrierProfile }[] {
    return SMSCS.map((name) => ({ name, smppPort: this.smsc(name).port, profile: this.live[name] }));
  }

  profile(name: string): CarrierProfile {
    return this.live[this.smscName(name)];
  }

  /** Deep-merges a partial profile; on any problem nothing changes. */
  patchProfile(name: string, patch: unknown): CarrierProfile {
    const c = this.smscName(name);
    const r = applyPatch(this.live[c], patch);
    if (!r.ok) throw new InvalidProfileError(r.problems.map((p) => ({ ...p, field: p.field || 'body' })));
    this.live[c] = r.profile;
    this.smsc(c).profileChanged();
    return r.profile;
  }

  addFault(spec: FaultSpec): Fault {
    return this.faults.add(spec);
  }

  listFaults(): Fault[] {
    return this.faults.list();
  }

  removeFault(id: string): void {
    if (!this.faults.remove(id)) throw new FaultNotFoundError(id);
  }

  counters(): Record<SmscName, CountersSnapshot> {
    return Object.fromEntries(SMSCS.map((c) => [c, this.smsc(c).counters.snapshot(this.smsc(c).receiptsQueued)])) as Record<SmscName, CountersSnapshot>;
  }

  lookup(number: string, field = 'number'): NumberRecord {
    const r = this.numbers.lookup(number);
    if (!r) throw new InvalidNumberError(field, number);
    return r;
  }

  /** Send one mobile-originated message from a handset of `carrier` to the bound ESME now. */
  injectMo(carrier: string, mo: MobileOriginated): MobileOriginated {
    const c = this.carrier(carrier);
    const from = canonicalNumber(mo.from);
    if (!from) throw new InvalidNumberError('from', mo.from);
    const sent = { from, to: mo.to, text: mo.text };
    this.smsc(c).sendMo(sent);
    return sent;
  }

  run(runId: string): RunSummary {
    return this.ledger.summary(runId);
  }

  probes(runId: string, after: number, limit: number): { probes: ProbeView[]; next: number | null } {
    return this.ledger.probes(runId, after, limit);
  }

  /** Clears ledger, counters and faults, restores the configured profiles and replays the random streams. */
  reset(): void {
    this.faults.clear();
    this.ledger.clear();
    for (const c of SMSCS) {
      this.live[c] = structuredClone(this.setup.profiles[c]);
      this.smsc(c).profileChanged();
      this.smsc(c).reset();
    }
  }

  async close(): Promise<void> {
    this.faults.clear();
    await Promise.all([...this.smscs.values()].map((s) => s.close()));
  }

  private smsc(name: SmscName): CarrierSmsc {
    const s = this.smscs.get(name);
    if (!s) throw new UnknownCarrierError(name);
    return s;
  }
}
