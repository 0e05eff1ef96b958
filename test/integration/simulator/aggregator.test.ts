// The aggregator: the fourth SMSC, a second route to the subscribers of all
// three carriers, with its own port, credentials, TPS cap, receipt format,
// faults and counters, recorded in the ledger with the route it came by.
import { describe, expect, it } from 'vitest';
import { CommandStatus } from '../../../src/smpp/index.ts';
import { withProbe } from '../../../src/probe/index.ts';
import { defaultProfile } from '../../../simulator/index.ts';
import { AGGREGATOR_CREDENTIALS, api, bindClient, NUMBERS, simulatorPerFile, textSubmit } from './fixture.ts';

const t = simulatorPerFile({ receiptResponseTimeoutMs: 300 });
const bind = t.bind;

describe('the aggregator SMSC', () => {
  it('has a port, credentials and a profile of its own', async () => {
    const ports = new Set(Object.values(t.sim.ports));
    expect(t.sim.ports.aggregator).toBeGreaterThan(0);
    expect(ports.size).toBe(4);
    const p = defaultProfile('aggregator');
    expect(p.credentials).toEqual(AGGREGATOR_CREDENTIALS);
    expect(p.latency).toEqual({ kind: 'lognormal', p50: 40, p99: 250 });
    expect(p.throttle.perCarrierTps).toBe(300);
    expect(p.receipts).toMatchObject({ messageIdFormat: 'uuid', tlvs: false, dateDigits: 12, utcOffsetMinutes: 540 });
    const list = (await api<{ carriers: { name: string; smppPort: number }[] }>(t.sim, 'GET', '/v1/carriers')).body.carriers;
    expect(list.map((c) => c.name)).toEqual(['docomo', 'au', 'softbank', 'aggregator']);
    expect(list.find((c) => c.name === 'aggregator')?.smppPort).toBe(t.sim.ports.aggregator);
    // A carrier's credentials do not bind the aggregator.
    await expect(bindClient(t.sim, 'aggregator', { systemId: 'denpa', password: 'dcm-pass' })).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RINVSYSID });
    await expect(bindClient(t.sim, 'aggregator', { password: 'wrong' })).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RINVPASWD });
  });

  it('delivers to every carrier with uuid ids and text-only receipts in JST, recorded with the route', async () => {
    const c = await bind('aggregator');
    const sent = Date.now();
    const ids: string[] = [];
    let seq = 0;
    for (const to of [NUMBERS.docomo, NUMBERS.au, NUMBERS.softbank]) {
      const r = await c.client.submit(textSubmit(to, withProbe('認証コード 123456', { runId: 'AGG1', seq: ++seq, category: 'otp', sentAtMs: sent })));
      if (!r.ok) throw new Error(`submit to ${to} refused: 0x${r.commandStatus.toString(16)}`);
      expect(r.messageId).toMatch(/^[0-9a-f]{8}-0000-4000-8000-[0-9a-f]{12}$/);
      ids.push(r.messageId);
    }
    const receipts = await c.waitReceipts(3);
    expect(new Set(receipts.map((r) => r.messageId))).toEqual(new Set(ids));
    for (const r of receipts) {
      expect(r).toMatchObject({ stat: 'DELIVRD', source: 'text' });
      expect(r.text?.doneDateText).toMatch(/^\d{12}$/);
    }
    // No TLVs on the wire: the text alone names the message.
    for (const d of c.delivers) {
      expect(d.fields.receipted_message_id).toBeUndefined();
      expect(d.fields.message_state).toBeUndefined();
    }
    // JST: read as UTC, the done date is nine hours ahead (to the second of a 12-digit date).
    const done = receipts[0]?.text?.doneDate as number;
    expect(Math.abs(done - 9 * 3_600_000 - Date.now())).toBeLessThan(5_000);
    type Probe = { seq: number; carrier: string; route: string; deliveries: number };
    const probes = (await api<{ probes: Probe[] }>(t.sim, 'GET', '/v1/ledger/runs/AGG1/probes')).body.probes;
    expect(probes.map((p) => [p.seq, p.carrier, p.route, p.deliveries])).toEqual([
      [1, 'docomo', 'aggregator', 1],
      [2, 'au', 'aggregator', 1],
      [3, 'softbank', 'aggregator', 1],
    ]);
    const summary = (await api<{ byRoute: Record<string, { messages: number }>; byCarrier: Record<string, { messages: number }> }>(t.sim, 'GET', '/v1/ledger/runs/AGG1')).body;
    expect(summary.byRoute).toMatchObject({ aggregator: { messages: 3 }, direct: { messages: 0 } });
    expect(summary.byCarrier.docomo?.messages).toBe(1);
    const counters = (await api<{ carriers: Record<string, { submits: number; handsetDeliveries: number; receiptsSent: number }> }>(t.sim, 'GET', '/v1/counters')).body.carriers;
    expect(counters.aggregator).toMatchObject({ submits: 3, handsetDeliveries: 3, receiptsSent: 3 });
    expect(counters.docomo?.submits).toBe(0);
  });

  it('still reaches docomo subscribers while docomo has an outage; its own outage works too', async () => {
    const dc = await bind('docomo');
    const agg = await bind('aggregator');
    expect((await api(t.sim, 'POST', '/v1/faults', { carrier: 'docomo', kind: 'outage', durationMs: 60_000 })).status).toBe(201);
    await dc.client.closed();
    await expect(bindClient(t.sim, 'docomo')).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    expect((await agg.client.submit(textSubmit(NUMBERS.docomo, 'through the aggregator'))).ok).toBe(true);
    expect((await api(t.sim, 'POST', '/v1/faults', { carrier: 'aggregator', kind: 'outage', durationMs: 60_000 })).status).toBe(201);
    await agg.client.closed();
    t.open.splice(0);
    await expect(bindClient(t.sim, 'aggregator')).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    const counters = (await api<{ carriers: Record<string, { bindsRefused: number }> }>(t.sim, 'GET', '/v1/counters')).body.carriers;
    expect(counters.aggregator?.bindsRefused).toBe(1);
  });

  it('caps its own TPS with ESME_RTHROTTLED', async () => {
    await api(t.sim, 'PATCH', '/v1/carriers/aggregator/profile', { throttle: { perCarrierTps: 5 } });
    const c = await bind('aggregator');
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => c.client.submit(textSubmit([NUMBERS.docomo, NUMBERS.au, NUMBERS.softbank][i % 3] as string, 'x', { registered_delivery: 0 }))));
    expect(rs.filter((r) => r.ok).length).toBeGreaterThanOrEqual(5);
    expect(rs.filter((r) => r.ok).length).toBeLessThanOrEqual(6);
    expect(rs.filter((r) => r.commandStatus === CommandStatus.ESME_RTHROTTLED).length).toBeGreaterThanOrEqual(14);
  });

  it('refuses what no carrier serves and an MO from it (MO comes from a carrier)', async () => {
    const c = await bind('aggregator');
    expect((await c.client.submit(textSubmit('0312345678', 'landline'))).commandStatus).toBe(CommandStatus.ESME_RINVDSTADR);
    expect((await api(t.sim, 'POST', '/v1/carriers/aggregator/mo', { from: NUMBERS.docomo, to: '0120123456', text: 'STOP' })).status).toBe(404);
  });
});
