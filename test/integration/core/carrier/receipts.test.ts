// Carrier link edge cases against a scripted SmppServer (src/smpp) over
// loopback: receipts that arrive before their submit_sm_resp, ids written
// in another radix with leading zeros, an OTP overtaking a promotion backlog.
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { startDelivery, type Delivery } from '../../../../src/core/delivery/index.ts';
import { openSqliteStore, type NewMessage, type SqliteStore } from '../../../../src/core/store/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import { buildReceipt, CommandStatus, formatMessageId, SmppServer, type ReceivedMessage, type SmppServerSession, type SubmitAnswer } from '../../../../src/smpp/index.ts';
import { probeMessage, tempDir, waitUntil } from '../delivery/fixture.ts';

let server: SmppServer | undefined;
let store: SqliteStore | undefined;
let delivery: Delivery | undefined;
let dir: string | undefined;
const clock = new SystemClock();

afterEach(async () => {
  await delivery?.close();
  await store?.close();
  await server?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  server = store = delivery = dir = undefined;
});

async function setUp(onSubmit: (m: ReceivedMessage, s: SmppServerSession) => Promise<SubmitAnswer>, carrier: object = {}): Promise<{ store: SqliteStore; delivery: Delivery }> {
  server = await SmppServer.listen({ host: '127.0.0.1', port: 0, onBind: () => CommandStatus.ESME_ROK, onSubmit });
  dir = tempDir();
  store = openSqliteStore({ dataDir: dir });
  const config = resolveConfig({ carriers: { docomo: { host: '127.0.0.1', port: server.port, binds: 1, window: 10, tps: 1000, ...carrier } } }, 'test');
  delivery = await startDelivery({ store, config, clock, random: new SeededRandom(5), carriers: ['docomo'], tuning: { claimIntervalMs: 5 } });
  return { store, delivery };
}

function receiptFor(m: ReceivedMessage, id: string, stat: 'DELIVRD' | 'UNDELIV', omitTlvs: boolean) {
  return buildReceipt({ id, stat, err: stat === 'DELIVRD' ? '000' : '001', submitDate: Date.now(), doneDate: Date.now(), handset: m.fields.destination_addr, sender: m.fields.source_addr, format: { dateDigits: 10 }, omitTlvs });
}

it('matches receipts that arrive before submit_sm_resp, ids in hex vs decimal with leading zeros, across segments', async () => {
  let next = 30;
  const { store } = await setUp(async (m, session) => {
    const n = next++;
    // The receipt (text only, decimal, zero-padded) goes out and is answered before the response (hex).
    const r = await session.sendDeliver(receiptFor(m, formatMessageId(n, 'decimal', { width: 10 }), 'DELIVRD', true));
    expect(r.commandStatus).toBe(CommandStatus.ESME_ROK);
    await new Promise((res) => setTimeout(res, 20));
    return { commandStatus: CommandStatus.ESME_ROK, messageId: formatMessageId(n, 'hex', { width: 8, upperCase: true }) };
  });
  const now = clock.now();
  const single = probeMessage({ runId: 'RCP1', seq: 1, carrier: 'docomo', now });
  const long = probeMessage({ runId: 'RCP1', seq: 2, carrier: 'docomo', now, body: 'x'.repeat(400) });
  expect(long.segments).toBe(3);
  await store.insertMessages([single, long]);
  const ok = await waitUntil(async () => (await store.getMessage(long.id))?.state === 'delivered' && (await store.getMessage(single.id))?.state === 'delivered', 10_000);
  if (!ok) console.log(JSON.stringify([await store.getMessage(single.id), await store.getMessage(long.id)], null, 1));
  expect(ok).toBe(true);
  const detail = await store.getMessage(long.id);
  expect(detail?.segmentStates.map((s) => s.state)).toEqual(['delivered', 'delivered', 'delivered']);
  expect(detail?.segmentStates.every((s) => /^\d+$/.test(s.smscId ?? ''))).toBe(true);
});

it('one undeliverable segment receipt makes the concatenated message undeliverable', async () => {
  let next = 1;
  const { store } = await setUp(async (m, session) => {
    const n = next++;
    const id = String(n);
    setTimeout(() => void session.sendDeliver(receiptFor(m, id, n === 2 ? 'UNDELIV' : 'DELIVRD', false)), 10);
    return { commandStatus: CommandStatus.ESME_ROK, messageId: id };
  }, {});
  const msg = probeMessage({ runId: 'RCP2', seq: 1, carrier: 'docomo', now: clock.now(), body: 'y'.repeat(250) });
  expect(msg.segments).toBe(2);
  await store.insertMessages([msg]);
  expect(await waitUntil(async () => (await store.getMessage(msg.id))?.state === 'undeliverable', 10_000)).toBe(true);
  expect((await store.getMessage(msg.id))?.error?.code).toBe('RECEIPT_UNDELIV');
});

it('sends an OTP ahead of a promotion backlog on a slow link', async () => {
  const order: string[] = [];
  let next = 1;
  const { store, delivery } = await setUp(
    async (m, session) => {
      const id = String(next++);
      order.push(m.shortMessage.body.toString('latin1'));
      setTimeout(() => void session.sendDeliver(receiptFor(m, id, 'DELIVRD', false)), 5);
      return { commandStatus: CommandStatus.ESME_ROK, messageId: id };
    },
    // 1 bind x 20 tps: the backlog of 2000 would take 100 s.
    { tps: 20, window: 5 },
  );
  const now = clock.now();
  const promos: NewMessage[] = Array.from({ length: 2000 }, (_, i) => probeMessage({ runId: 'PRI1', seq: i, carrier: 'docomo', now, category: 'promotion', body: `promo ${i}` }));
  await store.insertMessages(promos);
  await waitUntil(() => order.length >= 10, 5000);
  const otp = probeMessage({ runId: 'PRI1', seq: 5000, carrier: 'docomo', now: clock.now(), category: 'otp', body: 'code 123456' });
  const t0 = Date.now();
  await store.insertMessages([otp]);
  delivery.wake('docomo');
  expect(await waitUntil(async () => (await store.getMessage(otp.id))?.state === 'delivered', 5000)).toBe(true);
  const took = Date.now() - t0;
  const position = order.findIndex((t) => t.includes('code 123456'));
  // Sent within the next few submits, not after 2000 promotions.
  expect(position).toBeGreaterThan(0);
  expect(position - order.findIndex((_t, i) => i >= 10)).toBeLessThan(20);
  expect(took).toBeLessThan(2000);
});
