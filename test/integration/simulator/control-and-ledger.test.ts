// The control API (validation, problem+json, OpenAPI, reset) and the truth
// ledger fed by real submits; determinism across two simulators.
import * as hdr from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withProbe } from '../../../src/probe/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, NUMBERS, startFastSimulator, textSubmit } from './fixture.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startFastSimulator();
});
afterAll(async () => {
  await sim?.close();
});

type Problem = { type: string; title: string; status: number; detail: string; errors?: { field: string; message: string }[] };

describe('control API', () => {
  it('serves health, carriers with their ports and profiles, and OpenAPI', async () => {
    expect((await api(sim, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const { body } = await api<{ carriers: { name: string; smppPort: number; profile: { credentials: { password: string } } }[] }>(sim, 'GET', '/v1/carriers');
    expect(body.carriers.map((c) => [c.name, c.smppPort])).toEqual([
      ['docomo', sim.ports.docomo],
      ['au', sim.ports.au],
      ['softbank', sim.ports.softbank],
      ['aggregator', sim.ports.aggregator],
    ]);
    const spec = (await api<{ openapi: string; paths: Record<string, unknown> }>(sim, 'GET', '/openapi.json')).body;
    expect(spec.openapi).toMatch(/^3\./);
    for (const p of ['/v1/carriers', '/v1/carriers/{carrier}/profile', '/v1/faults', '/v1/faults/{id}', '/v1/counters', '/v1/numbers/{number}', '/v1/numbers/lookup', '/v1/ledger/runs/{runId}', '/v1/ledger/runs/{runId}/probes', '/v1/reset']) {
      expect(Object.keys(spec.paths)).toContain(p);
    }
  });

  it.each<[string, string, unknown, number, string]>([
    ['PATCH', '/v1/carriers/au/profile', { latency: { kind: 'lognormal', p50: 10, p99: 5 } }, 400, 'latency.p99'],
    ['PATCH', '/v1/carriers/au/profile', { bogus: true }, 400, 'bogus'],
    ['PATCH', '/v1/carriers/au/profile', { throttle: { perBindTps: 'fast' } }, 400, 'throttle.perBindTps'],
    ['PATCH', '/v1/carriers/rakuten/profile', {}, 404, 'carrier'],
    ['GET', '/v1/carriers/rakuten/profile', undefined, 404, 'carrier'],
    ['POST', '/v1/faults', { carrier: 'au', kind: 'meteor', durationMs: 10 }, 400, 'kind'],
    ['POST', '/v1/faults', { carrier: 'au', kind: 'outage' }, 400, 'durationMs'],
    ['POST', '/v1/faults', { carrier: 'xx', kind: 'outage', durationMs: 5 }, 400, 'carrier'],
    ['POST', '/v1/faults', { carrier: 'au', kind: 'slow_answers', durationMs: 5, params: { delayMs: -1 } }, 400, 'params.delayMs'],
    ['DELETE', '/v1/faults/f999', undefined, 404, 'id'],
    ['GET', '/v1/numbers/0312345678', undefined, 400, 'number'],
    ['POST', '/v1/numbers/lookup', { numbers: ['09012345678', '123'] }, 400, 'numbers.1'],
    ['POST', '/v1/numbers/lookup', { numbers: Array.from({ length: 1001 }, () => '09012345678') }, 400, 'numbers'],
    ['GET', '/v1/ledger/runs/bad!', undefined, 400, 'runId'],
    ['GET', '/v1/ledger/runs/ABCD/probes?limit=10001', undefined, 400, 'limit'],
  ])('%s %s -> %d problem naming %s', async (method, path, body, status, field) => {
    const before = (await api(sim, 'GET', '/v1/carriers/au/profile')).body;
    const r = await api<Problem>(sim, method, path, body);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.status).toBe(status);
    expect(r.body.errors?.map((e) => e.field)).toContain(field);
    expect((await api(sim, 'GET', '/v1/carriers/au/profile')).body).toEqual(before); // nothing changed
  });

  it.each<[string, string, Record<string, string>, string, number, string, string]>([
    ['bad JSON', '/v1/faults', { 'content-type': 'application/json' }, '{"carrier":', 400, 'SIM_ERR_BAD_JSON', 'body'],
    ['415', '/v1/faults', { 'content-type': 'application/xml' }, '<fault/>', 415, 'SIM_ERR_UNSUPPORTED_MEDIA_TYPE', 'header.content-type'],
    ['404', '/v1/nowhere', { 'content-type': 'application/json' }, '{}', 404, 'SIM_ERR_NOT_FOUND', 'url'],
  ])('%s is a problem with code and errors like every other', async (_name, path, headers, body, status, code, field) => {
    const res = await fetch(`${sim.controlUrl}${path}`, { method: 'POST', headers, body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = (await res.json()) as Problem & { code: string };
    expect(p.code).toBe(code);
    expect(p.type).toBe(`urn:denpa:simulator:${code}`);
    expect(p.errors?.map((e) => e.field)).toEqual([field]);
  });

  it('a bad error status in a profile says what the field takes', async () => {
    const r = await api<Problem>(sim, 'PATCH', '/v1/carriers/au/profile', { errors: [{ status: true, rate: 0.1 }] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: 'errors.0.status', message: 'must name a non-zero command_status (ESME_* name, number or 0x hex)' }]);
  });

  it('PATCH deep-merges and GET shows the live profile', async () => {
    const r = await api<{ throttle: { perBindTps: number; perCarrierTps: number } }>(sim, 'PATCH', '/v1/carriers/docomo/profile', { throttle: { perCarrierTps: 99 } });
    expect(r.status).toBe(200);
    expect(r.body.throttle).toEqual({ perBindTps: 0, perCarrierTps: 99 });
    expect((await api<{ throttle: unknown }>(sim, 'GET', '/v1/carriers/docomo/profile')).body.throttle).toEqual({ perBindTps: 0, perCarrierTps: 99 });
  });

  it('looks up numbers one at a time and in batches', async () => {
    const one = await api(sim, 'GET', '/v1/numbers/+819051234567');
    expect(one.body).toEqual({ number: '819051234567', homeCarrier: 'au', carrier: 'au', ported: false, fate: 'deliverable' });
    const batch = await api<{ results: { number: string; carrier: string }[] }>(sim, 'POST', '/v1/numbers/lookup', { numbers: [NUMBERS.docomo, NUMBERS.softbank] });
    expect(batch.body.results.map((r) => [r.number, r.carrier])).toEqual([
      ['819012345678', 'docomo'],
      ['819081234567', 'softbank'],
    ]);
  });

  it('lists and deletes faults', async () => {
    const f = await api<{ id: string; kind: string; params: unknown }>(sim, 'POST', '/v1/faults', { carrier: 'softbank', kind: 'slow_answers', startInMs: 60_000, durationMs: 1_000, params: { delayMs: 5 } });
    expect(f.status).toBe(201);
    expect(f.body).toMatchObject({ carrier: 'softbank', kind: 'slow_answers', params: { delayMs: 5 } });
    expect((await api<{ faults: { id: string }[] }>(sim, 'GET', '/v1/faults')).body.faults.map((x) => x.id)).toEqual([f.body.id]);
    expect((await api(sim, 'DELETE', `/v1/faults/${f.body.id}`)).status).toBe(204);
    expect((await api<{ faults: unknown[] }>(sim, 'GET', '/v1/faults')).body.faults).toEqual([]);
  });
});

describe('truth ledger over SMPP', () => {
  it('records probes per run, category and carrier, with duplicates and corrupted bodies', async () => {
    await api(sim, 'POST', '/v1/reset');
    const dc = await bindClient(sim, 'docomo');
    const au = await bindClient(sim, 'au');
    const sent = Date.now();
    const p = (seq: number, category: 'otp' | 'notice') => withProbe('認証コード 123456', { runId: 'RUN1', seq, category, sentAtMs: sent });
    await dc.client.submit(textSubmit(NUMBERS.docomo, p(1, 'otp')));
    await dc.client.submit(textSubmit(NUMBERS.docomo, p(2, 'notice')));
    await au.client.submit(textSubmit(NUMBERS.au, p(3, 'otp')));
    await au.client.submit(textSubmit(NUMBERS.au, p(3, 'otp'))); // a duplicate (e.g. resent after a timeout)
    await au.client.submit(textSubmit(NUMBERS.au, p(4, 'otp').replace('123456', '654321'))); // corrupted in transit
    await au.client.submit(textSubmit(NUMBERS.au, 'no probe here'));
    await Promise.all([dc.waitReceipts(2), au.waitReceipts(4)]);
    type Summary = { messages: number; deliveries: number; duplicates: number; corrupted: number; byCategory: Record<string, { messages: number; latencyMs: { count: number; p50: number }; hdr: string }>; byCarrier: Record<string, { messages: number; duplicates: number }> };
    const s = (await api<Summary>(sim, 'GET', '/v1/ledger/runs/RUN1')).body;
    expect(s).toMatchObject({ messages: 4, deliveries: 5, duplicates: 1, corrupted: 1 });
    expect(s.byCategory.otp?.messages).toBe(3);
    expect(s.byCategory.notice?.messages).toBe(1);
    expect(s.byCarrier.au).toMatchObject({ messages: 2, duplicates: 1 });
    expect(s.byCategory.otp?.latencyMs.count).toBe(2);
    const h = hdr.decodeFromCompressedBase64(s.byCategory.otp?.hdr as string);
    expect(h.totalCount).toBe(2);
    expect(h.maxValue).toBeGreaterThanOrEqual(5_000); // at least the 5 ms handset delay, in microseconds
    type Probe = { seq: number; carrier: string; to: string; handsetAt: number | null; finalState: string; receiptAt: number | null; deliveries: number; intact: boolean; arrivedAt: number; sentAt: number };
    const page1 = (await api<{ probes: Probe[]; next: number | null }>(sim, 'GET', '/v1/ledger/runs/RUN1/probes?limit=2')).body;
    expect(page1.probes.map((x) => x.seq)).toEqual([1, 2]);
    expect(page1.next).toBe(2);
    const page2 = (await api<{ probes: Probe[]; next: number | null }>(sim, 'GET', `/v1/ledger/runs/RUN1/probes?after=${page1.next}&limit=2`)).body;
    expect(page2.probes.map((x) => [x.seq, x.deliveries, x.intact])).toEqual([
      [3, 2, true],
      [4, 1, false],
    ]);
    const first = page1.probes[0] as Probe;
    expect(first).toMatchObject({ carrier: 'docomo', to: '819012345678', finalState: 'DELIVRD', sentAt: sent });
    expect(first.handsetAt).toBeGreaterThanOrEqual(first.arrivedAt + 5);
    expect(first.receiptAt).toBeGreaterThanOrEqual(first.handsetAt as number);
    const counters = (await api<{ carriers: { au: { submits: number; messages: number; receiptsSent: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.au;
    expect(counters).toMatchObject({ submits: 4, messages: 4, receiptsSent: 4 });
    await Promise.all([dc.client.close(), au.client.close()]);
  });

  it('reset clears the ledger, counters and faults and restores configured profiles', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { maxBindsPerSystemId: 1 });
    await api(sim, 'POST', '/v1/faults', { carrier: 'au', kind: 'black_hole', durationMs: 60_000 });
    expect((await api(sim, 'POST', '/v1/reset')).body).toEqual({ reset: true });
    expect((await api<{ maxBindsPerSystemId: number }>(sim, 'GET', '/v1/carriers/au/profile')).body.maxBindsPerSystemId).toBe(8);
    expect((await api<{ faults: unknown[] }>(sim, 'GET', '/v1/faults')).body.faults).toEqual([]);
    expect((await api<{ messages: number }>(sim, 'GET', '/v1/ledger/runs/RUN1')).body.messages).toBe(0);
    expect((await api<{ carriers: { au: { submits: number } } }>(sim, 'GET', '/v1/counters')).body.carriers.au.submits).toBe(0);
  });
});

describe('determinism', () => {
  async function runOnce(seed: number): Promise<unknown[]> {
    const s = await startFastSimulator({
      seed,
      config: {
        carriers: {
          docomo: {
            latency: { kind: 'constant', ms: 0 },
            errors: [{ status: 'ESME_RSYSERR', rate: 0.2 }],
            handset: { delay: { kind: 'lognormal', p50: 5, p99: 30 }, unreachableShare: 0.3, undeliverableShare: 0.2, unreachableFor: { kind: 'uniform', min: 10, max: 2_000 } },
            finalStates: { DELIVRD: 0.8, REJECTD: 0.2 },
            receipts: { delay: { kind: 'constant', ms: 1 } },
          },
        },
      },
    });
    try {
      const c = await bindClient(s, 'docomo');
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const to = `0901${String(i * 7).padStart(7, '0')}`;
        const r = await c.client.submit(textSubmit(to, withProbe('x', { runId: 'DET1', seq: i, category: 'otp', sentAtMs: Date.now() }), { validity_period: '000000000001000R' }));
        statuses.push(r.commandStatus);
      }
      const accepted = statuses.filter((x) => x === 0).length;
      await c.waitReceipts(accepted, 15_000);
      const probes = (await api<{ probes: { seq: number; finalState: string }[] }>(s, 'GET', '/v1/ledger/runs/DET1/probes')).body.probes;
      const fates = (await api<{ results: { fate: string }[] }>(s, 'POST', '/v1/numbers/lookup', { numbers: Array.from({ length: 40 }, (_, i) => `0901${String(i * 7).padStart(7, '0')}`) })).body.results.map((r) => r.fate);
      await c.client.close();
      return [statuses, probes.map((p) => [p.seq, p.finalState]), fates];
    } finally {
      await s.close();
    }
  }

  it('the same seed and arrival order give the same answers, fates and final states', async () => {
    const a = await runOnce(5);
    const b = await runOnce(5);
    expect(a).toEqual(b);
    const c = await runOnce(6);
    expect(c).not.toEqual(a);
  });
});
