import { describe, expect, it } from 'vitest';
import {
  CommandId,
  CommandStatus,
  commandStatusName,
  describeCommandStatus,
  formatCommandStatus,
  isFinalStat,
  isReceiptEsmClass,
  isTemporaryStatus,
  MessageState,
  messageStateForStat,
  RECEIPT_STATS,
  statForMessageState,
  TlvTag,
} from '../../../src/smpp/index.ts';

describe('command_status', () => {
  it.each([
    ['ESME_RINVMSGLEN', 0x01],
    ['ESME_RINVCMDID', 0x03],
    ['ESME_RINVBNDSTS', 0x04],
    ['ESME_RALYBND', 0x05],
    ['ESME_RSYSERR', 0x08],
    ['ESME_RINVSRCADR', 0x0a],
    ['ESME_RINVDSTADR', 0x0b],
    ['ESME_RBINDFAIL', 0x0d],
    ['ESME_RINVPASWD', 0x0e],
    ['ESME_RINVSYSID', 0x0f],
    ['ESME_RMSGQFUL', 0x14],
    ['ESME_RSUBMITFAIL', 0x45],
    ['ESME_RTHROTTLED', 0x58],
    ['ESME_RINVEXPIRY', 0x62],
    ['ESME_RX_T_APPN', 0x64],
    ['ESME_RUNKNOWNERR', 0xff],
  ] as const)('%s is %i', (name, value) => {
    expect(CommandStatus[name]).toBe(value);
    expect(commandStatusName(value)).toBe(name);
  });

  it.each([
    [CommandStatus.ESME_RTHROTTLED, true],
    [CommandStatus.ESME_RMSGQFUL, true],
    [CommandStatus.ESME_RSYSERR, true],
    [CommandStatus.ESME_RX_T_APPN, true],
    [CommandStatus.ESME_ROK, false],
    [CommandStatus.ESME_RINVDSTADR, false],
    [CommandStatus.ESME_RSUBMITFAIL, false],
    [CommandStatus.ESME_RX_P_APPN, false],
    [0x401, false],
  ])('isTemporaryStatus(%i) = %s', (status, temporary) => {
    expect(isTemporaryStatus(status)).toBe(temporary);
  });

  it('formats and describes codes, named or vendor-specific', () => {
    expect(formatCommandStatus(0x58)).toBe('0x00000058');
    expect(describeCommandStatus(0x58)).toBe('ESME_RTHROTTLED (0x00000058)');
    expect(describeCommandStatus(0x401)).toBe('0x00000401');
    expect(commandStatusName(0x401)).toBeUndefined();
  });
});

describe('command ids', () => {
  it('responses are the request id with bit 31 set', () => {
    expect(CommandId.submit_sm_resp).toBe((CommandId.submit_sm | 0x80000000) >>> 0);
    expect(CommandId.deliver_sm).toBe(0x00000005);
    expect(CommandId.enquire_link).toBe(0x00000015);
    expect(CommandId.generic_nack).toBe(0x80000000);
    expect(CommandId.bind_transceiver).toBe(0x00000009);
  });
});

describe('message_state and receipt stat', () => {
  it.each([
    ['ENROUTE', MessageState.ENROUTE, 1],
    ['DELIVRD', MessageState.DELIVERED, 2],
    ['EXPIRED', MessageState.EXPIRED, 3],
    ['DELETED', MessageState.DELETED, 4],
    ['UNDELIV', MessageState.UNDELIVERABLE, 5],
    ['ACCEPTD', MessageState.ACCEPTED, 6],
    ['UNKNOWN', MessageState.UNKNOWN, 7],
    ['REJECTD', MessageState.REJECTED, 8],
  ] as const)('%s <-> message_state %s (%s)', (stat, state, value) => {
    expect(state).toBe(value);
    expect(messageStateForStat(stat)).toBe(value);
    expect(statForMessageState(value)).toBe(stat);
  });

  it('has no stat for a state outside 1..8', () => {
    expect(statForMessageState(0)).toBeUndefined();
    expect(statForMessageState(9)).toBeUndefined();
  });

  it('only ENROUTE and ACCEPTD are not final', () => {
    expect(RECEIPT_STATS.filter((s) => !isFinalStat(s))).toEqual(['ENROUTE', 'ACCEPTD']);
  });
});

describe('esm_class and TLV tags', () => {
  it.each([
    [0x04, true],
    [0x44, true], // receipt with UDHI
    [0x00, false],
    [0x40, false],
    [0x08, false], // delivery acknowledgement
    [0x20, false], // intermediate notification
  ])('isReceiptEsmClass(%i) = %s', (esm, yes) => {
    expect(isReceiptEsmClass(esm)).toBe(yes);
  });

  it('uses the spec tags', () => {
    expect(TlvTag).toMatchObject({
      receipted_message_id: 0x001e,
      message_state: 0x0427,
      sar_msg_ref_num: 0x020c,
      sar_total_segments: 0x020e,
      sar_segment_seqnum: 0x020f,
      message_payload: 0x0424,
    });
  });
});
