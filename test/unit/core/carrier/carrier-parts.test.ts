import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { TokenBucket } from '../../../../src/core/carrier/token-bucket.ts';
import { ReceiptHold } from '../../../../src/core/carrier/receipt-hold.ts';
import { messageKeys, readReceiptOutcome } from '../../../../src/core/carrier/receipt-outcome.ts';
import type { ReceivedMessageFields } from '../../../../src/smpp/index.ts';

describe('TokenBucket', () => {
  it('allows a burst, then exactly the rate', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(100, 5, clock);
    let sent = 0;
    while (b.tryTake()) sent++;
    expect(sent).toBe(5);
    expect(b.msUntilToken()).toBe(10);
    let later = 0;
    for (let ms = 0; ms < 1000; ms++) {
      clock.advance(1);
      while (b.tryTake()) later++;
    }
    expect(later).toBe(100);
  });
  it('drain empties it so sending resumes at the refill rate', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(10, 10, clock);
    b.drain();
    expect(b.tryTake()).toBe(false);
    expect(b.msUntilToken()).toBe(100);
    clock.advance(100);
    expect(b.tryTake()).toBe(true);
  });
  it('setRate changes the refill from now on and trims tokens to the new burst', () => {
    const clock = new ManualClock();
    const b = new TokenBucket(100, 10, clock);
    b.setRate(10, 2);
    expect(b.available).toBe(2);
    expect([b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, false]);
    expect(b.msUntilToken()).toBe(100);
    clock.advance(1000);
    expect(b.available).toBe(2);
    expect(() => b.setRate(0, 1)).toThrow(RangeError);
  });
  it('refuses nonsense', () => {
    const clock = new ManualClock();
    expect(() => new TokenBucket(0, 1, clock)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, clock)).toThrow(RangeError);
  });
});

describe('ReceiptHold', () => {
  it('gives a held receipt to the first key that asks, once', () => {
    const h = new ReceiptHold<string>(1000, 10);
    h.hold(['16', '22'], 'r1', 0);
    expect(h.take('22')).toBe('r1');
    expect(h.take('16')).toBeUndefined();
    expect(h.size).toBe(0);
  });
  it('drops receipts after the hold time and when full', () => {
    const h = new ReceiptHold<string>(1000, 2);
    h.hold(['1'], 'a', 0);
    h.hold(['2'], 'b', 500);
    h.hold(['3'], 'c', 600);
    expect(h.take('1')).toBeUndefined();
    expect(h.sweep(1499)).toBe(0);
    expect(h.sweep(1500)).toBe(1);
    expect(h.take('3')).toBe('c');
    expect(h.expired).toBe(2);
  });
});

function deliver(text: string, tlv?: { id: string; state: number }): ReceivedMessageFields {
  return {
    service_type: '',
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '819012345678',
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    destination_addr: 'DENPA',
    esm_class: 0x04,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: 0,
    sm_default_msg_id: 0,
    short_message: Buffer.from(text, 'ascii'),
    ...(tlv ? { receipted_message_id: tlv.id, message_state: tlv.state } : {}),
  } as ReceivedMessageFields;
}

describe('reading receipts', () => {
  it('maps stat words to outcomes and keeps every id reading', () => {
    const r = readReceiptOutcome(deliver('id:0000000016 sub:001 dlvrd:001 submit date:2601010000 done date:2601010001 stat:DELIVRD err:000 text:hi'), undefined);
    expect(r).toMatchObject({ kind: 'final', outcome: 'delivered', keys: ['16', '22'] });
    const u = readReceiptOutcome(deliver('id:1f sub:001 dlvrd:000 submit date:2601010000 done date:2601010001 stat:UNDELIV err:001 text:hi'), undefined);
    expect(u).toMatchObject({ kind: 'final', outcome: 'undeliverable', keys: ['31'], error: { code: 'RECEIPT_UNDELIV' } });
  });
  it('prefers the TLVs and uses the configured radix exactly', () => {
    const r = readReceiptOutcome(deliver('garbage', { id: '00000010', state: 5 }), 'hex');
    expect(r).toMatchObject({ kind: 'final', outcome: 'undeliverable', keys: ['16'] });
  });
  it('treats ENROUTE as intermediate and a non-receipt as such', () => {
    expect(readReceiptOutcome(deliver('id:1 sub:001 dlvrd:000 submit date:2601010000 done date:2601010001 stat:ENROUTE err:000 text:'), 'decimal').kind).toBe('intermediate');
    expect(readReceiptOutcome({ ...deliver('hello'), esm_class: 0 }, undefined).kind).toBe('not_a_receipt');
  });
  it('messageKeys: exact with a radix, every candidate without', () => {
    expect(messageKeys('00ff', 'hex')).toEqual(['255']);
    expect(messageKeys('0016', undefined)).toEqual(['16', '22']);
    expect(messageKeys('0016', 'decimal')).toEqual(['16']);
  });
});
