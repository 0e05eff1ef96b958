// One SMSC (a carrier's own, or the aggregator): an SMPP server (src/smpp) whose binds, submits and
// receipts follow the carrier's live fault profile and the fault schedule.
//
//   submit_sm ─▶ fault effects ─▶ admission (window, TPS, injected errors)
//             ─▶ destination (portability: wrong carrier = ESME_RINVDSTADR;
//                the aggregator takes every carrier's subscribers)
//             ─▶ validity ─▶ text + segment ─▶ reassembly ─▶ (complete) network:
//                ledger arrival, handset fate, delivery plan, timers
//   submit_sm_resp after the latency distribution (+ slow_answers)
//   receipts: deliver_sm esm_class 0x04 through the receipt outbox, never
//   before the submit_sm_resp of the segment it is about.
//   mobile-originated: deliver_sm esm_class 0x00 (handset-replies.ts).
import type { Clock, Random, TimerHandle } from '../src/runtime/index.ts';
import { SeededRandom, unitFor } from '../src/runtime/index.ts';
import {
  buildReceipt,
  CommandStatus,
  RegisteredDelivery,
  SmppServer,
  type BindAnswer,
  type BindRequest,
  type DeliverSmFields,
  type ReceivedMessage,
  type SmppServerSession,
  type SubmitAnswer,
} from '../src/smpp/index.ts';
import { admit, TokenBucket } from './admission.ts';
import { AGGREGATOR, routeOf, type CarrierName, type SmscName } from './carrier.ts';
import { messageIdFor } from './message-ids.ts';
import { CarrierCounters } from './counters.ts';
import { sampleDelay } from './distribution.ts';
import type { Fault, FaultSchedule } from './fault-schedule.ts';
import { planDelivery, type DeliveryPlan } from './handset.ts';
import type { ProbeRef, TruthLedger } from './ledger.ts';
import { canonicalNumber, fateOf, type NumberDatabase } from './numbering.ts';
import type { CarrierProfile } from './profile.ts';
import { Reassembler } from './reassembly.ts';
import { HandsetReplies } from './handset-replies.ts';
import type { MobileOriginated } from './mobile-originated.ts';
import { ReceiptOutbox } from './receipt-outbox.ts';
import { readSubmitText } from './submit-text.ts';
import { validityDeadline } from './validity.ts';

export interface CarrierSmscOptions {
  name: SmscName;
  host: string;
  port: number;
  clock: Clock;
  seed: number;
  ledger: TruthLedger;
  numbers: NumberDatabase;
  faults: FaultSchedule;
  profile: () => CarrierProfile;
  /** Any carrier's live profile: the aggregator hands a message to the handset's serving carrier, whose handsets decide its fate. */
  profileOf: (carrier: CarrierName) => CarrierProfile;
  /** How long a receipt waits for deliver_sm_resp before it is re-sent. */
  receiptResponseTimeoutMs: number;
}

interface BindState {
  systemId: string;
  mode: BindRequest['mode'];
  outstanding: number;
  bucket: TokenBucket;
}

/** One accepted submit_sm (a segment, or a whole message). */
interface Part {
  messageId: string;
  systemId: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  dest: string;
  destTon: number;
  destNpi: number;
  submitAt: number;
  registeredDelivery: number;
  snippet: string;
  answered: boolean;
  /** A receipt that fell due before the submit_sm_resp went out. */
  due: (() => void) | undefined;
}

/** What a receipt is built from (kept compact: one object per receipt, no closures). */
interface ReceiptJob {
  part: Part;
  plan: DeliveryPlan;
  ref: ProbeRef | undefined;
}

/** Receipts waiting per system_id above which submit answers wait (flow control). */
const RECEIPT_HIGH_WATER = 5_000;

interface Streams {
  admission: Random;
  latency: Random;
  delivery: Random;
  mo: Random;
}

export class CarrierSmsc {
  readonly counters = new CarrierCounters();
  readonly name: SmscName;
  private server: SmppServer | undefined;
  private readonly binds = new Map<SmppServerSession, BindState>();
  private readonly carrierBucket: TokenBucket;
  private readonly reassembler: Reassembler<Part>;
  private readonly outbox: ReceiptOutbox<ReceiptJob>;
  private readonly replies: HandsetReplies;
  private readonly timers = new Set<TimerHandle>();
  private streams: Streams;
  private nextMessageNumber: number;
  private closed = false;

  private constructor(private readonly o: CarrierSmscOptions) {
    this.name = o.name;
    this.streams = this.makeStreams();
    this.nextMessageNumber = 1 + Math.floor(unitFor(o.seed, `message-id:${o.name}`) * 1_000_000_000);
    this.carrierBucket = new TokenBucket(o.profile().throttle.perCarrierTps, o.clock.now());
    this.reassembler = new Reassembler<Part>(o.clock, () => o.profile().longMessages, (parts) => this.onReassemblyExpired(parts));
    this.outbox = new ReceiptOutbox<ReceiptJob>({
      perSessionInFlight: 100,
      highWater: RECEIPT_HIGH_WATER,
      build: (job) => this.receiptFields(job.part, job.plan),
      onSent: (job) => {
        this.counters.receiptsSent++;
        this.o.ledger.receipt(job.ref, this.o.clock.now());
      },
      onSettled: (_job, status) => {
        if (status === CommandStatus.ESME_ROK) this.counters.receiptsAcked++;
        else if (status === undefined) this.counters.receiptsFailed++;
      },
      maxQueued: 2_000_000,
      maxRequeues: 20,
      retry: () => ({ maxAttempts: o.profile().receipts.maxAttempts, delayMs: o.profile().receipts.retryAfterMs }),
      held: () => o.faults.effects(o.name).holdReceipts,
      onRetry: () => this.counters.receiptsRetried++,
      onDropped: () => this.counters.receiptsFailed++,
    });
    this.replies = new HandsetReplies({ clock: o.clock, profile: o.profile, counters: this.counters });
  }

  static async start(o: CarrierSmscOptions): Promise<CarrierSmsc> {
    const smsc = new CarrierSmsc(o);
    smsc.server = await SmppServer.listen({
      host: o.host,
      port: o.port,
      clock: o.clock,
      systemId: o.name,
      window: 128,
      responseTimeoutMs: o.receiptResponseTimeoutMs,
      onBind: (req, session) => smsc.onBind(req, session),
      onSubmit: (m, session) => smsc.onSubmit(m, session),
      onSession: (session) => smsc.onSession(session),
    });
    smsc.replies.arm(smsc.streams.mo);
    return smsc;
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  get receiptsQueued(): number {
    return this.outbox.size;
  }

  /** Fault edges from the schedule. */
  onFaultStart(f: Fault): void {
    if (f.kind === 'drop_sessions' || f.kind === 'outage') this.dropSessions();
  }

  onFaultEnd(f: Fault): void {
    if (f.kind === 'receipt_backlog') this.outbox.pump();
  }

  /** New random streams and zeroed counters: a run after reset replays like the first. */
  reset(): void {
    this.counters.reset();
    this.streams = this.makeStreams();
    this.carrierBucket.setRate(this.o.profile().throttle.perCarrierTps);
    this.replies.reset(this.streams.mo);
  }

  /** A profile was PATCHed: rates that live in state follow it. */
  profileChanged(): void {
    const p = this.o.profile();
    this.carrierBucket.setRate(p.throttle.perCarrierTps);
    for (const b of this.binds.values()) b.bucket.setRate(p.throttle.perBindTps);
    this.replies.arm(this.streams.mo);
  }

  /** Queue one MO to the bound ESME now (the control API's inject; tests). */
  sendMo(mo: MobileOriginated): void {
    this.replies.send(mo);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) this.o.clock.clearTimeout(t);
    this.timers.clear();
    this.reassembler.clear();
    this.outbox.clear();
    this.replies.close();
    await this.server?.destroy();
  }

  private makeStreams(): Streams {
    const root = new SeededRandom(this.o.seed).fork(`carrier:${this.o.name}`);
    return { admission: root.fork('admission'), latency: root.fork('latency'), delivery: root.fork('delivery'), mo: root.fork('mo') };
  }

  // ---- sessions and binds ----------------------------------------------------

  private onSession(session: SmppServerSession): void {
    this.counters.connections++;
    session.on('error', () => {}); // the facade destroys the session; nothing else to do
    session.once('close', () => {
      this.counters.connections--;
      const b = this.binds.get(session);
      if (!b) return;
      this.binds.delete(session);
      this.counters.sessions--;
      if (b.mode !== 'transmitter') {
        this.outbox.removeReceiver(b.systemId, session);
        this.replies.removeReceiver(b.systemId, session);
      }
    });
  }

  private onBind(req: BindRequest, session: SmppServerSession): BindAnswer {
    const p = this.o.profile();
    const effects = this.o.faults.effects(this.name);
    const refuse = (status: number) => {
      this.counters.bindsRefused++;
      return status;
    };
    if (effects.refuseBinds) return refuse(CommandStatus.ESME_RBINDFAIL);
    if (req.systemId !== p.credentials.systemId) return refuse(CommandStatus.ESME_RINVSYSID);
    if (req.password !== p.credentials.password) return refuse(CommandStatus.ESME_RINVPASWD);
    if (!p.interfaceVersions.includes(req.interfaceVersion)) return refuse(CommandStatus.ESME_RBINDFAIL);
    let same = 0;
    for (const b of this.binds.values()) if (b.systemId === req.systemId) same++;
    if (same >= p.maxBindsPerSystemId) return refuse(CommandStatus.ESME_RBINDFAIL);
    const state: BindState = { systemId: req.systemId, mode: req.mode, outstanding: 0, bucket: new TokenBucket(p.throttle.perBindTps, this.o.clock.now()) };
    this.binds.set(session, state);
    this.counters.binds++;
    this.counters.sessions++;
    // Registered after the bind_resp is written (the facade writes it when we return).
    queueMicrotask(() => {
      if (session.state.state !== 'bound') return;
      if (req.mode !== 'transmitter') {
        this.outbox.addReceiver(req.systemId, session);
        this.replies.addReceiver(req.systemId, session);
      }
      if (this.o.faults.effects(this.name).dropSessions) session.destroy();
    });
    return CommandStatus.ESME_ROK;
  }

  private dropSessions(): void {
    for (const s of [...(this.server?.sessions ?? [])]) s.destroy();
  }

  // ---- submit_sm ---------------------------------------------------------------

  private onSubmit(m: ReceivedMessage, session: SmppServerSession): SubmitAnswer | Promise<SubmitAnswer> {
    this.counters.submits++;
    const now = this.o.clock.now();
    const p = this.o.profile();
    const effects = this.o.faults.effects(this.name);
    if (effects.blackHole) {
      this.counters.unanswered++;
      return { noResponse: true };
    }
    const bind = this.binds.get(session);
    if (!bind) return this.answer({ commandStatus: CommandStatus.ESME_RINVBNDSTS }, undefined, 0, undefined);
    const delay = sampleDelay(p.latency, this.streams.latency) + effects.slowMs;
    const a = admit(p, { outstanding: bind.outstanding, bindBucket: bind.bucket, carrierBucket: this.carrierBucket }, now, this.streams.admission);
    if (!a.admitted) return this.answer({ commandStatus: a.status }, undefined, delay, bind);
    const f = m.fields;
    const to = canonicalNumber(f.destination_addr);
    const serving = to ? this.o.numbers.carrierOf(to).carrier : undefined;
    if (!to || !serving || (this.name !== AGGREGATOR && serving !== this.name)) return this.answer({ commandStatus: CommandStatus.ESME_RINVDSTADR }, undefined, delay, bind);
    let expiresAt: number;
    try {
      expiresAt = validityDeadline(f.validity_period, now) ?? now + p.handset.defaultValidityMs;
    } catch {
      return this.answer({ commandStatus: CommandStatus.ESME_RINVEXPIRY }, undefined, delay, bind);
    }
    const read = readSubmitText(m);
    if (!read.ok) return this.answer({ commandStatus: read.status }, undefined, delay, bind);
    const part: Part = {
      messageId: messageIdFor(this.nextMessageNumber++, p.receipts.messageIdFormat, this.o.seed),
      systemId: bind.systemId,
      source: f.source_addr,
      sourceTon: f.source_addr_ton,
      sourceNpi: f.source_addr_npi,
      dest: f.destination_addr,
      destTon: f.dest_addr_ton,
      destNpi: f.dest_addr_npi,
      submitAt: now,
      registeredDelivery: f.registered_delivery & 0x03,
      snippet: read.text.slice(0, 20),
      answered: false,
      due: undefined,
    };
    const r = this.reassembler.add({ key: `${bind.systemId}|${f.source_addr}|${to}`, ref: read.ref, total: read.total, seq: read.seq, text: read.text, encoding: read.encoding, part });
    switch (r.kind) {
      case 'rejected':
        for (const earlier of r.earlier) this.settleWithoutNetwork(earlier, 'REJECTD');
        return this.answer({ commandStatus: r.reason === 'capacity' ? CommandStatus.ESME_RMSGQFUL : CommandStatus.ESME_RINVMSGLEN }, undefined, delay, bind);
      case 'complete':
        this.toNetwork(r.parts, r.text, to, serving, now, expiresAt);
        break;
      case 'pending':
      case 'duplicate':
        break;
    }
    return this.answer({ commandStatus: CommandStatus.ESME_ROK, messageId: part.messageId }, part, delay, bind);
  }

  /** Answers now or after `delay`; marks the part answered once the response is on its way. */
  private answer(answer: { commandStatus: number; messageId?: string }, part: Part | undefined, delay: number, bind: BindState | undefined): SubmitAnswer | Promise<SubmitAnswer> {
    const answered = () => {
      this.counters.response(answer.commandStatus);
      if (!part) return;
      part.answered = true;
      const due = part.due;
      part.due = undefined;
      due?.();
    };
    const room = part ? this.outbox.whenRoom(part.systemId) : undefined;
    if (!room && delay <= 0) {
      // The facade writes the response as soon as we return; anything due goes after it.
      queueMicrotask(answered);
      return answer;
    }
    if (bind) bind.outstanding++;
    // One promise the facade waits on directly: resolving it queues the write
    // before `answered` runs, so a receipt never overtakes its submit_sm_resp.
    return new Promise<SubmitAnswer>((resolve) => {
      const go = () => {
        if (bind) bind.outstanding--;
        resolve(answer);
        queueMicrotask(answered);
      };
      const wait = () => (delay > 0 ? this.after(delay, go) : go());
      // Flow control: this system_id's receipts are backed up; answer once they drain.
      if (room) void room.then(wait);
      else wait();
    });
  }

  // ---- the network -------------------------------------------------------------

  private toNetwork(parts: Part[], text: string, to: string, serving: CarrierName, arrivedAt: number, expiresAt: number): void {
    const sender = parts[0]?.source;
    const own = this.o.profile();
    // Through the aggregator the serving carrier's handsets decide (fate, delay, final state); the receipt is the aggregator's.
    const p = this.name === AGGREGATOR ? { ...this.o.profileOf(serving), receipts: own.receipts } : own;
    this.counters.messages++;
    const ref = this.o.ledger.arrive(text, serving, to, arrivedAt, routeOf(this.name));
    const fate = fateOf(this.o.seed, to, p.handset);
    const plan = planDelivery(fate, p, arrivedAt, expiresAt, this.streams.delivery);
    this.at(plan.outcome.at, () => {
      if (plan.outcome.kind === 'delivered') {
        this.counters.handsetDeliveries++;
        this.o.ledger.handset(ref, serving, plan.outcome.at);
        if (sender) this.replies.heard(to, sender);
      }
      this.o.ledger.settle(ref, plan.outcome.state);
    });
    this.at(plan.receiptAt, () => {
      for (const part of parts) this.receiptFor(part, plan, ref);
    });
  }

  private onReassemblyExpired(parts: Part[]): void {
    for (const part of parts) this.settleWithoutNetwork(part, 'UNDELIV');
  }

  /** A segment that never became a whole message: its receipt says so at once. */
  private settleWithoutNetwork(part: Part, state: 'REJECTD' | 'UNDELIV'): void {
    const now = this.o.clock.now();
    const plan: DeliveryPlan = { outcome: { kind: 'failed', at: now, state, err: state === 'REJECTD' ? 3 : 1 }, receiptAt: now };
    this.receiptFor(part, plan, undefined);
  }

  private receiptFor(part: Part, plan: DeliveryPlan, ref: ProbeRef | undefined): void {
    const wanted = part.registeredDelivery === RegisteredDelivery.FINAL || (part.registeredDelivery === RegisteredDelivery.FAILURE_ONLY && plan.outcome.state !== 'DELIVRD');
    if (!wanted) return;
    const send = () => this.outbox.enqueue(part.systemId, { part, plan, ref });
    if (part.answered) send();
    else part.due = send;
  }

  private receiptFields(part: Part, plan: DeliveryPlan): DeliverSmFields {
    const p = this.o.profile();
    const fields = buildReceipt({
      id: part.messageId,
      sub: 1,
      dlvrd: plan.outcome.state === 'DELIVRD' ? 1 : 0,
      submitDate: part.submitAt,
      doneDate: plan.outcome.at,
      stat: plan.outcome.state,
      err: String(plan.outcome.err).padStart(3, '0'),
      text: part.snippet,
      handset: part.dest,
      sender: part.source,
      format: { dateDigits: p.receipts.dateDigits, utcOffsetMinutes: p.receipts.utcOffsetMinutes },
      omitTlvs: !p.receipts.tlvs,
    });
    fields.source_addr_ton = part.destTon;
    fields.source_addr_npi = part.destNpi;
    fields.dest_addr_ton = part.sourceTon;
    fields.dest_addr_npi = part.sourceNpi;
    return fields;
  }

  // ---- time ----------------------------------------------------------------------

  private after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  /** Runs `fn` at instant `t`: now when it is due (no timer), else on the clock. */
  private at(t: number, fn: () => void): void {
    const wait = t - this.o.clock.now();
    if (wait <= 0) fn();
    else this.after(wait, fn);
  }
}
