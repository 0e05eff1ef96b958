import { describe, expect, it } from 'vitest';
import { decodePdu, encodeGenericNack, encodePdu, SmppMessageTooLongError, SmppParseError, toReceivedMessage } from '../../../src/smpp/index.ts';
import { bytes, cstr, pduHex } from './fixtures.ts';

// submit_sm (SMPP 3.4 section 4.4.1), field by field.
const submitBody = [
  cstr(''), // service_type
  '05', '00', cstr('DENPA'), // source ton/npi/addr (alphanumeric)
  '01', '01', cstr('819012345678'), // dest ton/npi/addr
  '40', // esm_class: UDHI
  '00', // protocol_id
  '01', // priority_flag
  cstr(''), // schedule_delivery_time
  cstr('000000000500000R'), // validity_period: 5 minutes, relative
  '01', // registered_delivery
  '00', // replace_if_present_flag
  '08', // data_coding UCS-2
  '00', // sm_default_msg_id
  '0a', '050003a10201' + '65e5672c', // sm_length + short_message
  '0204 0002 0007', // TLV user_message_reference = 7
  '020c 0002 1234', // TLV sar_msg_ref_num = 0x1234
].join('');
const submitHex = pduHex(0x00000004, 0, 7, submitBody);

describe('decodePdu', () => {
  it('reads a hand-written submit_sm with a UDH and TLVs', () => {
    const pdu = decodePdu(bytes(submitHex));
    expect(pdu).toMatchObject({ command: 'submit_sm', command_id: 4, command_status: 0, sequence_number: 7 });
    expect(pdu.fields).toMatchObject({
      source_addr_ton: 5,
      source_addr: 'DENPA',
      dest_addr_ton: 1,
      destination_addr: '819012345678',
      esm_class: 0x40,
      priority_flag: 1,
      validity_period: '000000000500000R', // kept as the SMPP time string
      registered_delivery: 1,
      data_coding: 8,
      user_message_reference: 7,
      sar_msg_ref_num: 0x1234,
    });
    expect((pdu.fields.short_message as Buffer).toString('hex')).toBe('050003a10201' + '65e5672c'); // raw (edge 5)
  });

  it('gives handlers typed fields and the split short_message', () => {
    const m = toReceivedMessage(decodePdu(bytes(submitHex)));
    expect(m.sequenceNumber).toBe(7);
    expect(m.fields.destination_addr).toBe('819012345678');
    expect(m.fields.schedule_delivery_time).toBe('');
    expect(m.shortMessage.udh?.concat).toEqual({ ref: 0xa1, refBits: 8, total: 2, seq: 1 });
    expect(m.shortMessage.body.toString('hex')).toBe('65e5672c');
  });

  it('reads a receipt deliver_sm with receipted_message_id and message_state', () => {
    const text = 'id:1f sub:001 dlvrd:001 submit date:2611250304 done date:2611250305 stat:DELIVRD err:000 text:';
    const body = [
      cstr(''), '01', '01', cstr('819012345678'), '05', '00', cstr('DENPA'),
      '04', '00', '00', cstr(''), cstr(''), '00', '00', '00', '00',
      (text.length).toString(16).padStart(2, '0'), Buffer.from(text).toString('hex'),
      '001e 0003 316600', // receipted_message_id "1f"
      '0427 0001 02', // message_state DELIVERED
      '0423 0003 030001', // network_error_code
    ].join('');
    const pdu = decodePdu(bytes(pduHex(0x00000005, 0, 99, body)));
    expect(pdu.command).toBe('deliver_sm');
    expect(pdu.fields).toMatchObject({ esm_class: 4, receipted_message_id: '1f', message_state: 2 });
    expect((pdu.fields.short_message as Buffer).toString('latin1')).toBe(text);
    const m = toReceivedMessage(pdu);
    expect(m.fields.network_error_code?.toString('hex')).toBe('030001');
  });

  it('reads a header-only error response (edge 2: no message_id)', () => {
    const pdu = decodePdu(bytes('00000010 80000004 00000058 00000007'));
    expect(pdu).toMatchObject({ command: 'submit_sm_resp', command_status: 0x58, sequence_number: 7 });
    expect(pdu.fields.message_id).toBeUndefined();
  });

  it('reads a bind_transceiver with interface_version 0x50 and one with 0x34', () => {
    for (const iv of ['50', '34']) {
      const body = cstr('denpa') + cstr('dcm-pass') + cstr('') + iv + '00' + '00' + cstr('');
      const pdu = decodePdu(bytes(pduHex(0x00000009, 0, 1, body)));
      expect(pdu.fields).toMatchObject({ system_id: 'denpa', password: 'dcm-pass', interface_version: parseInt(iv, 16) });
    }
  });

  it('decodes an unknown command id as `unknown` (answered with generic_nack, not an error)', () => {
    expect(decodePdu(bytes('00000010 000001ff 00000000 00000003'))).toMatchObject({ command: 'unknown', command_id: 0x1ff, sequence_number: 3 });
  });

  it.each([
    ['a submit_sm cut inside its fixed fields', pduHex(0x00000004, 0, 1, cstr('') + '05')],
    ['a frame shorter than its command_length', '00000020 00000015 00000000 00000001'],
    ['a frame longer than its command_length', '00000010 00000015 00000000 00000001 ff'],
    ['a submit_sm whose sm_length runs past the end', pduHex(0x00000004, 0, 1, submitBody.slice(0, submitBody.indexOf('0a050003') + 10))],
    ['a submit_sm whose TLV length runs past the end', pduHex(0x00000004, 0, 1, submitBody + '0204 0004 00')],
    ['a submit_sm with stray octets after its TLVs', pduHex(0x00000004, 0, 1, submitBody + '0204')],
    ['a bind_transmitter without its password', pduHex(0x00000002, 0, 1, cstr('denpa'))],
  ])('refuses %s with SmppParseError', (_label, hex) => {
    expect(() => decodePdu(bytes(hex))).toThrow(SmppParseError);
  });
});

describe('encodePdu', () => {
  it('writes exactly the hand-written submit_sm', () => {
    const out = encodePdu('submit_sm', 7, {
      source_addr_ton: 5,
      source_addr: 'DENPA',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '819012345678',
      esm_class: 0x40,
      priority_flag: 1,
      validity_period: '000000000500000R',
      registered_delivery: 1,
      data_coding: 8,
      short_message: bytes('050003a10201' + '65e5672c'),
      user_message_reference: 7,
      sar_msg_ref_num: 0x1234,
    });
    expect(out.toString('hex')).toBe(submitHex);
  });

  it('writes a non-zero status as the 16-octet header only (edge 2)', () => {
    expect(encodePdu('submit_sm_resp', 7, { message_id: 'ignored' }, 0x58).toString('hex')).toBe('00000010800000040000005800000007');
  });

  it('writes submit_sm_resp with its message_id', () => {
    expect(encodePdu('submit_sm_resp', 2, { message_id: 'abc' }).toString('hex')).toBe('00000014800000040000000000000002' + '61626300');
  });

  it('writes data_coding 0 when none was given rather than letting the package guess', () => {
    const out = encodePdu('submit_sm', 1, { destination_addr: '1', short_message: Buffer.from('A') });
    expect(decodePdu(out).fields.data_coding).toBe(0);
  });

  it('writes generic_nack', () => {
    expect(encodeGenericNack(5, 3).toString('hex')).toBe('00000010800000000000000300000005');
  });

  it('refuses short_message over 254 octets and text instead of bytes', () => {
    expect(() => encodePdu('submit_sm', 1, { destination_addr: '1', data_coding: 0, short_message: Buffer.alloc(255) })).toThrow(SmppMessageTooLongError);
    expect(() => encodePdu('submit_sm', 1, { destination_addr: '1', data_coding: 0, short_message: 'text' })).toThrow(TypeError);
  });

  it('carries a long body in message_payload', () => {
    const payload = Buffer.alloc(600, 0x41);
    const pdu = decodePdu(encodePdu('submit_sm', 1, { destination_addr: '1', data_coding: 0, message_payload: payload }));
    expect((pdu.fields.message_payload as Buffer).equals(payload)).toBe(true);
  });
});

describe('the hand-written encoders and the package agree', () => {
  const receiptFields = {
    source_addr: '819012345678',
    destination_addr: 'DENPA',
    esm_class: 0x04,
    data_coding: 0x01,
    short_message: Buffer.from('id:1f stat:DELIVRD'),
    receipted_message_id: '1f',
    message_state: 2,
    network_error_code: Buffer.from([3, 0, 1]),
    sar_msg_ref_num: 0x0102,
    sar_total_segments: 2,
    sar_segment_seqnum: 1,
    message_payload: Buffer.from('xyz'),
    user_message_reference: 9,
  };

  it('writes a receipt deliver_sm exactly as hand-written', () => {
    const expected = pduHex(
      5,
      0,
      3,
      [
        cstr(''), '00', '00', cstr('819012345678'), '00', '00', cstr('DENPA'),
        '04', '00', '00', cstr(''), cstr(''), '00', '00', '01', '00',
        '12', Buffer.from('id:1f stat:DELIVRD').toString('hex'),
        '001e 0003 316600', '0427 0001 02', '0423 0003 030001', '020c 0002 0102', '020e 0001 02', '020f 0001 01', '0424 0003 78797a', '0204 0002 0009',
      ].join(''),
    );
    expect(encodePdu('deliver_sm', 3, receiptFields).toString('hex')).toBe(expected);
    // A field only the package knows (dest_port) sends the whole PDU through the package: same bytes plus that TLV.
    expect(encodePdu('deliver_sm', 3, { ...receiptFields, dest_port: 0x0b84 }).toString('hex')).toBe(
      pduHex(5, 0, 3, expected.slice(32) + '020b 0002 0b84'),
    );
  });

  it('writes header-only PDUs and responses', () => {
    expect(encodePdu('enquire_link', 9).toString('hex')).toBe('00000010000000150000000000000009');
    expect(encodePdu('unbind_resp', 9).toString('hex')).toBe('00000010800000060000000000000009');
    expect(encodePdu('deliver_sm_resp', 9).toString('hex')).toBe('00000011800000050000000000000009' + '00');
    expect(encodePdu('bind_transceiver_resp', 9, {}, 0x0e).toString('hex')).toBe('0000001080000009' + '0000000e00000009');
  });
});
