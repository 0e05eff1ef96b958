import { describe, expect, it } from 'vitest';
import { CommandStatus, DataCoding, EsmClass, readShortMessage, type ReceivedMessage, type ReceivedMessageFields } from '../../../src/smpp/index.ts';
import { readSubmitText } from '../../../simulator/submit-text.ts';

// Fixtures as hex, not built by our own encoders.
function received(hex: string, over: Partial<ReceivedMessageFields> = {}): ReceivedMessage {
  const fields = {
    service_type: '',
    source_addr_ton: 0,
    source_addr_npi: 0,
    source_addr: 'DENPA',
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    destination_addr: '819012345678',
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 1,
    replace_if_present_flag: 0,
    data_coding: DataCoding.SMSC_DEFAULT,
    sm_default_msg_id: 0,
    short_message: Buffer.from(hex, 'hex'),
    ...over,
  } as ReceivedMessageFields;
  return { sequenceNumber: 1, fields, shortMessage: readShortMessage(fields.short_message, fields.data_coding, fields.esm_class) };
}

describe('reading a submit_sm', () => {
  it('a single GSM-7 message', () => {
    expect(readSubmitText(received('48656c6c6f'))).toEqual({ ok: true, ref: 0, total: 1, seq: 1, text: 'Hello', encoding: 'gsm' });
  });

  it('UCS-2 behind an 8-bit reference UDH', () => {
    // 05 00 03 2a 02 01 | 3042 3044 ("あい")
    expect(readSubmitText(received('0500032a020130423044', { esm_class: EsmClass.UDHI, data_coding: DataCoding.UCS2 }))).toEqual({ ok: true, ref: 0x2a, total: 2, seq: 1, text: 'あい', encoding: 'ucs2' });
  });

  it('UCS-2 behind a 16-bit reference UDH', () => {
    // 06 08 04 be ef 03 02 | 3046
    expect(readSubmitText(received('060804beef03023046', { esm_class: EsmClass.UDHI, data_coding: DataCoding.UCS2 }))).toMatchObject({ ok: true, ref: 0xbeef, total: 3, seq: 2, text: 'う' });
  });

  it('SAR TLVs', () => {
    expect(readSubmitText(received('616263', { sar_msg_ref_num: 500, sar_total_segments: 4, sar_segment_seqnum: 4 }))).toMatchObject({ ok: true, ref: 500, total: 4, seq: 4, text: 'abc' });
  });

  it('message_payload when short_message is empty', () => {
    expect(readSubmitText(received('', { data_coding: DataCoding.UCS2, message_payload: Buffer.from('30423044', 'hex') }))).toMatchObject({ ok: true, total: 1, text: 'あい', encoding: 'ucs2' });
  });

  it.each<[string, string, Partial<ReceivedMessageFields>, number]>([
    ['a UDH that overruns the message', '0900032a0201', { esm_class: EsmClass.UDHI }, CommandStatus.ESME_RINVESMCLASS],
    ['half a SAR triple', '61', { sar_msg_ref_num: 1 }, CommandStatus.ESME_RMISSINGOPTPARAM],
    ['both short_message and message_payload', '61', { message_payload: Buffer.from('62', 'hex') }, CommandStatus.ESME_RINVMSGLEN],
  ])('refuses %s', (_what, hex, over, status) => {
    expect(readSubmitText(received(hex, over))).toMatchObject({ ok: false, status });
  });

  it('binary data codings are accepted as text-less', () => {
    expect(readSubmitText(received('0102', { data_coding: 0x04 }))).toMatchObject({ ok: true, text: '', encoding: 'other' });
  });
});
