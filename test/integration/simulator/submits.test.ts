// submit_sm: answers, message ids, receipts (both text variants, TLVs,
// retries), latency, injected errors, throttles, window, portability, fates.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandStatus, MessageState, PduFramer, decodePdu, encodePdu, readReceipt, toReceivedMessage } from '../../../src/smpp/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, NUMBERS, rawSocket, startFastSimulator, textSubmit, waitFor, type TestClient } from './fixture.ts';

let sim: RunningSimulator;
const open: TestClient[] = [];
beforeAll(async () => {
  sim = await startFastSimulator({ receiptResponseTimeoutMs: 300 });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.client.close()));
  await api(sim, 'POST', '/v1/reset');
});
afterAll(async () => {
  await sim?.close();
});
const bind = async (...args: Parameters<typeof bindClient> extends [unknown, ...infer R] ? R : never) => {
  const c = await bindClient(sim, ...args);
  open.push(c);
  return c;
};

describe('submit and receipt', () => {
  it('docomo: decimal ids, 10-digit dates, TLVs and text agree', async () => {
    const c = await bind('docomo');
    const r = await c.client.submit(textSubmit(NUMBERS.docomo, 'hello docomo'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messageId).toMatch(/^\d{10}$/);
    const [receipt] = await c.waitReceipts(1);
    expect(receipt).toMatchObject({ messageId: r.messageId, stat: 'DELIVRD', messageState: MessageState.DELIVERED, source: 'tlv' });
    expect(receipt?.text?.id).toBe(r.messageId);
    expect(receipt?.text?.submitDateText).toMatch(/^\d{10}$/);
    expect(receipt?.text?.doneDateText).toMatch(/^\d{10}$/);
    const m = c.delivers[0];
    expect(m?.fields.esm_class).toBe(0x04);
    expect(m?.fields.source_addr).toBe(NUMBERS.docomo);
    expect(m?.fields.destination_addr).toBe('DENPA');
  });

  it('au: hex ids and 12-digit dates', async () => {
    const c = await bind('au');
    const r = await c.client.submit(textSubmit(NUMBERS.au, 'hello au'));
    if (!r.ok) throw new Error('submit failed');
    expect(r.messageId).toMatch(/^[0-9a-f]{8}$/);
    const [receipt] = await c.waitReceipts(1);
    expect(receipt?.messageId).toBe(r.messageId);
    expect(receipt?.text?.doneDateText).toMatch(/^\d{12}$/);
  });

  it('the id format and date digits follow a PATCHed profile', async () => {
    await api(sim, 'PATCH', '/v1/carriers/softbank/profile', { receipts: { messageIdFormat: 'decimal', dateDigits: 12 } });
    const c = await bind('softbank');
    const r = await c.client.submit(textSubmit(NUMBERS.softbank, 'x'));
    if (!r.ok) throw new Error('submit failed');
    expect(r.messageId).toMatch(/^\d{10}$/);
    const [receipt] = await c.waitReceipts(1);
    expect(receipt?.text?.doneDateText).toMatch(/^\d{12}$/);
  });

  it('sends receipts to a receiver bind of the same system_id', async () => {
    const tx = await bind('docomo', { bindMode: 'transmitter' });
    const rx = await bind('docomo', { bindMode: 'receiver' });
    const r = await tx.client.submit(textSubmit(NUMBERS.docomo, 'via rx'));
    if (!r.ok) throw new Error('submit failed');
    const [receipt] = await rx.waitReceipts(1);
    expect(receipt?.messageId).toBe(r.messageId);
  });

  it('no receipt when registered_delivery is 0; failure-only receipts only for failures', async () => {
    const c = await bind('docomo');
    await c.client.submit(textSubmit(NUMBERS.docomo, 'none', { registered_delivery: 0 }));
    await c.client.submit(textSubmit(NUMBERS.docomo, 'fail only', { registered_delivery: 2 }));
    await api(sim, 'PATCH', '/v1/carriers/docomo/profile', { finalStates: { DELIVRD: 0, UNDELIV: 1 } });
    const r = await c.client.submit(textSubmit(NUMBERS.docomo, 'fail only, failing', { registered_delivery: 2 }));
    const [receipt] = await c.waitReceipts(1);
    expect(receipt).toMatchObject({ messageId: r.messageId, stat: 'UNDELIV' });
    await new Promise((res) => setTimeout(res, 200));
    expect(c.receipts).toHaveLength(1);
  });

  it('retries a receipt the client does not acknowledge', async () => {
    const c = await bind('au');
    let refusals = 0;
    c.client.onDeliver((m) => {
      const rr = readReceipt(m.fields);
      if (!rr.ok) return;
      if (refusals++ < 1) return CommandStatus.ESME_RX_T_APPN; // temporary: the SMSC must try again
      c.receipts.push(rr.receipt);
    });
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { receipts: { retryAfterMs: 50 } });
    const r = await c.client.submit(textSubmit(NUMBERS.au, 'retry me'));
    const [receipt] = await c.waitReceipts(1);
    expect(receipt?.messageId).toBe(r.messageId);
    const counters = (await api<{ carriers: { au: { receiptsRetried: number; receiptsAcked: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.au;
    expect(counters.receiptsRetried).toBeGreaterThanOrEqual(1);
    expect(counters.receiptsAcked).toBe(1);
  });

  it('re-sends a receipt that is never answered (response timeout)', async () => {
    await api(sim, 'PATCH', '/v1/carriers/docomo/profile', { receipts: { retryAfterMs: 10, maxAttempts: 3 } });
    const s = await rawSocket(sim.ports.docomo);
    const framer = new PduFramer();
    const frames: Buffer[] = [];
    s.on('data', (d) => frames.push(...framer.push(d)));
    s.write(encodePdu('bind_transceiver', 1, { system_id: 'denpa', password: 'dcm-pass', interface_version: 0x34 }));
    s.write(encodePdu('submit_sm', 2, textSubmit('+819012345678', 'ignored receipts')));
    // Never answer deliver_sm: the simulator re-sends after its 300 ms response timeout, 3 attempts in all.
    await waitFor(() => frames.filter((f) => f.readUInt32BE(4) === 0x00000005).length >= 3, 10_000);
    const delivers = frames.filter((f) => f.readUInt32BE(4) === 0x00000005).map((f) => readReceipt(toReceivedMessage(decodePdu(f)).fields));
    const ids = new Set(delivers.map((d) => (d.ok ? d.receipt.messageId : '?')));
    expect(ids.size).toBe(1);
    s.destroy();
  });
});

describe('answers', () => {
  it('submit_sm_resp follows the latency distribution', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { latency: { kind: 'constant', ms: 150 } });
    const c = await bind('au');
    const t0 = performance.now();
    const r = await c.client.submit(textSubmit(NUMBERS.au, 'slow'));
    expect(r.ok).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it.each([
    ['ESME_RSUBMITFAIL', CommandStatus.ESME_RSUBMITFAIL],
    ['ESME_RSYSERR', CommandStatus.ESME_RSYSERR],
    [0x400, 0x400],
    ['0x000000fe', 0xfe],
  ])('injects %s at rate 1', async (status, code) => {
    await api(sim, 'PATCH', '/v1/carriers/docomo/profile', { errors: [{ status, rate: 1 }] });
    const c = await bind('docomo');
    const r = await c.client.submit(textSubmit(NUMBERS.docomo, 'x'));
    expect(r).toEqual({ ok: false, commandStatus: code });
    const counters = (await api<{ carriers: { docomo: { responsesByStatus: Record<string, number> } } }>(sim, 'GET', '/v1/counters')).body.carriers.docomo;
    expect(counters.responsesByStatus['0x' + code.toString(16).padStart(8, '0')]).toBe(1);
  });

  it('injects errors at a partial rate', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { errors: [{ status: 'ESME_RTHROTTLED', rate: 0.3 }] });
    const c = await bind('au');
    const rs = await Promise.all(Array.from({ length: 300 }, () => c.client.submit(textSubmit(NUMBERS.au, 'x', { registered_delivery: 0 }))));
    const throttled = rs.filter((r) => r.commandStatus === CommandStatus.ESME_RTHROTTLED).length;
    expect(throttled).toBeGreaterThan(50);
    expect(throttled).toBeLessThan(130);
  });

  it('caps TPS per bind with ESME_RTHROTTLED', async () => {
    await api(sim, 'PATCH', '/v1/carriers/softbank/profile', { throttle: { perBindTps: 5 } });
    const c = await bind('softbank');
    const rs = await Promise.all(Array.from({ length: 20 }, () => c.client.submit(textSubmit(NUMBERS.softbank, 'x', { registered_delivery: 0 }))));
    expect(rs.filter((r) => r.ok).length).toBeGreaterThanOrEqual(5);
    expect(rs.filter((r) => r.ok).length).toBeLessThanOrEqual(6);
    expect(rs.filter((r) => r.commandStatus === CommandStatus.ESME_RTHROTTLED).length).toBeGreaterThanOrEqual(14);
  });

  it('caps TPS per carrier across binds', async () => {
    await api(sim, 'PATCH', '/v1/carriers/softbank/profile', { throttle: { perBindTps: 0, perCarrierTps: 6 } });
    const a = await bind('softbank');
    const b = await bind('softbank');
    const send = (c: TestClient) => Array.from({ length: 10 }, () => c.client.submit(textSubmit(NUMBERS.softbank, 'x', { registered_delivery: 0 })));
    const rs = await Promise.all([...send(a), ...send(b)]);
    const ok = rs.filter((r) => r.ok).length;
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(ok).toBeLessThanOrEqual(7);
  });

  it('answers ESME_RMSGQFUL beyond the outstanding limit per bind', async () => {
    await api(sim, 'PATCH', '/v1/carriers/docomo/profile', { latency: { kind: 'constant', ms: 300 }, maxOutstandingPerBind: 3 });
    const c = await bind('docomo');
    const rs = await Promise.all(Array.from({ length: 6 }, () => c.client.submit(textSubmit(NUMBERS.docomo, 'x', { registered_delivery: 0 }))));
    expect(rs.filter((r) => r.ok)).toHaveLength(3);
    expect(rs.filter((r) => r.commandStatus === CommandStatus.ESME_RMSGQFUL)).toHaveLength(3);
  });

  it('ESME_RINVDSTADR for a number of another carrier or not a Japanese mobile', async () => {
    const c = await bind('docomo');
    expect(await c.client.submit(textSubmit(NUMBERS.au, 'wrong carrier'))).toEqual({ ok: false, commandStatus: CommandStatus.ESME_RINVDSTADR });
    expect(await c.client.submit(textSubmit('0312345678', 'landline'))).toEqual({ ok: false, commandStatus: CommandStatus.ESME_RINVDSTADR });
    expect((await c.client.submit(textSubmit('819012345678', 'canonical'))).ok).toBe(true);
  });

  it('ESME_RINVEXPIRY for a validity_period that is not SMPP time', async () => {
    const c = await bind('docomo');
    expect(await c.client.submit(textSubmit(NUMBERS.docomo, 'x', { validity_period: 'tomorrow' }))).toEqual({ ok: false, commandStatus: CommandStatus.ESME_RINVEXPIRY });
  });
});

describe('number portability over SMPP', () => {
  it('a ported number is served by its new carrier and refused by its home carrier', async () => {
    const ported = await startFastSimulator({ portedShare: 0.5 });
    try {
      const candidates = Array.from({ length: 50 }, (_, i) => `0901234${String(i).padStart(4, '0')}`);
      const { body } = await api<{ results: { number: string; homeCarrier: string; carrier: string; ported: boolean }[] }>(ported, 'POST', '/v1/numbers/lookup', { numbers: candidates });
      const moved = body.results.find((r) => r.ported);
      expect(moved).toBeDefined();
      if (!moved) return;
      expect(moved.homeCarrier).toBe('docomo');
      const home = await bindClient(ported, 'docomo');
      const now = await bindClient(ported, moved.carrier as 'au' | 'softbank');
      expect((await home.client.submit(textSubmit(moved.number, 'x'))).commandStatus).toBe(CommandStatus.ESME_RINVDSTADR);
      expect((await now.client.submit(textSubmit(moved.number, 'x'))).ok).toBe(true);
      await Promise.all([home.client.close(), now.client.close()]);
    } finally {
      await ported.close();
    }
  });
});

describe('handset fates and final states', () => {
  it('undeliverable handsets get UNDELIV', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { handset: { undeliverableShare: 1 } });
    const c = await bind('au');
    await c.client.submit(textSubmit(NUMBERS.au, 'x'));
    expect((await c.waitReceipts(1))[0]?.stat).toBe('UNDELIV');
  });

  it('unreachable handsets are delivered when they come back within validity', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { handset: { unreachableShare: 1, unreachableFor: { kind: 'constant', ms: 200 } } });
    const c = await bind('au');
    const t0 = Date.now();
    await c.client.submit(textSubmit(NUMBERS.au, 'x'));
    expect((await c.waitReceipts(1))[0]?.stat).toBe('DELIVRD');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it('unreachable handsets give EXPIRED when the validity period runs out first', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { handset: { unreachableShare: 1, unreachableFor: { kind: 'constant', ms: 60_000 } } });
    const c = await bind('au');
    await c.client.submit(textSubmit(NUMBERS.au, 'x', { validity_period: '000000000001000R' }));
    expect((await c.waitReceipts(1))[0]?.stat).toBe('EXPIRED');
  });

  it('the final-state mix decides for deliverable handsets', async () => {
    await api(sim, 'PATCH', '/v1/carriers/softbank/profile', { finalStates: { DELIVRD: 0, REJECTD: 1 } });
    const c = await bind('softbank');
    await c.client.submit(textSubmit(NUMBERS.softbank, 'x'));
    expect((await c.waitReceipts(1))[0]?.stat).toBe('REJECTD');
  });
});
