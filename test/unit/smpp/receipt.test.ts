import { describe, expect, it } from 'vitest';
import { buildReceipt, decodePdu, encodePdu, MessageState, readReceipt, toReceivedMessage, type ReceivedMessageFields } from '../../../src/smpp/index.ts';
import { bytes, cstr, pduHex } from './fixtures.ts';

const done = Date.UTC(2026, 10, 25, 3, 4, 5);

function deliverFields(opts: { esm?: string; dc?: string; text: string; tlvHex?: string }): ReceivedMessageFields {
  const sm = Buffer.from(opts.text, 'latin1');
  const body = [
    cstr(''), '01', '01', cstr('819012345678'), '05', '00', cstr('DENPA'),
    opts.esm ?? '04', '00', '00', cstr(''), cstr(''), '00', '00', opts.dc ?? '00', '00',
    sm.length.toString(16).padStart(2, '0'), sm.toString('hex'), opts.tlvHex ?? '',
  ].join('');
  return toReceivedMessage(decodePdu(bytes(pduHex(5, 0, 1, body)))).fields;
}

describe('readReceipt', () => {
  it('prefers the TLVs', () => {
    const f = deliverFields({ text: 'id:31 stat:DELIVRD', tlvHex: '001e 0003 316600' + '0427 0001 05' });
    const r = readReceipt(f);
    expect(r.ok && r.receipt).toMatchObject({ messageId: '1f', stat: 'UNDELIV', messageState: MessageState.UNDELIVERABLE, source: 'tlv' });
    expect(r.ok && r.receipt.text?.id).toBe('31'); // the text is still there to compare
  });

  it('falls back to the text when there are no TLVs (12-digit dates, lowercase text:)', () => {
    const f = deliverFields({ text: 'id:0000ab12 sub:001 dlvrd:000 submit date:261125030405 done date:261125030405 stat:EXPIRED err:027 text:hi' });
    const r = readReceipt(f);
    expect(r.ok && r.receipt).toMatchObject({ messageId: '0000ab12', stat: 'EXPIRED', messageState: 3, source: 'text' });
    expect(r.ok && r.receipt.text?.doneDate).toBe(done);
  });

  it('takes the id from the TLV and the state from the text when only the id TLV is there', () => {
    const f = deliverFields({ text: 'id:x stat:REJECTD', tlvHex: '001e 0002 7a00' });
    const r = readReceipt(f);
    expect(r.ok && r.receipt).toMatchObject({ messageId: 'z', stat: 'REJECTD', source: 'tlv' });
  });

  it('reads a TLV-only receipt whose text is unreadable', () => {
    const f = deliverFields({ text: 'garbage', tlvHex: '001e 0002 3100' + '0427 0001 02' });
    const r = readReceipt(f);
    expect(r.ok && r.receipt).toMatchObject({ messageId: '1', stat: 'DELIVRD' });
    expect(r.ok && r.receipt.textError).toMatch(/id/);
  });

  it('is not a receipt without the receipt esm_class', () => {
    const r = readReceipt(deliverFields({ esm: '00', text: 'id:1 stat:DELIVRD' }));
    expect(r).toMatchObject({ ok: false });
  });

  it('says so when neither TLVs nor text name message and state', () => {
    expect(readReceipt(deliverFields({ text: 'hello' })).ok).toBe(false);
  });
});

describe('buildReceipt', () => {
  it('builds a receipt deliver_sm that reads back, text and TLVs agreeing', () => {
    const fields = buildReceipt({ id: '0a1b', stat: 'DELIVRD', handset: '819012345678', sender: 'DENPA', submitDate: done, doneDate: done, err: '000', text: 'OTP 123456 DP0ABC', format: { dateDigits: 12 } });
    expect(fields).toMatchObject({ esm_class: 0x04, data_coding: 0x00, receipted_message_id: '0a1b', message_state: 2, source_addr: '819012345678', destination_addr: 'DENPA' });
    expect(fields.short_message?.toString('latin1')).toBe('id:0a1b sub:001 dlvrd:001 submit date:261125030405 done date:261125030405 stat:DELIVRD err:000 text:OTP 123456 DP0ABC');
    const back = readReceipt(toReceivedMessage(decodePdu(encodePdu('deliver_sm', 1, fields))).fields);
    expect(back.ok && back.receipt).toMatchObject({ messageId: '0a1b', stat: 'DELIVRD', source: 'tlv', text: { id: '0a1b', stat: 'DELIVRD', text: 'OTP 123456 DP0ABC' } });
  });

  it('encodes `_` as GSM-7 under data_coding 0 and as ASCII under 0x01 (edge 4)', () => {
    const gsm = buildReceipt({ id: 'a_b', stat: 'DELIVRD', handset: '1', sender: '2', format: { dateDigits: 10 } });
    const ia5 = buildReceipt({ id: 'a_b', stat: 'DELIVRD', handset: '1', sender: '2', format: { dateDigits: 10 }, dataCoding: 0x01 });
    expect(gsm.short_message?.subarray(3, 6).toString('hex')).toBe('611162');
    expect(ia5.short_message?.subarray(3, 6).toString('hex')).toBe('615f62');
    for (const f of [gsm, ia5]) {
      const r = readReceipt(toReceivedMessage(decodePdu(encodePdu('deliver_sm', 1, f))).fields);
      expect(r.ok && r.receipt.text?.id).toBe('a_b');
    }
  });

  it('cuts the text snippet to 20 ASCII characters and can leave the TLVs out', () => {
    const f = buildReceipt({ id: '1', stat: 'UNDELIV', handset: '1', sender: '2', text: '認証コードは123456です。よろしくお願いします', format: { dateDigits: 10 }, omitTlvs: true });
    expect(f.receipted_message_id).toBeUndefined();
    expect(f.message_state).toBeUndefined();
    const text = f.short_message?.toString('latin1') ?? '';
    expect(text.slice(text.indexOf('text:') + 5)).toBe('??????123456????????');
  });
});
