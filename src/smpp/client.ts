// The ESME side: connect, bind, submit within a window, answer deliver_sm
// through a handler, keep the link alive. The delivery core's carrier links
// stand on this.

import { connect as netConnect, type Socket } from 'node:net';
import { type Clock, SystemClock } from '../runtime/index.ts';
import { type BindMode, CommandStatus, InterfaceVersion } from './constants.ts';
import { SmppBindError, SmppConnectError, SmppInvalidArgumentError, SmppNotBoundError } from './errors.ts';
import type { Pdu, SubmitSmFields } from './pdu.ts';
import { type ReceivedMessage, toReceivedMessage } from './received.ts';
import { checkOptions, ClientOptionsSchema } from './options.ts';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions, SmppSession } from './session.ts';

/**
 * What the deliver_sm handler returns: the command_status of deliver_sm_resp
 * (ESME_ROK when nothing is returned). Throwing or rejecting answers
 * ESME_RX_T_APPN, which asks the SMSC to try again later.
 */
export type DeliverAnswer = number | void;
export type DeliverHandler = (message: ReceivedMessage, client: SmppClient) => DeliverAnswer | Promise<DeliverAnswer>;

export interface SmppClientOptions extends Partial<Omit<SessionOptions, 'clock'>> {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  bindMode: BindMode;
  /** Default 0x34; the `smpp` package would send 0x50 (edge 10). */
  interfaceVersion?: number;
  addressRange?: string;
  /** Bound on TCP connect plus bind; default responseTimeoutMs. */
  connectTimeoutMs?: number;
  clock?: Clock;
  /** Handles deliver_sm (receipts and mobile-originated messages). Settable later with onDeliver(). */
  onDeliver?: DeliverHandler;
}

/** submit_sm's answer. A non-zero command_status comes without a message_id (edge 2). */
export type SubmitResult = { ok: true; commandStatus: 0; messageId: string } | { ok: false; commandStatus: number; messageId?: undefined };

export class SmppClient extends SmppSession {
  private deliverHandler: DeliverHandler | undefined;

  private constructor(
    socket: Socket,
    options: SessionOptions,
    readonly bindMode: BindMode,
    handler: DeliverHandler | undefined,
  ) {
    super(socket, options);
    this.deliverHandler = handler;
  }

  /**
   * Connects and binds. Resolves with a bound client; rejects with
   * SmppConnectError, SmppBindError (carrying the command_status, e.g.
   * ESME_RINVPASWD) or SmppTimeoutError. Nothing is left open on failure.
   */
  static async connect(opts: SmppClientOptions): Promise<SmppClient> {
    const options = resolveClientOptions(opts);
    const clock = options.clock;
    const deadlineMs = opts.connectTimeoutMs ?? options.responseTimeoutMs;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect({ host: opts.host, port: opts.port });
      const timer = clock.setTimeout(() => {
        s.destroy();
        reject(new SmppConnectError(`no TCP connection to ${opts.host}:${opts.port} within ${deadlineMs} ms`));
      }, deadlineMs);
      s.once('connect', () => {
        clock.clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clock.clearTimeout(timer);
        s.destroy();
        reject(new SmppConnectError(`cannot connect to ${opts.host}:${opts.port}: ${err.message}`, { cause: err }));
      });
    });
    const client = new SmppClient(socket, options, opts.bindMode, opts.onDeliver);
    const interfaceVersion = opts.interfaceVersion ?? InterfaceVersion.V34;
    let resp: Pdu;
    try {
      resp = await client.request(
        `bind_${opts.bindMode}`,
        {
          system_id: opts.systemId,
          password: opts.password,
          system_type: opts.systemType ?? '',
          interface_version: interfaceVersion,
          address_range: opts.addressRange ?? '',
        },
        { windowed: false, allowUnbound: true },
      );
    } catch (e) {
      client.destroy();
      throw e;
    }
    if (resp.command_status !== CommandStatus.ESME_ROK) {
      client.destroy();
      throw new SmppBindError(`bind_${opts.bindMode}`, resp.command_status);
    }
    client.setBound({ mode: opts.bindMode, systemId: opts.systemId, interfaceVersion });
    return client;
  }

  /** The SMSC's system_id from bind_resp is not kept; this is ours. */
  get systemId(): string | undefined {
    return this.bind?.systemId;
  }

  /** Sets (or replaces) the deliver_sm handler. */
  onDeliver(handler: DeliverHandler): void {
    this.deliverHandler = handler;
  }

  /**
   * Sends submit_sm within the window: waits for a slot (bounded queue),
   * then for the response (bounded by responseTimeoutMs). Resolves for any
   * command_status; rejects with SmppTimeoutError (the message may still have
   * been accepted), SmppWindowFullError, SmppSessionClosedError,
   * SmppGenericNackError, SmppNotBoundError or, before anything is sent, an
   * argument error (SmppMessageTooLongError, SmppInvalidArgumentError).
   */
  async submit(fields: SubmitSmFields): Promise<SubmitResult> {
    if (this.bindMode === 'receiver') throw new SmppNotBoundError('a receiver bind cannot submit');
    if (typeof fields.destination_addr !== 'string' || fields.destination_addr === '') {
      throw new SmppInvalidArgumentError('destination_addr', 'required');
    }
    if (typeof fields.data_coding !== 'number') throw new SmppInvalidArgumentError('data_coding', 'required (edge 4: always explicit)');
    const resp = await this.request('submit_sm', fields, { windowed: true });
    if (resp.command_status !== CommandStatus.ESME_ROK) return { ok: false, commandStatus: resp.command_status };
    const id = resp.fields.message_id;
    return { ok: true, commandStatus: 0, messageId: typeof id === 'string' ? id : '' };
  }

  /** Sends enquire_link now (outside the window) and resolves when answered. */
  async enquireLink(): Promise<void> {
    await this.request('enquire_link', {}, { windowed: false });
  }

  protected onRequest(pdu: Pdu): void {
    if (pdu.command !== 'deliver_sm') {
      this.respond(pdu, CommandStatus.ESME_RINVCMDID);
      return;
    }
    if (this.bindMode === 'transmitter') {
      this.respond(pdu, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    const handler = this.deliverHandler;
    // No handler yet: ask the SMSC to try again rather than acknowledging a receipt nobody saw.
    if (!handler) {
      this.respond(pdu, CommandStatus.ESME_RX_T_APPN);
      return;
    }
    let answer: DeliverAnswer | Promise<DeliverAnswer>;
    try {
      answer = handler(toReceivedMessage(pdu), this);
    } catch {
      this.respond(pdu, CommandStatus.ESME_RX_T_APPN);
      return;
    }
    if (answer instanceof Promise) {
      this.track(
        answer.then(
          (status) => this.respond(pdu, status ?? CommandStatus.ESME_ROK),
          () => this.respond(pdu, CommandStatus.ESME_RX_T_APPN),
        ),
      );
    } else this.respond(pdu, answer ?? CommandStatus.ESME_ROK);
  }
}

function resolveClientOptions(opts: SmppClientOptions): SessionOptions {
  checkOptions(ClientOptionsSchema, opts);
  return {
    window: opts.window ?? DEFAULT_SESSION_OPTIONS.window,
    maxQueued: opts.maxQueued ?? DEFAULT_SESSION_OPTIONS.maxQueued,
    responseTimeoutMs: opts.responseTimeoutMs ?? DEFAULT_SESSION_OPTIONS.responseTimeoutMs,
    enquireLinkMs: opts.enquireLinkMs ?? DEFAULT_SESSION_OPTIONS.enquireLinkMs,
    closeTimeoutMs: opts.closeTimeoutMs ?? DEFAULT_SESSION_OPTIONS.closeTimeoutMs,
    maxWriteBufferBytes: opts.maxWriteBufferBytes ?? DEFAULT_SESSION_OPTIONS.maxWriteBufferBytes,
    clock: opts.clock ?? new SystemClock(),
  };
}
