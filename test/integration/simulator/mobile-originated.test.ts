// Two-way SMS from the simulator: handsets write back to the bound ESME as
// deliver_sm with esm_class 0x00 (not a receipt), injected on demand by the
// control API or generated at the profile's rate with a share of opt-out
// words, from a seeded random source (same seed, same replies).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import { DataCoding, decodeShortMessage, EsmClass, isReceiptEsmClass, type ReceivedMessage } from '../../../src/smpp/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, NUMBERS, startFastSimulator, textSubmit, waitFor, type TestClient } from './fixture.ts';

let sim: RunningSimulator | undefined;
let clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients) await c.client.close();
  await sim?.close();
  sim = undefined;
  clients = [];
});

const textOf = (m: ReceivedMessage): string => {
  const d = decodeShortMessage(m.shortMessage.body, m.fields.data_coding);
  return d.ok ? d.text : `<${d.reason}>`;
};
const mosOf = (c: TestClient): ReceivedMessage[] => c.delivers.filter((m) => !isReceiptEsmClass(m.fields.esm_class));

describe('mobile-originated messages', () => {
  it('the control API sends one MO now: esm_class 0x00, UCS-2 for 停止, GSM-7 for STOP, from the canonical handset', async () => {
    sim = await startFastSimulator();
    const c = await bindClient(sim, 'docomo');
    clients.push(c);
    const one = await api(sim, 'POST', '/v1/carriers/docomo/mo', { from: NUMBERS.docomo, to: '0120123456', text: '停止' });
    expect(one).toMatchObject({ status: 202, body: { from: '819012345678', to: '0120123456', text: '停止' } });
    await api(sim, 'POST', '/v1/carriers/docomo/mo', { from: '+819012345678', to: 'DENPA', text: 'STOP' });
    await waitFor(() => mosOf(c).length >= 2, 5_000);
    const [a, b] = mosOf(c);
    expect(a?.fields).toMatchObject({ esm_class: EsmClass.DEFAULT, data_coding: DataCoding.UCS2, source_addr: '819012345678', source_addr_ton: 1, destination_addr: '0120123456' });
    expect(textOf(a!)).toBe('停止');
    expect(b?.fields).toMatchObject({ esm_class: EsmClass.DEFAULT, data_coding: DataCoding.SMSC_DEFAULT, destination_addr: 'DENPA' });
    expect(textOf(b!)).toBe('STOP');
    const counters = (await api<{ carriers: { docomo: { moSent: number; moAcked: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.docomo;
    expect(counters).toMatchObject({ moSent: 2, moAcked: 2 });
  });

  it('refuses a bad MO with a problem naming the field and sends nothing', async () => {
    sim = await startFastSimulator();
    const bad = await api<{ errors: { field: string }[] }>(sim, 'POST', '/v1/carriers/docomo/mo', { from: '12', to: 'x', text: 'STOP' });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.errors.map((e) => e.field)).toEqual(['from']);
    expect((await api(sim, 'POST', '/v1/carriers/rakuten/mo', { from: NUMBERS.docomo, to: 'x', text: 'STOP' })).status).toBe(404);
    const counters = (await api<{ carriers: { docomo: { moSent: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.docomo;
    expect(counters.moSent).toBe(0);
  });

  it('generates replies at the profile rate to senders the handsets heard from, with the opt-out share, the same for the same seed', async () => {
    const replies = async (): Promise<string[]> => {
      const clock = new ManualClock();
      const s = await startFastSimulator({ clock });
      const c = await bindClient(s, 'au');
      try {
        // Ten handsets each get one message from 0120999888.
        for (let i = 0; i < 10; i++) await c.client.submit(textSubmit(`0905123${String(4560 + i)}`, `hello ${i}`, { source_addr: '0120999888' }));
        clock.advance(10); // handset delivery (5 ms) and receipts
        await waitFor(() => c.receipts.length >= 10, 5_000);
        s.simulator.patchProfile('au', { mo: { perSecond: 20, optOutShare: 0.5, optOutTexts: ['停止', 'STOP'], otherTexts: ['はい'] } });
        // 10 s of fake time at 20/s: about 200 replies.
        for (let t = 0; t < 10_000; t += 100) {
          clock.advance(100);
          await new Promise((r) => setImmediate(r));
        }
        s.simulator.patchProfile('au', { mo: { perSecond: 0 } });
        const sent = s.simulator.counters().au.moSent;
        await waitFor(() => mosOf(c).length >= sent, 5_000);
        const mos = mosOf(c);
        expect(mos.every((m) => m.fields.destination_addr === '0120999888' && /^81905123456[0-9]$/.test(m.fields.source_addr))).toBe(true);
        return mos.map(textOf);
      } finally {
        await c.client.close();
        await s.close();
      }
    };
    const first = await replies();
    expect(first.length).toBeGreaterThan(150);
    expect(first.length).toBeLessThan(250);
    const optOuts = first.filter((t) => t === '停止' || t === 'STOP').length / first.length;
    expect(optOuts).toBeGreaterThan(0.4);
    expect(optOuts).toBeLessThan(0.6);
    expect(new Set(first)).toEqual(new Set(['停止', 'STOP', 'はい']));
    expect(await replies()).toEqual(first);
  });
});
