// Two-way SMS through the whole core over real sockets: the simulator sends
// MOs (deliver_sm, esm_class 0x00) to the core's binds; the core records
// them, applies opt-out keywords to the right tenant's list, forwards each to
// the tenant's inbound URL signed from the callback outbox, and lists them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startCore, type RunningCore } from '../../../../src/core/index.ts';
import { verifySignature } from '../../../../src/core/callback/index.ts';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { startSimulator, type RunningSimulator } from '../../../../simulator/index.ts';
import { KEY, OTHER_KEY, testConfig } from '../api/harness.ts';
import { waitUntil as waitFor } from '../delivery/fixture.ts';
import { startInboundSink, type InboundSink } from './receiver.ts';

const dirs: string[] = [];
let core: RunningCore | undefined;
let sim: RunningSimulator | undefined;
let sink: InboundSink | undefined;

afterEach(async () => {
  await core?.close();
  await sim?.close();
  await sink?.close();
  core = sim = sink = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function call(method: 'GET' | 'POST', url: string, body?: unknown, key = KEY) {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const mo = (carrier: string, from: string, to: string, text: string) =>
  request(`${sim!.controlUrl}/v1/carriers/${carrier}/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to, text }) }).then((r) => r.statusCode);

describe('two-way SMS (core + simulator over loopback)', () => {
  it('records MO, applies opt-out keywords to the tenant found by number or by reply, forwards signed, lists them', async () => {
    sim = await startSimulator({ seed: 5, portedShare: 0, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    for (const c of ['docomo', 'au', 'softbank']) {
      sim.simulator.patchProfile(c, { latency: { kind: 'constant', ms: 1 }, handset: { delay: { kind: 'constant', ms: 5 }, unreachableShare: 0, undeliverableShare: 0 }, receipts: { delay: { kind: 'constant', ms: 5 } } });
    }
    sink = await startInboundSink();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'denpa-inbound-'));
    dirs.push(dataDir);
    const carrier = (name: 'docomo' | 'au' | 'softbank') => ({ port: sim!.ports[name], binds: 1, reconnectMinMs: 50, reconnectMaxMs: 500 });
    const config = testConfig({
      http: { port: 0, logLevel: 'silent' },
      store: { dataDir },
      carriers: { docomo: carrier('docomo'), au: carrier('au'), softbank: carrier('softbank') },
      tenants: [
        { name: 'default', keys: [KEY], callbackSecret: 'default-secret', inboundNumbers: ['0120-123-456'], inboundUrl: sink.url },
        { name: 'other', keys: [OTHER_KEY], callbackSecret: 'other-secret' },
      ],
      inbound: { optOutKeywords: ['停止', 'STOP', '配信停止'] },
      // Far beyond the test's wait: forwards must leave because recording one wakes the sender.
      callbacks: { pollIntervalMs: 60_000 },
    });
    core = await startCore(config, { random: new SeededRandom(4) });
    expect(await waitFor(async () => (await request(`${core!.url}/readyz`)).statusCode === 200, 10_000)).toBe(true);

    // 1. By configured number (written as the SMSC sends it, +81 form): 停止 opts the sender out and is forwarded, signed.
    expect(await mo('docomo', '09012345678', '+81120123456', '停止')).toBe(202);
    expect(await waitFor(() => sink!.posts.length >= 1, 10_000)).toBe(true);
    const first = sink.posts[0]!;
    expect(verifySignature('default-secret', first.body, first.signature)).toBe(true);
    const body = JSON.parse(first.body) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'inbound', from: '819012345678', to: '+81120123456', text: '停止', carrier: 'docomo', opt_out: true, opt_out_keyword: '停止' });
    expect(first.eventId).toBe(`${body.id as string}.inbound`);
    const listed = await call('GET', `${core.url}/v1/opt-outs`);
    expect(listed.body.opt_outs).toEqual([expect.objectContaining({ number: '819012345678', source: 'mo-keyword' })]);
    const promo = await call('POST', `${core.url}/v1/messages`, { to: '09012345678', text: 'セール', category: 'promotion' });
    expect(promo.status).toBe(422);

    // 2. Full-width "ｓｔｏｐ。" is STOP after NFKC; "はい" is a plain reply (forwarded, not an opt-out).
    expect(await mo('docomo', '09012340002', '0120123456', 'ｓｔｏｐ。')).toBe(202);
    expect(await mo('docomo', '09012340003', '0120123456', 'はい')).toBe(202);
    expect(await waitFor(() => sink!.posts.length >= 3, 10_000)).toBe(true);
    const optedOut = await call('GET', `${core.url}/v1/opt-outs/09012340002`);
    expect(optedOut.body).toEqual({ number: '819012340002', opted_out: true });
    expect((await call('GET', `${core.url}/v1/opt-outs/09012340003`)).body).toEqual({ number: '819012340003', opted_out: false });

    // 3. By reply: 'other' sent 08051110002 a notice from 0120999888; the handset's STOP lands on other's list, not default's.
    const sent = await call('POST', `${core.url}/v1/messages`, { to: '08051110002', text: 'お知らせ', category: 'notice', sender: '0120999888' }, OTHER_KEY);
    expect(sent.status).toBe(202);
    expect(await waitFor(async () => (await call('GET', `${core!.url}/v1/messages/${sent.body.id as string}`, undefined, OTHER_KEY)).body.status === 'delivered', 10_000)).toBe(true);
    expect(await mo('au', '08051110002', '0120999888', 'STOP')).toBe(202);
    expect(await waitFor(async () => (await call('GET', `${core!.url}/v1/opt-outs/08051110002`, undefined, OTHER_KEY)).body.opted_out === true, 10_000)).toBe(true);
    expect((await call('GET', `${core.url}/v1/opt-outs/08051110002`)).body.opted_out).toBe(false);

    // 4. To an address nobody owns and nobody sent from: recorded, counted, not forwarded, not listed.
    expect(await mo('softbank', '07081110003', 'NOBODY', 'STOP')).toBe(202);
    const scrapeHas = async (re: RegExp) => re.test(await (await request(`${core!.url}/metrics`)).body.text());
    expect(await waitFor(() => scrapeHas(/^denpa_inbound_messages_total\{carrier="softbank",kind="unattributed"\} 1$/m), 10_000)).toBe(true);

    const inbound = await call('GET', `${core.url}/v1/inbound-messages`);
    expect((inbound.body.inbound_messages as { text: string; opt_out: boolean; forwarded: boolean }[]).map((m) => [m.text, m.opt_out, m.forwarded])).toEqual([
      ['停止', true, true],
      ['ｓｔｏｐ。', true, true],
      ['はい', false, true],
    ]);
    const theirs = await call('GET', `${core.url}/v1/inbound-messages`, undefined, OTHER_KEY);
    expect(theirs.body.inbound_messages).toEqual([expect.objectContaining({ from: '818051110002', to: '0120999888', text: 'STOP', opt_out: true, forwarded: false })]);
    expect(sink.posts).toHaveLength(3);
    const scrape = await (await request(`${core.url}/metrics`)).body.text();
    expect(scrape).toMatch(/^denpa_inbound_messages_total\{carrier="docomo",kind="opt_out"\} 2$/m);
    expect(scrape).toMatch(/^denpa_inbound_messages_total\{carrier="docomo",kind="message"\} 1$/m);
    expect(scrape).toMatch(/^denpa_inbound_messages_total\{carrier="au",kind="opt_out"\} 1$/m);
    // Every MO was answered ESME_ROK once it was recorded.
    const counters = sim.simulator.counters();
    expect([counters.docomo.moAcked, counters.au.moAcked, counters.softbank.moAcked]).toEqual([3, 1, 1]);
  }, 40_000);
});
