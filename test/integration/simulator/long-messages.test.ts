// Concatenated messages over SMPP: UDH with 8- and 16-bit references, SAR
// TLVs, message_payload; reassembled text read by the ledger's probe decoder.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withProbe } from '../../../src/probe/index.ts';
import { CommandStatus, DataCoding, EsmClass, encodeConcatUdh, RegisteredDelivery } from '../../../src/smpp/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, NUMBERS, startFastSimulator, type TestClient } from './fixture.ts';

let sim: RunningSimulator;
let c: TestClient;
beforeAll(async () => {
  sim = await startFastSimulator();
  c = await bindClient(sim, 'docomo');
});
afterEach(async () => {
  await api(sim, 'POST', '/v1/reset');
});
afterAll(async () => {
  await c?.client.close();
  await sim?.close();
});

const ucs2 = (s: string) => Buffer.from(s, 'utf16le').swap16();
const base = { source_addr: 'DENPA', destination_addr: NUMBERS.docomo, registered_delivery: RegisteredDelivery.FINAL };

/** Splits `text` into chunks of `size` UTF-16 code units (67 for UCS-2 behind a UDH). */
const chunks = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

function probeText(seq: number, length: number): string {
  const body = 'あ'.repeat(length - 24); // the token adds a space and 23 characters
  return withProbe(body, { runId: 'LONG', seq, category: 'notice', sentAtMs: Date.now() });
}

type Probe = { seq: number; intact: boolean; deliveries: number; finalState: string | null };
async function probes(): Promise<Probe[]> {
  return (await api<{ probes: Probe[] }>(sim, 'GET', '/v1/ledger/runs/LONG/probes')).body.probes;
}

describe('long messages', () => {
  it('reassembles UDH segments with an 8-bit reference (660 UCS-2 characters, docomo\'s limit, out of order)', async () => {
    const parts = chunks(probeText(1, 660), 66);
    expect(parts).toHaveLength(10);
    const order = [3, 0, 9, 1, 2, 8, 4, 5, 7, 6];
    const rs = [];
    for (const i of order) {
      rs.push(
        await c.client.submit({
          ...base,
          esm_class: EsmClass.UDHI,
          data_coding: DataCoding.UCS2,
          short_message: Buffer.concat([encodeConcatUdh({ ref: 42, refBits: 8, total: 10, seq: i + 1 }), ucs2(parts[i] as string)]),
        }),
      );
    }
    expect(rs.every((r) => r.ok)).toBe(true);
    await c.waitReceipts(10);
    expect(new Set(c.receipts.map((r) => r.messageId))).toEqual(new Set(rs.map((r) => r.messageId)));
    expect(await probes()).toMatchObject([{ seq: 1, intact: true, deliveries: 1, finalState: 'DELIVRD' }]);
  });

  it('reassembles UDH segments with a 16-bit reference', async () => {
    const parts = chunks(probeText(2, 200), 67);
    for (let i = 0; i < parts.length; i++) {
      const r = await c.client.submit({
        ...base,
        esm_class: EsmClass.UDHI,
        data_coding: DataCoding.UCS2,
        short_message: Buffer.concat([encodeConcatUdh({ ref: 0xbeef, refBits: 16, total: parts.length, seq: i + 1 }), ucs2(parts[i] as string)]),
      });
      expect(r.ok).toBe(true);
    }
    expect(await probes()).toMatchObject([{ seq: 2, intact: true }]);
  });

  it('reassembles SAR TLV segments (GSM-7)', async () => {
    const text = withProbe('x'.repeat(300), { runId: 'LONG', seq: 3, category: 'otp', sentAtMs: Date.now() });
    const parts = chunks(text, 153);
    for (let i = 0; i < parts.length; i++) {
      const r = await c.client.submit({
        ...base,
        data_coding: DataCoding.SMSC_DEFAULT,
        short_message: Buffer.from(parts[i] as string, 'latin1'),
        sar_msg_ref_num: 777,
        sar_total_segments: parts.length,
        sar_segment_seqnum: i + 1,
      });
      expect(r.ok).toBe(true);
    }
    expect(await probes()).toMatchObject([{ seq: 3, intact: true }]);
  });

  it('reads message_payload', async () => {
    const r = await c.client.submit({ ...base, data_coding: DataCoding.UCS2, message_payload: ucs2(probeText(4, 600)) });
    expect(r.ok).toBe(true);
    expect(await probes()).toMatchObject([{ seq: 4, intact: true }]);
  });

  it('rejects more than docomo\'s 660 UCS-2 characters with ESME_RINVMSGLEN', async () => {
    const r = await c.client.submit({ ...base, data_coding: DataCoding.UCS2, message_payload: ucs2(probeText(5, 661)) });
    expect(r).toEqual({ ok: false, commandStatus: CommandStatus.ESME_RINVMSGLEN });
    expect(await probes()).toEqual([]);
  });

  it('rejects an 11-segment message and the segment that overflows a set', async () => {
    const r = await c.client.submit({
      ...base,
      esm_class: EsmClass.UDHI,
      data_coding: DataCoding.UCS2,
      short_message: Buffer.concat([encodeConcatUdh({ ref: 9, refBits: 8, total: 11, seq: 1 }), ucs2('あ')]),
    });
    expect(r.commandStatus).toBe(CommandStatus.ESME_RINVMSGLEN);
    // 10 segments of 100 characters: the 7th passes 660 and is refused; the 6 before get REJECTD receipts.
    const fat = 'い'.repeat(100);
    const before = c.receipts.length;
    const rs = [];
    for (let i = 1; i <= 7; i++) {
      rs.push(
        await c.client.submit({
          ...base,
          esm_class: EsmClass.UDHI,
          data_coding: DataCoding.UCS2,
          short_message: Buffer.concat([encodeConcatUdh({ ref: 10, refBits: 8, total: 10, seq: i }), ucs2(fat)]),
        }),
      );
    }
    expect(rs.map((x) => x.commandStatus)).toEqual([0, 0, 0, 0, 0, 0, CommandStatus.ESME_RINVMSGLEN]);
    await c.waitReceipts(before + 6);
    expect(c.receipts.slice(-6).every((x) => x.stat === 'REJECTD')).toBe(true);
  });

  it('an incomplete set expires and its segments get UNDELIV receipts', async () => {
    await api(sim, 'PATCH', '/v1/carriers/docomo/profile', { longMessages: { reassemblyTimeoutMs: 200 } });
    const before = c.receipts.length;
    const r = await c.client.submit({
      ...base,
      esm_class: EsmClass.UDHI,
      data_coding: DataCoding.UCS2,
      short_message: Buffer.concat([encodeConcatUdh({ ref: 11, refBits: 8, total: 2, seq: 1 }), ucs2('half')]),
    });
    expect(r.ok).toBe(true);
    const receipts = await c.waitReceipts(before + 1);
    expect(receipts[before]).toMatchObject({ messageId: r.messageId, stat: 'UNDELIV' });
  });
});
