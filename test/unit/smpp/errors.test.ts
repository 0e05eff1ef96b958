import { describe, expect, it } from 'vitest';
import {
  CommandStatus,
  SmppBackpressureError,
  SmppBindError,
  SmppCommandStatusError,
  SmppConnectError,
  SmppDeadLinkError,
  SmppError,
  SmppGenericNackError,
  SmppInvalidArgumentError,
  SmppMessageTooLongError,
  SmppNotBoundError,
  SmppParseError,
  SmppReceiptTextError,
  SmppSessionClosedError,
  SmppTimeoutError,
  SmppUdhError,
  SmppWindowFullError,
} from '../../../src/smpp/index.ts';

describe('smpp errors', () => {
  it.each([
    [new SmppParseError('x'), 'SMPP_ERR_PARSE', 'SmppParseError'],
    [new SmppTimeoutError('submit_sm', 500), 'SMPP_ERR_TIMEOUT', 'SmppTimeoutError'],
    [new SmppSessionClosedError(), 'SMPP_ERR_SESSION_CLOSED', 'SmppSessionClosedError'],
    [new SmppWindowFullError('x'), 'SMPP_ERR_WINDOW_FULL', 'SmppWindowFullError'],
    [new SmppBindError('bind_transceiver', CommandStatus.ESME_RINVPASWD), 'SMPP_ERR_BIND_FAILED', 'SmppBindError'],
    [new SmppCommandStatusError('submit_sm', CommandStatus.ESME_RTHROTTLED), 'SMPP_ERR_COMMAND_STATUS', 'SmppCommandStatusError'],
    [new SmppGenericNackError('submit_sm', CommandStatus.ESME_RINVCMDID), 'SMPP_ERR_GENERIC_NACK', 'SmppGenericNackError'],
    [new SmppConnectError('x'), 'SMPP_ERR_CONNECT', 'SmppConnectError'],
    [new SmppDeadLinkError('x'), 'SMPP_ERR_DEAD_LINK', 'SmppDeadLinkError'],
    [new SmppInvalidArgumentError('port', 'bad'), 'SMPP_ERR_INVALID_ARGUMENT', 'SmppInvalidArgumentError'],
    [new SmppMessageTooLongError(300), 'SMPP_ERR_MESSAGE_TOO_LONG', 'SmppMessageTooLongError'],
    [new SmppReceiptTextError('stat', 'missing'), 'SMPP_ERR_RECEIPT_TEXT', 'SmppReceiptTextError'],
    [new SmppUdhError('x'), 'SMPP_ERR_UDH', 'SmppUdhError'],
    [new SmppBackpressureError('x'), 'SMPP_ERR_BACKPRESSURE', 'SmppBackpressureError'],
    [new SmppNotBoundError('x'), 'SMPP_ERR_NOT_BOUND', 'SmppNotBoundError'],
  ] as const)('%s has code %s', (err, code, name) => {
    expect(err).toBeInstanceOf(SmppError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('a refused bind carries its command_status and is a command-status error', () => {
    const e = new SmppBindError('bind_transmitter', CommandStatus.ESME_RINVSYSID);
    expect(e).toBeInstanceOf(SmppCommandStatusError);
    expect(e.commandStatus).toBe(0x0f);
    expect(e.message).toContain('ESME_RINVSYSID');
  });

  it('a timeout names the command and the bound', () => {
    const e = new SmppTimeoutError('submit_sm', 250);
    expect([e.command, e.timeoutMs]).toEqual(['submit_sm', 250]);
    expect(e.message).toBe('no submit_sm_resp within 250 ms');
  });

  it('an argument error names the field', () => {
    expect(new SmppInvalidArgumentError('window', 'must be >= 1').field).toBe('window');
  });
});
