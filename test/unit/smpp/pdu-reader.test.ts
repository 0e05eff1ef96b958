// The hand-written reader for hot PDUs is held to the package's path: on
// hand-built fixtures and on seeded random frames (plain, odd and broken),
// it either returns exactly what the package path returns, or nothing (and
// then decodePdu uses the package, errors included).
import { describe, expect, it } from 'vitest';
import { decodePdu } from '../../../src/smpp/index.ts';
import { decodeWithPackage } from '../../../src/smpp/pdu.ts';
import { readHotPdu } from '../../../src/smpp/pdu-reader.ts';
import { SeededRandom } from '../../../src/runtime/index.ts';
import { bytes, cstr, pduHex } from './fixtures.ts';

const hex8 = (n: number) => n.toString(16).padStart(2, '0');
const hex16 = (n: number) => n.toString(16).padStart(4, '0');
const tlv = (tag: number, valueHex: string) => hex16(tag) + hex16(valueHex.length / 2) + valueHex;

/** submit_sm / deliver_sm body hex from spec-ordered parts (built here, not by src/smpp's encoder). */
function messageBody(o: { src?: string; dst?: string; esm?: number; dc?: number; sm?: string; validity?: string; tlvs?: string }): string {
  return (
    cstr('') + // service_type
    '05' + '00' + cstr(o.src ?? 'DENPA') +
    '01' + '01' + cstr(o.dst ?? '819012345678') +
    hex8(o.esm ?? 0) + '00' + '00' +
    cstr('') + cstr(o.validity ?? '') +
    '01' + '00' + hex8(o.dc ?? 0) + '00' +
    hex8((o.sm ?? '').length / 2) + (o.sm ?? '') +
    (o.tlvs ?? '')
  );
}

const receiptText = Buffer.from('id:1A2B3C sub:001 dlvrd:001 submit date:2612041200 done date:2612041200 stat:DELIVRD err:000 text:hello').toString('hex');

const FIXTURES: Record<string, string> = {
  'submit_sm, GSM-7 text': pduHex(0x00000004, 0, 1, messageBody({ sm: Buffer.from('hello world').toString('hex'), validity: '000000001000000R' })),
  'submit_sm, UCS-2 with UDH': pduHex(0x00000004, 0, 2, messageBody({ esm: 0x40, dc: 0x08, sm: '0500034a0201' + '3042304430463048' })),
  'deliver_sm receipt with TLVs': pduHex(0x00000005, 0, 3, messageBody({ esm: 0x04, sm: receiptText, tlvs: tlv(0x001e, cstr('1A2B3C')) + tlv(0x0427, '02') })),
  'deliver_sm with network_error_code and sar TLVs': pduHex(0x00000005, 0, 4, messageBody({ tlvs: tlv(0x0423, '030001') + tlv(0x020c, '0102') + tlv(0x020e, '03') + tlv(0x020f, '01') + tlv(0x0204, '0007') })),
  'deliver_sm with message_payload and empty short_message': pduHex(0x00000005, 0, 5, messageBody({ tlvs: tlv(0x0424, Buffer.from('payload').toString('hex')) })),
  'submit_sm_resp with id': pduHex(0x80000004, 0, 6, cstr('0000ABCD')),
  'submit_sm_resp header only (error)': pduHex(0x80000004, 0x58, 7),
  'deliver_sm_resp empty id': pduHex(0x80000005, 0, 8, cstr('')),
  'deliver_sm_resp header only': pduHex(0x80000005, 0, 9),
};

describe('readHotPdu', () => {
  for (const [name, hex] of Object.entries(FIXTURES)) {
    it(`reads ${name} as the package path does`, () => {
      const frame = bytes(hex);
      const hot = readHotPdu(frame);
      expect(hot).toBeDefined();
      expect(hot).toEqual(decodeWithPackage(frame));
    });
  }

  it('leaves other commands, unknown TLVs and TLVs it would read differently to the package', () => {
    const cases = [
      pduHex(0x00000015, 0, 1), // enquire_link
      pduHex(0x00000005, 0, 2, messageBody({ tlvs: tlv(0x1403, '01') })), // a vendor TLV
      pduHex(0x00000005, 0, 3, messageBody({ tlvs: tlv(0x0427, '0200') })), // int8 TLV with length 2
      pduHex(0x00000005, 0, 4, messageBody({ tlvs: tlv(0x001e, '4142') })), // receipted_message_id without its NUL
      pduHex(0x80000004, 0, 5, cstr('ID') + tlv(0x0425, '01')), // a response with TLVs after its id
    ];
    for (const hex of cases) {
      const frame = bytes(hex);
      expect(readHotPdu(frame)).toBeUndefined();
      // decodePdu still reads (or refuses) them through the package.
      let viaPackage: unknown;
      try {
        viaPackage = decodeWithPackage(frame);
      } catch (err) {
        viaPackage = err;
      }
      let viaDecode: unknown;
      try {
        viaDecode = decodePdu(frame);
      } catch (err) {
        viaDecode = err;
      }
      expect(viaDecode).toEqual(viaPackage);
    }
  });

  it('on 5,000 seeded random frames, agrees with the package path whenever it answers, and never answers where the package fails', () => {
    const r = new SeededRandom(20261204);
    const randHex = (n: number) => Array.from({ length: n }, () => hex8(r.int(0, 255))).join('');
    const randAscii = (n: number) => Buffer.from(Array.from({ length: n }, () => r.int(0x20, 0x7e))).toString('hex') + '00';
    const tags = [0x001e, 0x0427, 0x0423, 0x020c, 0x020e, 0x020f, 0x0424, 0x0204, 0x0425, 0x1403];
    let answered = 0;
    let plain = 0;
    for (let i = 0; i < 5000; i++) {
      const command = r.int(0, 3);
      let body: string;
      if (command >= 2) {
        body = r.next() < 0.2 ? '' : randAscii(r.int(0, 20));
        if (r.next() < 0.1) body += randHex(r.int(1, 6));
      } else {
        let tlvs = '';
        for (let k = r.int(0, 3); k > 0; k--) {
          const tag = tags[r.int(0, tags.length - 1)] as number;
          const valueHex = tag === 0x001e && r.next() < 0.8 ? randAscii(r.int(0, 12)) : randHex(tag === 0x0427 || tag === 0x020e || tag === 0x020f ? (r.next() < 0.9 ? 1 : 2) : r.int(0, 8));
          tlvs += tlv(tag, valueHex);
        }
        body = messageBody({ src: Buffer.from(randAscii(r.int(0, 10)), 'hex').toString('latin1').slice(0, -1), esm: r.int(0, 255), dc: r.int(0, 255), sm: randHex(r.int(0, 160)), tlvs });
      }
      const commandId = [0x00000004, 0x00000005, 0x80000004, 0x80000005][command] as number;
      let frame = bytes(pduHex(commandId, r.next() < 0.1 ? r.int(1, 0xff) : 0, r.int(1, 0x7fffffff), body));
      const isPlain = r.next() < 0.8;
      if (!isPlain) {
        // Cut the body short, or flip a byte somewhere past the header; command_length stays right.
        const cut = r.int(16, frame.length);
        frame = Buffer.concat([frame.subarray(0, cut)]);
        frame.writeUInt32BE(frame.length, 0);
        if (frame.length > 16 && r.next() < 0.5) frame[r.int(16, frame.length - 1)] = r.int(0, 255);
      } else plain++;
      const hot = readHotPdu(frame);
      let expected: unknown;
      try {
        expected = decodeWithPackage(frame);
      } catch {
        expected = 'refused';
      }
      if (hot === undefined) continue;
      answered++;
      expect(expected).not.toBe('refused');
      expect(hot).toEqual(expected);
    }
    // The fast path is taken for most plain frames, not only for a few easy ones.
    expect(answered).toBeGreaterThan(plain * 0.7);
  });
});
