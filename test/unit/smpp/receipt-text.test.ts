import { describe, expect, it } from 'vitest';
import { formatReceiptText, parseReceiptDate, parseReceiptText, SmppReceiptTextError } from '../../../src/smpp/index.ts';

const submitDate = Date.UTC(2026, 10, 25, 3, 4, 5);
const doneDate = Date.UTC(2026, 10, 25, 3, 4, 59);

describe('formatReceiptText', () => {
  it.each([
    [
      { dateDigits: 10 as const },
      'id:abc123 sub:001 dlvrd:001 submit date:2611250304 done date:2611250304 stat:DELIVRD err:000 text:hello',
    ],
    [
      { dateDigits: 12 as const },
      'id:abc123 sub:001 dlvrd:001 submit date:261125030405 done date:261125030459 stat:DELIVRD err:000 text:hello',
    ],
    [
      { dateDigits: 10 as const, utcOffsetMinutes: 540 },
      'id:abc123 sub:001 dlvrd:001 submit date:2611251204 done date:2611251204 stat:DELIVRD err:000 text:hello',
    ],
  ])('writes %o', (format, expected) => {
    expect(formatReceiptText({ id: 'abc123', sub: 1, dlvrd: 1, submitDate, doneDate, stat: 'DELIVRD', err: '000', text: 'hello' }, format)).toBe(expected);
  });

  it('fills conventional defaults for missing fields', () => {
    expect(formatReceiptText({ id: '42', stat: 'UNDELIV' }, { dateDigits: 10 })).toBe(
      'id:42 sub:001 dlvrd:000 submit date:0000000000 done date:0000000000 stat:UNDELIV err:000 text:',
    );
  });
});

describe('parseReceiptText', () => {
  it('reads the classic 10-digit form', () => {
    const r = parseReceiptText('id:0123456789 sub:001 dlvrd:001 submit date:2611250304 done date:2611250305 stat:DELIVRD err:000 text:Hello world');
    expect(r).toEqual({
      ok: true,
      receipt: {
        id: '0123456789',
        sub: 1,
        dlvrd: 1,
        submitDate: Date.UTC(2026, 10, 25, 3, 4),
        submitDateText: '2611250304',
        doneDate: Date.UTC(2026, 10, 25, 3, 5),
        doneDateText: '2611250305',
        stat: 'DELIVRD',
        err: '000',
        text: 'Hello world',
      },
    });
  });

  it('reads 12-digit dates with seconds', () => {
    const r = parseReceiptText('id:7 sub:001 dlvrd:001 submit date:261125030405 done date:261125030459 stat:DELIVRD err:000 text:');
    expect(r.ok && [r.receipt.submitDate, r.receipt.doneDate]).toEqual([submitDate, doneDate]);
  });

  it('reads dates written in JST when told the offset', () => {
    const r = parseReceiptText('id:7 submit date:2611251204 stat:DELIVRD', { utcOffsetMinutes: 540 });
    expect(r.ok && r.receipt.submitDate).toBe(Date.UTC(2026, 10, 25, 3, 4));
  });

  it.each([
    ['lowercase text: and Text:', 'id:9 sub:001 dlvrd:001 submit date:2611250304 done date:2611250304 stat:UNDELIV err:001 Text:abc', { id: '9', stat: 'UNDELIV', err: '001', text: 'abc' }],
    ['lower-case keys and stat', 'ID:9 STAT:delivrd', { id: '9', stat: 'DELIVRD' }],
    ['underscored date keys', 'id:9 submit_date:2611250304 done_date:2611250304 stat:EXPIRED', { stat: 'EXPIRED', submitDateText: '2611250304' }],
    ['only id and stat', 'id:ff00 stat:REJECTD', { id: 'ff00', stat: 'REJECTD' }],
    ['text with colons and spaces', 'id:1 stat:DELIVRD err:000 text:id:2 stat:UNDELIV  x', { id: '1', stat: 'DELIVRD', text: 'id:2 stat:UNDELIV  x' }],
    ['all-zero dates as absent', 'id:1 submit date:0000000000 done date:000000000000 stat:DELIVRD', { id: '1' }],
    ['intermediate ENROUTE', 'id:1 sub:001 dlvrd:000 stat:ENROUTE', { stat: 'ENROUTE', dlvrd: 0 }],
    ['extra spaces after colons', 'id: 77 stat: DELIVRD', { id: '77', stat: 'DELIVRD' }],
  ])('reads %s', (_label, input, expected) => {
    const r = parseReceiptText(input);
    expect(r.ok).toBe(true);
    expect(r.ok && r.receipt).toMatchObject(expected);
  });

  it('leaves absent fields undefined', () => {
    const r = parseReceiptText('id:ff00 stat:REJECTD');
    expect(r.ok && r.receipt).toEqual({ id: 'ff00', stat: 'REJECTD' });
  });

  it.each([
    ['no id', 'sub:001 stat:DELIVRD', 'id'],
    ['no stat', 'id:1 sub:001', 'stat'],
    ['unknown stat', 'id:1 stat:SENT', 'stat'],
    ['a date of 11 digits', 'id:1 submit date:26112503041 stat:DELIVRD', 'submit date'],
    ['month 13', 'id:1 done date:2613250304 stat:DELIVRD', 'done date'],
    ['31 February', 'id:1 done date:2602310304 stat:DELIVRD', 'done date'],
    ['a non-numeric sub', 'id:1 sub:one stat:DELIVRD', 'sub'],
    ['empty text', '', 'id'],
    ['a free-text message', 'hello, see you at 10:30', 'id'],
  ])('refuses %s with a typed error naming the field', (_label, input, field) => {
    const r = parseReceiptText(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(SmppReceiptTextError);
      expect(r.error.code).toBe('SMPP_ERR_RECEIPT_TEXT');
      expect(r.error.field).toBe(field);
    }
  });

  it('round-trips what formatReceiptText writes, both date widths', () => {
    for (const dateDigits of [10, 12] as const) {
      const fields = { id: 'A1B2C3', sub: 1, dlvrd: 0, submitDate, doneDate, stat: 'EXPIRED' as const, err: '027', text: 'OTP 123456' };
      const r = parseReceiptText(formatReceiptText(fields, { dateDigits }));
      const truncate = (ms: number) => (dateDigits === 10 ? ms - (ms % 60_000) : ms);
      expect(r.ok && r.receipt).toMatchObject({ ...fields, submitDate: truncate(submitDate), doneDate: truncate(doneDate) });
    }
  });
});

describe('parseReceiptDate', () => {
  it.each([
    ['2611250304', Date.UTC(2026, 10, 25, 3, 4)],
    ['261125030405', Date.UTC(2026, 10, 25, 3, 4, 5)],
    ['0001010000', Date.UTC(2000, 0, 1)],
    ['2402290000', Date.UTC(2024, 1, 29)],
  ])('%s', (text, ms) => expect(parseReceiptDate(text)).toBe(ms));

  it.each(['', '26112503', '2611250304x', '2302290000', '2611252400', '2611250360', '261125030460'])('refuses %j', (text) => {
    expect(parseReceiptDate(text)).toBeUndefined();
  });
});
