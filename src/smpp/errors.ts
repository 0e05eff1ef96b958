// Every failure src/smpp reports is one of these classes, each with a stable
// literal `code` that callers switch on (never on message text).

import { describeCommandStatus } from './constants.ts';

export type SmppErrorCode =
  | 'SMPP_ERR_PARSE'
  | 'SMPP_ERR_TIMEOUT'
  | 'SMPP_ERR_SESSION_CLOSED'
  | 'SMPP_ERR_WINDOW_FULL'
  | 'SMPP_ERR_BIND_FAILED'
  | 'SMPP_ERR_COMMAND_STATUS'
  | 'SMPP_ERR_GENERIC_NACK'
  | 'SMPP_ERR_CONNECT'
  | 'SMPP_ERR_DEAD_LINK'
  | 'SMPP_ERR_INVALID_ARGUMENT'
  | 'SMPP_ERR_MESSAGE_TOO_LONG'
  | 'SMPP_ERR_RECEIPT_TEXT'
  | 'SMPP_ERR_UDH'
  | 'SMPP_ERR_BACKPRESSURE'
  | 'SMPP_ERR_NOT_BOUND';

export abstract class SmppError extends Error {
  abstract readonly code: SmppErrorCode;
  override name = 'SmppError';
}

/** Bytes on the wire that are not a valid PDU. The session that sent them is destroyed. */
export class SmppParseError extends SmppError {
  readonly code = 'SMPP_ERR_PARSE' as const;
  override name = 'SmppParseError';
}

/** No response within the response timeout. The answer may still be on the wire. */
export class SmppTimeoutError extends SmppError {
  readonly code = 'SMPP_ERR_TIMEOUT' as const;
  override name = 'SmppTimeoutError';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`no ${command}_resp within ${timeoutMs} ms`);
  }
}

/** The session closed (politely or not) before the request could be answered or sent. */
export class SmppSessionClosedError extends SmppError {
  readonly code = 'SMPP_ERR_SESSION_CLOSED' as const;
  override name = 'SmppSessionClosedError';
  constructor(message = 'the SMPP session is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The window is full and the bounded wait queue is full too: the caller must slow down. */
export class SmppWindowFullError extends SmppError {
  readonly code = 'SMPP_ERR_WINDOW_FULL' as const;
  override name = 'SmppWindowFullError';
}

/** The peer answered a non-zero command_status. Carries the status (edge 2: no body with it). */
export class SmppCommandStatusError extends SmppError {
  readonly code: 'SMPP_ERR_COMMAND_STATUS' | 'SMPP_ERR_BIND_FAILED' = 'SMPP_ERR_COMMAND_STATUS';
  override name = 'SmppCommandStatusError';
  constructor(
    readonly command: string,
    readonly commandStatus: number,
  ) {
    super(`${command} answered ${describeCommandStatus(commandStatus)}`);
  }
}

/** The SMSC refused the bind: `commandStatus` says why (ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL, ...). */
export class SmppBindError extends SmppCommandStatusError {
  override readonly code = 'SMPP_ERR_BIND_FAILED' as const;
  override name = 'SmppBindError';
}

/** The peer answered a request with generic_nack (it did not understand it). */
export class SmppGenericNackError extends SmppError {
  readonly code = 'SMPP_ERR_GENERIC_NACK' as const;
  override name = 'SmppGenericNackError';
  constructor(
    readonly command: string,
    readonly commandStatus: number,
  ) {
    super(`${command} answered generic_nack ${describeCommandStatus(commandStatus)}`);
  }
}

/** The TCP connection could not be made. */
export class SmppConnectError extends SmppError {
  readonly code = 'SMPP_ERR_CONNECT' as const;
  override name = 'SmppConnectError';
}

/** enquire_link went unanswered: the link is dead even if TCP has not noticed. */
export class SmppDeadLinkError extends SmppError {
  readonly code = 'SMPP_ERR_DEAD_LINK' as const;
  override name = 'SmppDeadLinkError';
}

/** A caller passed a value the facade refuses before anything reaches the wire. */
export class SmppInvalidArgumentError extends SmppError {
  readonly code = 'SMPP_ERR_INVALID_ARGUMENT' as const;
  override name = 'SmppInvalidArgumentError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** short_message over 254 bytes (edge 3): split into UDH segments or use message_payload. */
export class SmppMessageTooLongError extends SmppError {
  readonly code = 'SMPP_ERR_MESSAGE_TOO_LONG' as const;
  override name = 'SmppMessageTooLongError';
  constructor(readonly length: number) {
    super(`short_message is ${length} bytes; at most 254 fit (use UDH segments or message_payload)`);
  }
}

/** A receipt text that cannot be read even leniently. */
export class SmppReceiptTextError extends SmppError {
  readonly code = 'SMPP_ERR_RECEIPT_TEXT' as const;
  override name = 'SmppReceiptTextError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`receipt text ${field}: ${message}`);
  }
}

/** A User Data Header that cannot be read. */
export class SmppUdhError extends SmppError {
  readonly code = 'SMPP_ERR_UDH' as const;
  override name = 'SmppUdhError';
}

/** The peer reads too slowly and the bounded outbound queue is full (edge 8). */
export class SmppBackpressureError extends SmppError {
  readonly code = 'SMPP_ERR_BACKPRESSURE' as const;
  override name = 'SmppBackpressureError';
}

/** A request that needs a bound session (or the right bind mode) was made without one. */
export class SmppNotBoundError extends SmppError {
  readonly code = 'SMPP_ERR_NOT_BOUND' as const;
  override name = 'SmppNotBoundError';
}
