// Reads what a submit_sm carries: which segment of which message, and its
// text. Concatenation comes from the UDH (8- or 16-bit reference) or, failing
// that, from the SAR TLVs; the text from short_message or, when that is
// empty, from message_payload. Pure.
import { CommandStatus, DataCoding, decodeShortMessage, type ReceivedMessage } from '../src/smpp/index.ts';
import type { TextEncoding } from './reassembly.ts';

export type SubmitText =
  | { ok: true; ref: number; total: number; seq: number; text: string; encoding: TextEncoding }
  | { ok: false; status: number; reason: string };

function isUcs2(dataCoding: number): boolean {
  if (dataCoding === DataCoding.UCS2) return true;
  // GSM 03.38 general data coding group with the alphabet in bits 3..2 (10 = UCS-2).
  return (dataCoding & 0xc0) === 0x00 && (dataCoding & 0x10) !== 0 && ((dataCoding >> 2) & 0x03) === 2;
}

export function readSubmitText(m: ReceivedMessage): SubmitText {
  const sm = m.shortMessage;
  const f = m.fields;
  if (sm.udhError) return { ok: false, status: CommandStatus.ESME_RINVESMCLASS, reason: sm.udhError };
  if (sm.bytes.length > 0 && f.message_payload && f.message_payload.length > 0) {
    return { ok: false, status: CommandStatus.ESME_RINVMSGLEN, reason: 'both short_message and message_payload carry text' };
  }
  const concat = sm.udh?.concat;
  let ref = 0;
  let total = 1;
  let seq = 1;
  if (concat) ({ ref, total, seq } = concat);
  else if (f.sar_msg_ref_num !== undefined || f.sar_total_segments !== undefined || f.sar_segment_seqnum !== undefined) {
    if (f.sar_msg_ref_num === undefined || f.sar_total_segments === undefined || f.sar_segment_seqnum === undefined) {
      return { ok: false, status: CommandStatus.ESME_RMISSINGOPTPARAM, reason: 'SAR needs sar_msg_ref_num, sar_total_segments and sar_segment_seqnum together' };
    }
    ref = f.sar_msg_ref_num;
    total = f.sar_total_segments;
    seq = f.sar_segment_seqnum;
  }
  const body = sm.bytes.length > 0 ? sm.body : (f.message_payload ?? Buffer.alloc(0));
  const decoded = decodeShortMessage(body, f.data_coding);
  if (!decoded.ok) return { ok: true, ref, total, seq, text: '', encoding: 'other' };
  return { ok: true, ref, total, seq, text: decoded.text, encoding: isUcs2(f.data_coding) ? 'ucs2' : 'gsm' };
}
