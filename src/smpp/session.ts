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
// What the `smpp` package's Session did not do and this does (docs/smpp.md, "sharp edges"):
// framing that never freezes (edge 1: a bad PDU destroys this session only),
// a window with a bounded wait queue and a response timeout per request
// (edge 6), answers to enquire_link / unbind / unknown commands (edge 7),
// reading paused while our own writes are not draining (edge 8).

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TimerHandle } from '../runtime/index.ts';
import { CommandStatus, type CommandName, SEQUENCE_MAX } from './constants.ts';
import { SmppDeadLinkError, SmppError, SmppParseError, SmppSessionClosedError, SmppTimeoutError } from './errors.ts';
import { FrameWriter } from './frame-writer.ts';
import { PduFramer } from './framer.ts';
import { PendingRequests, responseCommandOf } from './pending-requests.ts';
import { decodePdu, encodeGenericNack, encodePdu, isResponseId, type Pdu, readHeader } from './pdu.ts';
import { RequestWindow } from './window.ts';
import type { BindInfo, SessionEvents, SessionOptions, SessionState, SessionStats } from './session-types.ts';

export { DEFAULT_SESSION_OPTIONS, type BindInfo, type SessionEvents, type SessionOptions, type SessionState, type SessionStats } from './session-types.ts';


export abstract class SmppSession {
  protected readonly options: SessionOptions;
  readonly window: RequestWindow;
  readonly stats: SessionStats = { requestsSent: 0, responsesReceived: 0, timeouts: 0, lateResponses: 0, requestsReceived: 0 };
  private readonly framer = new PduFramer();
  private readonly pending: PendingRequests;
  private readonly events = new EventEmitter();
  private current: SessionState = { state: 'open' };
  private nextSeq = 1;
  private incoming = 0;
  private settleWaiters: (() => void)[] = [];
  private readonly writer: FrameWriter;
  /** Set after a malformed PDU: nothing more from this peer is read. */
  private inputStopped = false;
  private closing: Promise<void> | undefined;
  private keepAlive: TimerHandle | undefined;
  private hangUpTimer: TimerHandle | undefined;
  /** Why a hang-up ends the session, reported in 'close' (undefined for a polite one). */
  private closeError: SmppError | undefined;
  private lastHeardAt: number;

  protected constructor(
    protected readonly socket: Socket,
    options: SessionOptions,
  ) {
    this.options = options;
    this.window = new RequestWindow(options.window, options.maxQueued);
    this.writer = new FrameWriter(socket, options.clock, options.maxWriteBufferBytes);
    this.pending = new PendingRequests(options.clock, options.responseTimeoutMs, this.stats, {
      releaseSlot: () => this.window.release(),
      settled: () => this.notifySettled(),
      late: (pdu) => this.events.emit('lateResponse', pdu),
    });
    this.lastHeardAt = options.clock.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Attached always: an unhandled socket 'error' would crash the process (edge 1).
    socket.on('error', (err) => this.destroy(new SmppSessionClosedError(`socket error: ${err.message}`, { cause: err })));
    socket.on('close', () => this.onSocketClose());
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
    return this.writer.backlogBytes;
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
      while (this.writer.full) {
        this.assertCanSend(opts.allowUnbound ?? false);
        await this.writer.waitForDrain(giveUpAt);
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
    const answered = this.pending.add(frame.readUInt32BE(12), command, windowed);
    this.stats.requestsSent++;
    this.writeFrame(frame);
    return answered;
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
    this.writer.write(frame);
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
    if (isResponseId(pdu.command_id)) this.pending.answer(pdu);
    else this.onIncomingRequest(pdu);
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
    this.pending.failAll(reason);
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
    this.pending.failAll(failure);
    this.writer.wakeAll();
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
