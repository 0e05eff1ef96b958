// SmppClient <-> SmppServer over real loopback sockets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import {
  type BindMode,
  type BindRequest,
  buildReceipt,
  CommandStatus,
  DataCoding,
  decodeShortMessage,
  encodeConcatUdh,
  encodeText,
  EsmClass,
  readReceipt,
  type ReceivedMessage,
  SmppBindError,
  SmppClient,
  type SmppClientOptions,
  SmppNotBoundError,
  SmppServer,
  type SmppServerOptions,
  type SmppServerSession,
  SmppSessionClosedError,
  SmppTimeoutError,
  SmppWindowFullError,
  type SubmitAnswer,
} from '../../../src/smpp/index.ts';
import { until } from './raw-peer.ts';

let server: SmppServer;
let clients: SmppClient[];
let binds: BindRequest[];
let sessions: SmppServerSession[];

async function start(extra: Partial<SmppServerOptions> = {}): Promise<void> {
  binds = [];
  sessions = [];
  server = await SmppServer.listen({
    host: '127.0.0.1',
    port: 0,
    onBind: (req) => {
      binds.push(req);
      if (req.systemId !== 'denpa') return CommandStatus.ESME_RINVSYSID;
      return req.password === 'dcm-pass' ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVPASWD;
    },
    onSubmit: () => ({ commandStatus: 0, messageId: 'a1' }),
    onSession: (s) => sessions.push(s),
    ...extra,
  });
}

async function client(extra: Partial<SmppClientOptions> = {}): Promise<SmppClient> {
  const c = await SmppClient.connect({ host: '127.0.0.1', port: server.port, systemId: 'denpa', password: 'dcm-pass', bindMode: 'transceiver', ...extra });
  clients.push(c);
  return c;
}

const hi = { destination_addr: '819012345678', source_addr: 'DENPA', data_coding: DataCoding.SMSC_DEFAULT, short_message: Buffer.from('Hi') };

beforeEach(() => {
  clients = [];
});

afterEach(async () => {
  for (const c of clients) c.destroy();
  await server?.destroy();
});

describe('bind', () => {
  it.each(['transmitter', 'receiver', 'transceiver'] as BindMode[])('binds as %s', async (mode) => {
    await start();
    const c = await client({ bindMode: mode });
    expect(c.state).toEqual({ state: 'bound', bind: { mode, systemId: 'denpa', interfaceVersion: 0x34 } });
    expect(binds[0]).toMatchObject({ mode, systemId: 'denpa', password: 'dcm-pass' });
    await until(() => sessions[0]?.state.state === 'bound', 2000, 'server side bound');
    expect(sessions[0]?.bind?.mode).toBe(mode);
  });

  it.each([
    ['wrong password', 'denpa', 'nope', CommandStatus.ESME_RINVPASWD],
    ['unknown system_id', 'other', 'dcm-pass', CommandStatus.ESME_RINVSYSID],
  ])('surfaces a %s as SmppBindError with the status', async (_label, systemId, password, status) => {
    await start();
    const err = await client({ systemId, password }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppBindError);
    expect(err).toMatchObject({ code: 'SMPP_ERR_BIND_FAILED', commandStatus: status });
    await until(() => server.sessions.size === 0, 2000, 'refused session gone');
  });

  it.each([
    ['0x34', 0x34],
    ['0x50', 0x50],
  ])('binds with interface_version %s', async (_label, iv) => {
    await start();
    const c = await client({ interfaceVersion: iv });
    expect(binds[0]?.interfaceVersion).toBe(iv);
    expect(await c.submit(hi)).toMatchObject({ ok: true });
  });

  it('fails to connect with SmppConnectError when nobody listens', async () => {
    await start();
    const port = server.port;
    await server.destroy();
    await expect(SmppClient.connect({ host: '127.0.0.1', port, systemId: 'denpa', password: 'x', bindMode: 'transmitter' })).rejects.toMatchObject({ code: 'SMPP_ERR_CONNECT' });
  });
});

describe('submit', () => {
  it('returns the message id and hands the server raw bytes, data_coding and the UDH', async () => {
    const got: ReceivedMessage[] = [];
    await start({
      onSubmit: (m) => {
        got.push(m);
        return { commandStatus: 0, messageId: '0000001f' };
      },
    });
    const c = await client();
    const body = encodeText('日本語', DataCoding.UCS2);
    const r = await c.submit({ ...hi, esm_class: EsmClass.UDHI, data_coding: DataCoding.UCS2, short_message: Buffer.concat([encodeConcatUdh({ ref: 9, refBits: 16, total: 2, seq: 1 }), body]) });
    expect(r).toEqual({ ok: true, commandStatus: 0, messageId: '0000001f' });
    const m = got[0] as ReceivedMessage;
    expect(m.fields).toMatchObject({ destination_addr: '819012345678', source_addr: 'DENPA', data_coding: 8, esm_class: 0x40 });
    expect(m.shortMessage.udh?.concat).toEqual({ ref: 9, refBits: 16, total: 2, seq: 1 });
    expect(decodeShortMessage(m.shortMessage.body, m.fields.data_coding)).toEqual({ ok: true, text: '日本語' });
  });

  it('returns a refusal with its status and no message id (edge 2)', async () => {
    await start({ onSubmit: () => ({ commandStatus: CommandStatus.ESME_RTHROTTLED, messageId: 'ignored' }) });
    const c = await client();
    expect(await c.submit(hi)).toEqual({ ok: false, commandStatus: CommandStatus.ESME_RTHROTTLED });
  });

  it('refuses to submit on a receiver bind', async () => {
    await start();
    const c = await client({ bindMode: 'receiver' });
    await expect(c.submit(hi)).rejects.toBeInstanceOf(SmppNotBoundError);
  });

  it('never has more than `window` submits outstanding', async () => {
    const held: ((a: SubmitAnswer) => void)[] = [];
    let outstanding = 0;
    let most = 0;
    await start({
      onSubmit: () =>
        new Promise<SubmitAnswer>((resolve) => {
          outstanding++;
          most = Math.max(most, outstanding);
          held.push((a) => {
            outstanding--;
            resolve(a);
          });
        }),
    });
    const c = await client({ window: 5 });
    const all = Promise.all(Array.from({ length: 40 }, () => c.submit(hi)));
    // Bounded: 40 submits, answered 5 at a time.
    for (let answered = 0; answered < 40; ) {
      await until(() => held.length > 0, 2000, 'a held submit');
      expect(c.window.outstanding).toBeLessThanOrEqual(5);
      for (const release of held.splice(0)) {
        release({ commandStatus: 0, messageId: String(answered++) });
      }
    }
    const results = await all;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBe(5);
  });

  it('fails fast with SmppWindowFullError when the wait queue is full', async () => {
    await start({ onSubmit: () => ({ noResponse: true }) });
    const c = await client({ window: 1, maxQueued: 2, responseTimeoutMs: 60_000 });
    const inFlight = [c.submit(hi), c.submit(hi), c.submit(hi)];
    await expect(c.submit(hi)).rejects.toBeInstanceOf(SmppWindowFullError);
    c.destroy();
    const settled = await Promise.allSettled(inFlight);
    expect(settled.map((r) => r.status === 'rejected' && r.reason instanceof SmppSessionClosedError)).toEqual([true, true, true]);
  });

  it('times out on a server that never answers (injected clock) and frees the slot', async () => {
    const clock = new ManualClock();
    let seen = 0;
    await start({ onSubmit: () => (seen++, { noResponse: true }) });
    const c = await client({ clock, responseTimeoutMs: 5000, window: 1, enquireLinkMs: 0 });
    const p = c.submit(hi);
    await until(() => seen === 1, 2000, 'submit reached the server');
    clock.advance(4999);
    expect(c.window.outstanding).toBe(1);
    clock.advance(1);
    await expect(p).rejects.toBeInstanceOf(SmppTimeoutError);
    expect(c.window.outstanding).toBe(0);
    expect(c.stats.timeouts).toBe(1);
  });

  it('counts an answer that arrives after its timeout as late (a retry could duplicate)', async () => {
    const clock = new ManualClock();
    const held: ((a: SubmitAnswer) => void)[] = [];
    await start({ onSubmit: () => new Promise<SubmitAnswer>((resolve) => held.push(resolve)) });
    const c = await client({ clock, responseTimeoutMs: 1000, enquireLinkMs: 0 });
    const late: number[] = [];
    c.on('lateResponse', (pdu) => late.push(pdu.sequence_number));
    const p = c.submit(hi);
    await until(() => held.length === 1, 2000, 'submit held');
    clock.advance(1000);
    await expect(p).rejects.toBeInstanceOf(SmppTimeoutError);
    held[0]?.({ commandStatus: 0, messageId: 'x' });
    await until(() => late.length === 1, 2000, 'late response');
    expect(c.stats.lateResponses).toBe(1);
  });
});

describe('keep-alive and lifecycle', () => {
  it('answers enquire_link', async () => {
    await start();
    const c = await client();
    await expect(c.enquireLink()).resolves.toBeUndefined();
  });

  it('sends enquire_link after a quiet period (injected clock)', async () => {
    const clock = new ManualClock();
    await start();
    const c = await client({ clock, enquireLinkMs: 30_000 });
    await until(() => sessions[0]?.state.state === 'bound', 2000, 'bound');
    const before = sessions[0]?.stats.requestsReceived ?? 0;
    clock.advance(30_000);
    await until(() => (sessions[0]?.stats.requestsReceived ?? 0) === before + 1, 2000, 'enquire_link at the server');
    await until(() => c.stats.responsesReceived >= 2, 2000, 'enquire_link_resp'); // bind_resp + enquire_link_resp
    expect(c.state.state).toBe('bound');
  });

  it('close() waits for outstanding answers, then unbinds; both sides end cleanly', async () => {
    const held: ((a: SubmitAnswer) => void)[] = [];
    await start({ onSubmit: () => new Promise<SubmitAnswer>((resolve) => held.push(resolve)) });
    const c = await client();
    const results = [c.submit(hi), c.submit(hi), c.submit(hi)];
    await until(() => held.length === 3, 2000, 'three submits held');
    const serverClosed = (sessions[0] as SmppServerSession).closed();
    const closing = c.close();
    expect(c.state.state).toBe('closing');
    await expect(c.submit(hi)).rejects.toBeInstanceOf(SmppSessionClosedError);
    held.forEach((answer, i) => answer({ commandStatus: 0, messageId: `m${i}` }));
    expect((await Promise.all(results)).map((r) => r.messageId)).toEqual(['m0', 'm1', 'm2']);
    await closing;
    expect(c.state).toEqual({ state: 'closed' });
    expect(await serverClosed).toBeUndefined();
  });

  it('destroy() fails what is in flight at once', async () => {
    await start({ onSubmit: () => ({ noResponse: true }) });
    const c = await client();
    const p = c.submit(hi);
    const closedWith = c.closed();
    c.destroy(new SmppTimeoutError('submit_sm', 1));
    await expect(p).rejects.toBeInstanceOf(SmppSessionClosedError);
    expect(await closedWith).toBeInstanceOf(SmppTimeoutError);
  });

  it('server.close() unbinds its clients politely', async () => {
    await start();
    const c = await client();
    const closed = c.closed();
    await server.close();
    expect(await closed).toBeUndefined();
    expect(c.state.state).toBe('closed');
  });

  it('tells the client when the server drops the connection', async () => {
    await start();
    const c = await client();
    const errors: unknown[] = [];
    c.on('error', (e) => errors.push(e));
    const closed = c.closed();
    await until(() => server.sessions.size === 1, 2000, 'session');
    await server.destroy();
    expect(await closed).toMatchObject({ code: 'SMPP_ERR_SESSION_CLOSED' });
    expect(errors).toHaveLength(1);
  });
});

describe('deliver_sm and receipts', () => {
  it('routes receipts back to the client handler, one per submit', async () => {
    let n = 0;
    const delivered: number[] = [];
    await start({
      onSubmit: (m, session) => {
        const id = (++n).toString(16).padStart(8, '0');
        setImmediate(() => {
          session
            .sendDeliver(
              buildReceipt({ id, stat: 'DELIVRD', handset: m.fields.destination_addr, sender: m.fields.source_addr, format: { dateDigits: 10 }, submitDate: 0, doneDate: 0 }),
            )
            .then((r) => delivered.push(r.commandStatus), () => {});
        });
        return { commandStatus: 0, messageId: id };
      },
    });
    const receipts: string[] = [];
    const c = await client({
      onDeliver: (m) => {
        const r = readReceipt(m.fields);
        if (r.ok) receipts.push(`${r.receipt.messageId}:${r.receipt.stat}`);
      },
    });
    const ids = (await Promise.all(Array.from({ length: 50 }, () => c.submit(hi)))).map((r) => r.messageId);
    await until(() => receipts.length === 50, 5000, '50 receipts');
    expect(receipts.sort()).toEqual(ids.map((id) => `${id}:DELIVRD`).sort());
    await until(() => delivered.length === 50, 5000, '50 deliver_sm_resp');
    expect(delivered.every((s) => s === 0)).toBe(true);
  });

  it('re-sends a receipt the client refuses with a temporary status until it is taken', async () => {
    await start({ deliverRetry: { maxAttempts: 3, delayMs: 1 } });
    let calls = 0;
    await client({
      onDeliver: () => {
        calls++;
        if (calls < 3) throw new Error('database busy'); // -> ESME_RX_T_APPN
      },
    });
    await until(() => sessions[0]?.state.state === 'bound', 2000, 'bound');
    const retries: number[] = [];
    const r = await (sessions[0] as SmppServerSession).sendDeliver(buildReceipt({ id: '1', stat: 'DELIVRD', handset: '1', sender: '2', format: { dateDigits: 12 } }), {
      onRetry: (attempt, reason) => retries.push(attempt) && expect(reason.code).toBe('SMPP_ERR_COMMAND_STATUS'),
    });
    expect(r).toEqual({ commandStatus: 0, attempts: 3 });
    expect(retries).toEqual([1, 2]);
  });

  it('passes a handler status through as deliver_sm_resp, and async handlers work', async () => {
    await start({ deliverRetry: { maxAttempts: 1, delayMs: 0 } });
    const c = await client({ onDeliver: async () => CommandStatus.ESME_RINVDSTADR });
    await until(() => sessions[0]?.state.state === 'bound', 2000, 'bound');
    const s = sessions[0] as SmppServerSession;
    const receipt = buildReceipt({ id: '1', stat: 'DELIVRD', handset: '1', sender: '2', format: { dateDigits: 10 } });
    expect(await s.sendDeliver(receipt)).toEqual({ commandStatus: CommandStatus.ESME_RINVDSTADR, attempts: 1 });
    c.onDeliver(() => undefined);
    expect(await s.sendDeliver(receipt)).toEqual({ commandStatus: 0, attempts: 1 });
  });

  it('refuses deliver_sm to a transmitter bind', async () => {
    await start();
    await client({ bindMode: 'transmitter' });
    await until(() => sessions[0]?.state.state === 'bound', 2000, 'bound');
    await expect((sessions[0] as SmppServerSession).sendDeliver(buildReceipt({ id: '1', stat: 'DELIVRD', handset: '1', sender: '2', format: { dateDigits: 10 } }))).rejects.toBeInstanceOf(SmppNotBoundError);
  });
});
