// The SMSC side, for the simulator: listen, decide binds and submits through
// typed handlers, send deliver_sm (receipts) within a window with retries.
// Everything the `smpp` package leaves to the caller on a server is done
// here: enquire_link and unbind answered, generic_nack for unknown commands,
// interface_version 0x34 and 0x50 both accepted (edges 7 and 10). A session
// that sends garbage is destroyed; the server keeps serving the others.

import { createServer, type Server, type Socket } from 'node:net';
import { type Clock, SystemClock, type TimerHandle } from '../runtime/index.ts';
import { type BindMode, CommandStatus, InterfaceVersion, isTemporaryStatus } from './constants.ts';
import { SmppCommandStatusError, SmppError, SmppNotBoundError, SmppSessionClosedError, SmppTimeoutError } from './errors.ts';
import type { DeliverSmFields, Pdu } from './pdu.ts';
import { type ReceivedMessage, toReceivedMessage } from './received.ts';
import { checkOptions, ServerOptionsSchema } from './options.ts';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions, SmppSession } from './session.ts';

export interface BindRequest {
  mode: BindMode;
  systemId: string;
  password: string;
  systemType: string;
  /** As sent: 0x34 and 0x50 are both accepted unless the handler says otherwise. */
  interfaceVersion: number;
  addressRange: string;
}

/** A command_status (ESME_ROK to accept), or that plus the system_id to answer with. */
export type BindAnswer = number | { commandStatus: number; systemId?: string };

/**
 * What to answer a submit_sm: a status (with the message_id when ESME_ROK),
 * or `{noResponse: true}` to swallow it (a black-hole fault). A handler that
 * throws or rejects answers ESME_RSYSERR.
 */
export type SubmitAnswer = { commandStatus: number; messageId?: string } | { noResponse: true };

export type BindHandler = (request: BindRequest, session: SmppServerSession) => BindAnswer | Promise<BindAnswer>;
export type SubmitHandler = (message: ReceivedMessage, session: SmppServerSession) => SubmitAnswer | Promise<SubmitAnswer>;

export interface DeliverRetryPolicy {
  /** Sends in all, first included (>= 1). */
  maxAttempts: number;
  /** Pause between a failed attempt and the next. */
  delayMs: number;
}

export interface SmppServerOptions extends Partial<Omit<SessionOptions, 'clock'>> {
  onBind: BindHandler;
  onSubmit?: SubmitHandler;
  /** Called for each new connection, before it binds. */
  onSession?: (session: SmppServerSession) => void;
  /** system_id in bind_resp (default 'denpa'). */
  systemId?: string;
  /** A connection that has not bound within this long is dropped (default 30 s). */
  bindTimeoutMs?: number;
  /** Receipts are re-sent when the client does not answer (default 3 attempts, 1 s apart). */
  deliverRetry?: DeliverRetryPolicy;
  clock?: Clock;
}

interface ResolvedServerOptions {
  session: SessionOptions;
  onBind: BindHandler;
  onSubmit: SubmitHandler | undefined;
  onSession: ((session: SmppServerSession) => void) | undefined;
  systemId: string;
  bindTimeoutMs: number;
  deliverRetry: DeliverRetryPolicy;
}

export interface DeliverOptions {
  /** Overrides the server's retry policy for this deliver_sm. */
  retry?: DeliverRetryPolicy;
  /** Told before each re-send, with the reason the previous attempt failed. */
  onRetry?: (attempt: number, reason: SmppError) => void;
}

/** deliver_sm's outcome: the client's command_status and how many sends it took. */
export interface DeliverResult {
  commandStatus: number;
  attempts: number;
}

const BIND_COMMANDS: Record<string, BindMode> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

let sessionCounter = 0;

export class SmppServerSession extends SmppSession {
  /** Unique within the process, for logs and counters. */
  readonly id = ++sessionCounter;
  private binding = false;
  private bindTimer: TimerHandle | undefined;

  constructor(
    socket: Socket,
    private readonly server: ResolvedServerOptions,
  ) {
    super(socket, server.session);
    this.bindTimer = server.session.clock.setTimeout(() => {
      if (this.state.state === 'open') this.destroy(new SmppSessionClosedError(`no bind within ${server.bindTimeoutMs} ms`));
    }, server.bindTimeoutMs);
    this.once('close', () => server.session.clock.clearTimeout(this.bindTimer));
  }

  /**
   * Sends deliver_sm (a receipt or an MO message) within this session's
   * window, retrying when the client does not answer in time or answers a
   * temporary status (ESME_RX_T_APPN, ...). Waits for a slot when the window
   * is full and for 'drain' when the socket is backed up (edge 8); rejects
   * with SmppWindowFullError once maxQueued callers already wait, so the
   * caller learns to hold back. Resolves with the last command_status.
   */
  async sendDeliver(fields: DeliverSmFields, opts: DeliverOptions = {}): Promise<DeliverResult> {
    const mode = this.bind?.mode;
    if (this.state.state !== 'bound' || mode === undefined) throw new SmppNotBoundError('deliver_sm needs a bound session');
    if (mode === 'transmitter') throw new SmppNotBoundError('a transmitter bind cannot receive deliver_sm');
    const policy = opts.retry ?? this.server.deliverRetry;
    // Bounded: at most maxAttempts sends.
    for (let attempt = 1; ; attempt++) {
      let reason: SmppError;
      try {
        const resp = await this.request('deliver_sm', fields, { windowed: true });
        const status = resp.command_status;
        if (!isTemporaryStatus(status) || attempt >= policy.maxAttempts) return { commandStatus: status, attempts: attempt };
        reason = new SmppCommandStatusError('deliver_sm', status);
      } catch (e) {
        if (!(e instanceof SmppTimeoutError) || attempt >= policy.maxAttempts) throw e;
        reason = e;
      }
      opts.onRetry?.(attempt, reason);
      await this.pause(policy.delayMs);
    }
  }

  private pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const clock = this.server.session.clock;
      const onClose = () => {
        clock.clearTimeout(timer);
        reject(new SmppSessionClosedError('the session closed while a deliver_sm waited to be re-sent'));
      };
      const timer = clock.setTimeout(() => {
        this.off('close', onClose);
        resolve();
      }, ms);
      this.once('close', onClose);
    });
  }

  protected onRequest(pdu: Pdu): void {
    const mode = BIND_COMMANDS[pdu.command];
    if (mode) {
      this.onBindRequest(pdu, mode);
      return;
    }
    if (pdu.command === 'submit_sm') {
      this.onSubmitRequest(pdu);
      return;
    }
    // query_sm, cancel_sm, data_sm, ...: understood but not offered.
    this.respond(pdu, CommandStatus.ESME_RINVCMDID);
  }

  private onBindRequest(pdu: Pdu, mode: BindMode): void {
    if (this.state.state !== 'open' || this.binding) {
      this.respond(pdu, this.state.state === 'bound' ? CommandStatus.ESME_RALYBND : CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    this.binding = true;
    const f = pdu.fields;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const request: BindRequest = {
      mode,
      systemId: text(f.system_id),
      password: text(f.password),
      systemType: text(f.system_type),
      interfaceVersion: typeof f.interface_version === 'number' ? f.interface_version : InterfaceVersion.V34,
      addressRange: text(f.address_range),
    };
    const finish = (answer: BindAnswer) => {
      this.binding = false;
      const status = typeof answer === 'number' ? answer : answer.commandStatus;
      const systemId = (typeof answer === 'number' ? undefined : answer.systemId) ?? this.server.systemId;
      if (this.state.state !== 'open') return;
      if (status !== CommandStatus.ESME_ROK) {
        this.respond(pdu, status);
        this.hangUp(new SmppSessionClosedError(`bind refused with status 0x${status.toString(16)}`));
        return;
      }
      this.server.session.clock.clearTimeout(this.bindTimer);
      this.setBound({ mode, systemId: request.systemId, interfaceVersion: request.interfaceVersion });
      // sc_interface_version tells a 3.4 client what we speak; a 3.3 client would not expect it.
      const fields = request.interfaceVersion >= InterfaceVersion.V34 ? { system_id: systemId, sc_interface_version: InterfaceVersion.V34 } : { system_id: systemId };
      this.respond(pdu, CommandStatus.ESME_ROK, fields);
    };
    const fail = () => finish(CommandStatus.ESME_RBINDFAIL);
    try {
      const answer = this.server.onBind(request, this);
      if (answer instanceof Promise) this.track(answer.then(finish, fail));
      else finish(answer);
    } catch {
      fail();
    }
  }

  private onSubmitRequest(pdu: Pdu): void {
    const mode = this.bind?.mode;
    if (this.state.state !== 'bound' || mode === 'receiver') {
      this.respond(pdu, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    const handler = this.server.onSubmit;
    if (!handler) {
      this.respond(pdu, CommandStatus.ESME_RSUBMITFAIL);
      return;
    }
    const finish = (answer: SubmitAnswer) => {
      if ('noResponse' in answer) return;
      if (answer.commandStatus === CommandStatus.ESME_ROK) this.respond(pdu, 0, { message_id: answer.messageId ?? '' });
      else this.respond(pdu, answer.commandStatus);
    };
    const fail = () => this.respond(pdu, CommandStatus.ESME_RSYSERR);
    let answer: SubmitAnswer | Promise<SubmitAnswer>;
    try {
      answer = handler(toReceivedMessage(pdu), this);
    } catch {
      fail();
      return;
    }
    if (answer instanceof Promise) this.track(answer.then(finish, fail));
    else finish(answer);
  }
}

export class SmppServer {
  readonly sessions = new Set<SmppServerSession>();
  private closing: Promise<void> | undefined;

  private readonly net: Server;
  private listeningPort = 0;

  private constructor(
    readonly host: string,
    private readonly resolved: ResolvedServerOptions,
  ) {
    this.net = createServer((socket) => this.accept(socket));
  }

  /** The port actually bound (the ephemeral one when listening on port 0). */
  get port(): number {
    return this.listeningPort;
  }

  /** Starts listening; resolves once the port is bound (use port 0 in tests and read `.port`). */
  static async listen(opts: SmppServerOptions & { host: string; port: number }): Promise<SmppServer> {
    const server = new SmppServer(opts.host, resolveServerOptions(opts));
    const net = server.net;
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      net.listen(opts.port, opts.host, () => {
        net.off('error', reject);
        resolve();
      });
    });
    // A listening server must never crash on a socket-level error.
    net.on('error', () => {});
    const address = net.address();
    server.listeningPort = typeof address === 'object' && address ? address.port : opts.port;
    return server;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const resolved = this.resolved;
    const session = new SmppServerSession(socket, resolved);
    this.sessions.add(session);
    session.once('close', () => this.sessions.delete(session));
    resolved.onSession?.(session);
  }

  /** Stops listening and closes every session politely (each bounded by closeTimeoutMs). */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const stopped = new Promise<void>((resolve) => this.net.close(() => resolve()));
    this.closing = Promise.all([stopped, ...[...this.sessions].map((s) => s.close())]).then(() => undefined);
    return this.closing;
  }

  /** Stops listening and destroys every session now. */
  destroy(): Promise<void> {
    const stopped = this.closing ?? new Promise<void>((resolve) => this.net.close(() => resolve()));
    this.closing = stopped;
    for (const s of this.sessions) s.destroy();
    return stopped;
  }
}

function resolveServerOptions(opts: SmppServerOptions & { host: string; port: number }): ResolvedServerOptions {
  checkOptions(ServerOptionsSchema, opts);
  return {
    session: {
      window: opts.window ?? DEFAULT_SESSION_OPTIONS.window,
      maxQueued: opts.maxQueued ?? DEFAULT_SESSION_OPTIONS.maxQueued,
      responseTimeoutMs: opts.responseTimeoutMs ?? DEFAULT_SESSION_OPTIONS.responseTimeoutMs,
      // The SMSC side does not probe by default; clients do.
      enquireLinkMs: opts.enquireLinkMs ?? 0,
      closeTimeoutMs: opts.closeTimeoutMs ?? DEFAULT_SESSION_OPTIONS.closeTimeoutMs,
      maxWriteBufferBytes: opts.maxWriteBufferBytes ?? DEFAULT_SESSION_OPTIONS.maxWriteBufferBytes,
      clock: opts.clock ?? new SystemClock(),
    },
    onBind: opts.onBind,
    onSubmit: opts.onSubmit,
    onSession: opts.onSession,
    systemId: opts.systemId ?? 'denpa',
    bindTimeoutMs: opts.bindTimeoutMs ?? 30_000,
    deliverRetry: opts.deliverRetry ?? { maxAttempts: 3, delayMs: 1000 },
  };
}
