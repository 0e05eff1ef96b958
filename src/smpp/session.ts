// One SMPP session over one socket: the base both SmppClient (ESME side) and
// SmppServerSession (SMSC side) stand on, so the guards live in one place
// (design rule 4, after undici's dispatcher-base).
//
// Lifecycle, one way through:
//
//   open ──bind ok──▶ bound ──close()──▶ closing ──▶ closed
//     │                 │  ╲                          ▲
//     └─────────────────┴───╲──destroy(err) / socket gone / peer unbind ──┘
//
// close() drains politely: no new requests, wait (bounded) for outstanding
// requests and for requests from the peer being served, send unbind and wait
// (bounded) for unbind_resp, then end the socket. destroy(err) fails
// everything in flight at once. Both end in one 'close' event.
//
// What the `smpp` package's Session did not do and this does (notes/smpp.md):
// framing that never freezes (edge 1: a bad PDU destroys this session only),
// a window with a bounded wait queue and a response timeout per request
// (edge 6), answers to enquire_link / unbind / unknown commands (edge 7),
// reading paused while our own writes are not draining (edge 8).

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../runtime/index.ts';
import { type BindMode, CommandStatus, type CommandName, SEQUENCE_MAX } from './constants.ts';
import { SmppBackpressureError, SmppDeadLinkError, SmppError, SmppGenericNackError, SmppParseError, SmppSessionClosedError, SmppTimeoutError } from './errors.ts';
import { PduFramer } from './framer.ts';
import { decodePdu, encodeGenericNack, encodePdu, isResponseId, type Pdu, readHeader } from './pdu.ts';
import { RequestWindow } from './window.ts';

export interface SessionOptions {
  /** Most of our requests outstanding at once (submit_sm for a client, deliver_sm for a server). */
  window: number;
  /** Most callers waiting for a window slot; beyond it requests fail with SmppWindowFullError. */
  maxQueued: number;
  /** How long to wait for each response. */
  responseTimeoutMs: number;
  /** Send enquire_link after this long without traffic from the peer; 0 turns it off. */
  enquireLinkMs: number;
  /** Bound on each polite step of close() (drain, unbind_resp, socket end). */
  closeTimeoutMs: number;
  /** Stop reading from the peer while more than this many octets wait in our socket buffer (edge 8). */
  maxWriteBufferBytes: number;
  clock: Clock;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionOptions, 'clock'> = {
  window: 100,
  maxQueued: 10_000,
  responseTimeoutMs: 10_000,
  enquireLinkMs: 30_000,
  closeTimeoutMs: 5_000,
  maxWriteBufferBytes: 1 << 20,
};

export interface BindInfo {
  mode: BindMode;
  systemId: string;
  interfaceVersion: number;
}

/** Where a session is in its life (design rule 7: a tagged union, not flags). */
export type SessionState =
  | { state: 'open' }
  | { state: 'bound'; bind: BindInfo }
  | { state: 'closing'; bind?: BindInfo }
  | { state: 'closed'; error?: SmppError };

export interface SessionStats {
  requestsSent: number;
  responsesReceived: number;
  timeouts: number;
  /** Responses that came after their request timed out (the answer was on the wire: a retry may duplicate). */
  lateResponses: number;
  requestsReceived: number;
}

interface Pending {
  command: CommandName;
  resolve: (pdu: Pdu) => void;
  reject: (err: Error) => void;
  /** clock time after which the request has timed out. */
  deadline: number;
  windowed: boolean;
}

export interface SessionEvents {
  /** Exactly once, at the end; `error` says why when the end was not polite. */
  close: [error: SmppError | undefined];
  /** When the session is destroyed by an error; only emitted if someone listens (never crashes the process). */
  error: [error: SmppError];
  /** A response arrived after its request timed out. */
  lateResponse: [pdu: Pdu];
}

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

const TIMED_OUT_MEMORY = 4096;

export abstract class SmppSession {
  protected readonly options: SessionOptions;
  readonly window: RequestWindow;
  readonly stats: SessionStats = { requestsSent: 0, responsesReceived: 0, timeouts: 0, lateResponses: 0, requestsReceived: 0 };
  private readonly framer = new PduFramer();
  private readonly pending = new Map<number, Pending>();
  private readonly timedOut = new Set<number>();
  private readonly events = new EventEmitter();
  private current: SessionState = { state: 'open' };
  private nextSeq = 1;
  private incoming = 0;
  private settleWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private readingPaused = false;
  private corked = false;
  /** Set after a malformed PDU: nothing more from this peer is read. */
  private inputStopped = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
  private closing: Promise<void> | undefined;
  private keepAlive: TimerHandle | undefined;
  private hangUpTimer: TimerHandle | undefined;
  /**
   * One timer for all response timeouts. Every request gets the same
   * timeout, so `pending` (a Map, in insertion order) is also in deadline
   * order: the timer only ever needs to watch the oldest entry.
   */
  private sweepTimer: TimerHandle | undefined;
  /** Why a hang-up ends the session, reported in 'close' (undefined for a polite one). */
  private closeError: SmppError | undefined;
  private lastHeardAt: number;

  protected constructor(
    protected readonly socket: Socket,
    options: SessionOptions,
  ) {
    this.options = options;
    this.window = new RequestWindow(options.window, options.maxQueued);
    this.lastHeardAt = options.clock.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Attached always: an unhandled socket 'error' would crash the process (edge 1).
    socket.on('error', (err) => this.destroy(new SmppSessionClosedError(`socket error: ${err.message}`, { cause: err })));
    socket.on('close', () => this.onSocketClose());
    socket.on('drain', () => this.onDrain());
  }

  get state(): SessionState {
    return this.current;
  }

  /** Bind details once bound (also while closing). */
  get bind(): BindInfo | undefined {
    const s = this.current;
    return s.state === 'bound' || s.state === 'closing' ? s.bind : undefined;
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Octets written but not yet taken by the kernel (edge 8). */
  get writeBacklogBytes(): number {
    return this.socket.writableLength;
  }

  on<E extends keyof SessionEvents>(event: E, listener: (...args: SessionEvents[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof SessionEvents>(event: E, listener: (...args: SessionEvents[E]) => void): this {
    this.events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof SessionEvents>(event: E, listener: (...args: SessionEvents[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Resolves when the session has closed (politely or not). */
  closed(): Promise<SmppError | undefined> {
    const s = this.current;
    if (s.state === 'closed') return Promise.resolve(s.error);
    return new Promise((resolve) => this.once('close', resolve));
  }

  // ---- subclass hooks -------------------------------------------------------

  /** A request from the peer other than enquire_link, unbind and unknown commands. */
  protected abstract onRequest(pdu: Pdu): void;

  /** Whether keep-alive enquire_link should run in the current state. */
  protected keepAliveWanted(): boolean {
    return this.current.state === 'bound';
  }

  protected setBound(bind: BindInfo): void {
    if (this.current.state !== 'open') return;
    this.current = { state: 'bound', bind };
    this.armKeepAlive();
  }

  // ---- requests we send -------------------------------------------------------

  /**
   * Sends a request and resolves with the response PDU (any command_status:
   * the caller decides what a non-zero one means). Windowed requests wait
   * for a slot first. Rejects with SmppTimeoutError, SmppGenericNackError,
   * SmppSessionClosedError or SmppWindowFullError.
   */
  protected async request(command: CommandName, fields: object, opts: { windowed: boolean; allowUnbound?: boolean; allowClosing?: boolean }): Promise<Pdu> {
    if (opts.allowClosing && this.current.state === 'closing') return this.send(command, encodePdu(command, this.allocateSequence(), fields), false);
    this.assertCanSend(opts.allowUnbound ?? false);
    // Encode first so that bad arguments fail before taking a slot.
    const seq = this.allocateSequence();
    const frame = encodePdu(command, seq, fields);
    if (opts.windowed && !this.window.tryAcquire()) await this.window.acquire();
    try {
      this.assertCanSend(opts.allowUnbound ?? false);
      // Edge 8: our own writes are not draining; hold this one until they do.
      // Re-checked after each wake-up: a drain wakes every waiter, and the first ones may fill
      // the buffer again. Bounded by the session's life: destroy() wakes waiters and the check throws.
      const giveUpAt = this.options.clock.now() + this.options.responseTimeoutMs;
      while (this.socket.writableLength > this.options.maxWriteBufferBytes) {
        this.assertCanSend(opts.allowUnbound ?? false);
        await this.waitForDrain(giveUpAt);
      }
      this.assertCanSend(opts.allowUnbound ?? false);
    } catch (e) {
      if (opts.windowed) this.window.release();
      throw e;
    }
    return this.send(command, frame, opts.windowed);
  }

  /** Writes a request frame and registers it for its response and its timeout. */
  private send(command: CommandName, frame: Buffer, windowed: boolean): Promise<Pdu> {
    const seq = frame.readUInt32BE(12);
    return new Promise<Pdu>((resolve, reject) => {
      const deadline = this.options.clock.now() + this.options.responseTimeoutMs;
      this.pending.set(seq, { command, resolve, reject, deadline, windowed });
      if (!this.sweepTimer) this.armSweep(deadline);
      this.stats.requestsSent++;
      this.writeFrame(frame);
    });
  }

  private armSweep(at: number): void {
    this.sweepTimer = this.options.clock.setTimeout(() => {
      this.sweepTimer = undefined;
      this.sweep();
    }, at - this.options.clock.now());
  }

  /** Fails every request past its deadline, then watches the oldest one left. */
  private sweep(): void {
    const now = this.options.clock.now();
    for (const [seq, p] of this.pending) {
      if (p.deadline > now) {
        this.armSweep(p.deadline);
        return;
      }
      this.pending.delete(seq);
      this.stats.timeouts++;
      this.rememberTimedOut(seq);
      if (p.windowed) this.window.release();
      p.reject(new SmppTimeoutError(p.command, this.options.responseTimeoutMs));
    }
    this.notifySettled();
  }

  private assertCanSend(allowUnbound: boolean): void {
    const s = this.current;
    if (s.state === 'bound') return;
    if (s.state === 'open' && allowUnbound) return;
    if (s.state === 'closed') throw new SmppSessionClosedError('the SMPP session is closed', { cause: s.error });
    throw new SmppSessionClosedError(s.state === 'closing' ? 'the SMPP session is closing' : 'the SMPP session is not bound');
  }

  private allocateSequence(): number {
    const seq = this.nextSeq;
    this.nextSeq = seq >= SEQUENCE_MAX ? 1 : seq + 1;
    return seq;
  }

  private rememberTimedOut(seq: number): void {
    this.timedOut.add(seq);
    if (this.timedOut.size > TIMED_OUT_MEMORY) {
      const oldest = this.timedOut.values().next().value;
      if (oldest !== undefined) this.timedOut.delete(oldest);
    }
  }

  // ---- responses we send ------------------------------------------------------

  /** Answers `request` with its _resp; a non-zero status sends the header only (edge 2). */
  protected respond(request: Pdu, status: number, fields: object = {}): void {
    if (this.current.state === 'closed') return;
    const command = request.command === 'unknown' ? undefined : responseCommandOf(request.command);
    if (!command) {
      this.writeFrame(encodeGenericNack(request.sequence_number, CommandStatus.ESME_RINVCMDID));
      return;
    }
    this.writeFrame(encodePdu(command, request.sequence_number, status ? {} : fields, status));
  }

  /** Tracks a request from the peer being served asynchronously, so close() can wait for it. */
  protected track(work: Promise<unknown>): void {
    this.incoming++;
    void work.finally(() => {
      this.incoming--;
      this.notifySettled();
    });
  }

  protected writeFrame(frame: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    // Frames written in one turn of the event loop leave in one syscall.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(frame);
    // Edge 8: if the peer does not read our answers, stop reading its requests.
    if (!this.readingPaused && this.socket.writableLength > this.options.maxWriteBufferBytes) {
      this.readingPaused = true;
      this.socket.pause();
    }
  }

  /**
   * Waits for 'drain', at most until `giveUpAt`: a peer that stops reading
   * for a whole response timeout gets SmppBackpressureError for requests
   * that were never sent (safe to send elsewhere), not an endless wait.
   */
  private waitForDrain(giveUpAt: number): Promise<void> {
    const clock = this.options.clock;
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        clock.clearTimeout(timer);
        resolve();
      };
      const timer = clock.setTimeout(() => {
        const i = this.drainWaiters.indexOf(wake);
        if (i >= 0) this.drainWaiters.splice(i, 1);
        reject(new SmppBackpressureError(`the peer has read nothing for ${this.options.responseTimeoutMs} ms; ${this.socket.writableLength} octets wait`));
      }, giveUpAt - clock.now());
      this.drainWaiters.push(wake);
    });
  }

  private onDrain(): void {
    if (this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
    for (const w of this.drainWaiters.splice(0)) w();
  }

  // ---- input ------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.inputStopped) return;
    this.lastHeardAt = this.options.clock.now();
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (e) {
      this.destroy(e instanceof SmppError ? e : new SmppParseError(String(e)));
      return;
    }
    for (const frame of frames) {
      if (this.current.state === 'closed' || this.inputStopped) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame);
    } catch (e) {
      // A malformed PDU: say so if it was a request, then end this session only.
      const error = e instanceof SmppError ? e : new SmppParseError(String(e));
      const head = readHeader(frame);
      if (isResponseId(head.command_id)) {
        this.destroy(error);
        return;
      }
      // Flush the nack before ending; reading stops so nothing more is served.
      this.writeFrame(encodeGenericNack(head.sequence_number, CommandStatus.ESME_RINVCMDLEN));
      this.inputStopped = true;
      this.socket.pause();
      this.hangUp(error, error);
      return;
    }
    if (isResponseId(pdu.command_id)) this.onResponse(pdu);
    else this.onIncomingRequest(pdu);
  }

  private onResponse(pdu: Pdu): void {
    const p = this.pending.get(pdu.sequence_number);
    if (!p) {
      if (this.timedOut.delete(pdu.sequence_number)) {
        this.stats.lateResponses++;
        this.events.emit('lateResponse', pdu);
      }
      return;
    }
    this.pending.delete(pdu.sequence_number);
    this.stats.responsesReceived++;
    if (p.windowed) this.window.release();
    if (pdu.command === 'generic_nack') p.reject(new SmppGenericNackError(p.command, pdu.command_status));
    else if (pdu.command !== responseCommandOf(p.command)) p.reject(new SmppParseError(`${p.command} was answered with ${pdu.command}`));
    else p.resolve(pdu);
    this.notifySettled();
  }

  private onIncomingRequest(pdu: Pdu): void {
    this.stats.requestsReceived++;
    switch (pdu.command) {
      case 'enquire_link':
        this.respond(pdu, CommandStatus.ESME_ROK);
        return;
      case 'unbind':
        this.onPeerUnbind(pdu);
        return;
      case 'unknown':
        this.writeFrame(encodeGenericNack(pdu.sequence_number, CommandStatus.ESME_RINVCMDID));
        return;
      default:
        try {
          this.onRequest(pdu);
        } catch {
          // A handler bug must not cost the peer its answer.
          this.respond(pdu, CommandStatus.ESME_RSYSERR);
        }
    }
  }

  private onPeerUnbind(pdu: Pdu): void {
    this.respond(pdu, CommandStatus.ESME_ROK);
    this.hangUp(new SmppSessionClosedError('the peer unbound'));
  }

  /**
   * Ends the session once what was written has been flushed (after answering
   * unbind, after refusing a bind). Outstanding requests fail with `reason`.
   */
  protected hangUp(reason: SmppError = new SmppSessionClosedError('the session hung up'), closeError?: SmppError): void {
    const s = this.current;
    if (s.state === 'closed' || this.hangUpTimer) return;
    this.closeError = closeError;
    this.current = { state: 'closing', ...(this.bind ? { bind: this.bind } : {}) };
    this.stopKeepAlive();
    this.window.close(reason);
    this.failPending(reason);
    this.socket.end();
    // If the peer never closes its half, do not hang on it.
    this.hangUpTimer = this.options.clock.setTimeout(() => this.destroy(this.closeError), this.options.closeTimeoutMs);
  }

  // ---- keep-alive ---------------------------------------------------------------

  private armKeepAlive(): void {
    const every = this.options.enquireLinkMs;
    if (every <= 0 || this.keepAlive) return;
    this.keepAlive = this.options.clock.setTimeout(() => {
      this.keepAlive = undefined;
      this.keepAliveTick();
    }, every);
  }

  private keepAliveTick(): void {
    if (!this.keepAliveWanted()) return;
    const quietFor = this.options.clock.now() - this.lastHeardAt;
    if (quietFor >= this.options.enquireLinkMs) {
      this.request('enquire_link', {}, { windowed: false }).catch((e: unknown) => {
        if (e instanceof SmppTimeoutError) this.destroy(new SmppDeadLinkError(`enquire_link unanswered for ${e.timeoutMs} ms`));
      });
    }
    this.armKeepAlive();
  }

  private stopKeepAlive(): void {
    this.options.clock.clearTimeout(this.keepAlive);
    this.keepAlive = undefined;
  }

  // ---- the two ends -------------------------------------------------------------

  /**
   * Polite end: refuse new requests, wait (bounded) for outstanding ones and
   * for requests from the peer being served, unbind (bounded), end the socket.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const s = this.current;
    if (s.state === 'closed') return Promise.resolve();
    const wasBound = s.state === 'bound';
    this.current = { state: 'closing', ...(this.bind ? { bind: this.bind } : {}) };
    this.stopKeepAlive();
    this.window.close(new SmppSessionClosedError('the SMPP session is closing'));
    this.closing = (async () => {
      const bound = this.options.closeTimeoutMs;
      await this.waitUntil(() => this.pending.size === 0 && this.incoming === 0, bound);
      if (wasBound && this.current.state === 'closing' && this.socket.writable) {
        // Unbind goes out even though the state is `closing`: it is the last request.
        // Any answer, or none within responseTimeoutMs, ends the wait.
        await this.request('unbind', {}, { windowed: false, allowClosing: true }).catch(() => undefined);
      }
      if (this.current.state === 'closed') return;
      this.socket.end();
      await this.waitUntil(() => this.current.state === 'closed', bound);
      this.destroy();
    })();
    return this.closing;
  }

  /** Abrupt end: fail everything in flight with `error` (or SmppSessionClosedError) and drop the socket. */
  destroy(error?: SmppError): void {
    if (this.current.state === 'closed') return;
    this.current = error ? { state: 'closed', error } : { state: 'closed' };
    this.stopKeepAlive();
    this.options.clock.clearTimeout(this.hangUpTimer);
    const failure = new SmppSessionClosedError(error ? `the SMPP session was destroyed: ${error.message}` : 'the SMPP session closed', { cause: error });
    this.window.close(failure);
    this.failPending(failure);
    for (const w of this.drainWaiters.splice(0)) w();
    this.notifySettled();
    this.socket.destroy();
    if (error && this.events.listenerCount('error') > 0) this.events.emit('error', error);
    this.events.emit('close', error);
  }

  private onSocketClose(): void {
    const s = this.current;
    if (s.state === 'closed') return;
    this.destroy(s.state === 'closing' ? this.closeError : new SmppSessionClosedError('the peer closed the connection'));
  }

  private failPending(err: Error): void {
    this.options.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      if (p.windowed) this.window.release();
      p.reject(err);
    }
  }

  private notifySettled(): void {
    if (this.settleWaiters.length === 0) return;
    for (const w of this.settleWaiters.splice(0)) w();
  }

  /** Waits until `done()` holds, re-checking whenever something settles; gives up after `ms`. */
  private waitUntil(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      let finished = false;
      const timer = this.options.clock.setTimeout(() => {
        finished = true;
        resolve();
      }, ms);
      const check = (): void => {
        if (finished) return;
        if (done() || this.current.state === 'closed') {
          finished = true;
          this.options.clock.clearTimeout(timer);
          resolve();
        } else this.settleWaiters.push(check);
      };
      this.settleWaiters.push(check);
    });
  }
}
