// SmppServer against hand-written bytes: what a foreign ESME would send.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import { type BindRequest, CommandStatus, SmppClient, SmppServer, type SmppServerOptions } from '../../../src/smpp/index.ts';
import { bindHex, cstr, pduHex, RawPeer, submitHex, until } from './raw-peer.ts';

const BIND_TRANSCEIVER = 0x09;
const BIND_TRANSMITTER = 0x02;

let server: SmppServer;
let peers: RawPeer[];
let clients: SmppClient[];
let binds: BindRequest[];

async function start(extra: Partial<SmppServerOptions> = {}): Promise<void> {
  binds = [];
  server = await SmppServer.listen({
    host: '127.0.0.1',
    port: 0,
    systemId: 'docomo',
    onBind: (req) => {
      binds.push(req);
      if (req.systemId !== 'denpa') return CommandStatus.ESME_RINVSYSID;
      return req.password === 'dcm-pass' ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVPASWD;
    },
    onSubmit: () => ({ commandStatus: 0, messageId: 'm1' }),
    ...extra,
  });
}

async function peer(): Promise<RawPeer> {
  const p = await RawPeer.connect(server.port);
  peers.push(p);
  return p;
}

async function boundPeer(): Promise<RawPeer> {
  const p = await peer();
  p.send(bindHex(BIND_TRANSCEIVER, 1, 'denpa', 'dcm-pass'));
  expect((await p.next()).status).toBe(0);
  return p;
}

beforeEach(() => {
  peers = [];
  clients = [];
});

afterEach(async () => {
  for (const p of peers) p.destroy();
  for (const c of clients) c.destroy();
  await server?.destroy();
});

describe('SmppServer with a raw ESME', () => {
  it.each([['0x34', 0x34], ['0x50', 0x50]])('binds a transceiver with interface_version %s and says it speaks 3.4', async (_label, iv) => {
    await start();
    const p = await peer();
    p.send(bindHex(BIND_TRANSCEIVER, 1, 'denpa', 'dcm-pass', iv));
    const resp = await p.next();
    expect(resp).toMatchObject({ commandId: 0x80000009, status: 0, seq: 1 });
    // system_id "docomo", then TLV sc_interface_version (0x0210, length 1, 0x34)
    expect(resp.body.toString('hex')).toBe(cstr('docomo') + '0210000134');
    expect(binds[0]).toMatchObject({ mode: 'transceiver', systemId: 'denpa', interfaceVersion: iv });
  });

  it('answers a refused bind with the header only and hangs up', async () => {
    await start();
    const p = await peer();
    p.send(bindHex(BIND_TRANSMITTER, 5, 'denpa', 'wrong'));
    const resp = await p.next();
    expect(resp).toMatchObject({ commandId: 0x80000002, status: CommandStatus.ESME_RINVPASWD, seq: 5 });
    expect(resp.body.length).toBe(0);
    await p.closed;
  });

  it('answers enquire_link, before and after bind', async () => {
    await start();
    const p = await peer();
    p.send(pduHex(0x15, 0, 77));
    expect(await p.next()).toMatchObject({ commandId: 0x80000015, status: 0, seq: 77 });
    p.send(bindHex(BIND_TRANSCEIVER, 1, 'denpa', 'dcm-pass'));
    await p.next();
    p.send(pduHex(0x15, 0, 78));
    expect(await p.next()).toMatchObject({ commandId: 0x80000015, status: 0, seq: 78 });
  });

  it('answers an unknown command id with generic_nack ESME_RINVCMDID and keeps the session', async () => {
    await start();
    const p = await boundPeer();
    p.send(pduHex(0x000001ff, 0, 42, 'deadbeef'));
    expect(await p.next()).toMatchObject({ commandId: 0x80000000, status: CommandStatus.ESME_RINVCMDID, seq: 42 });
    p.send(submitHex(43));
    const resp = await p.next();
    expect(resp).toMatchObject({ commandId: 0x80000004, status: 0, seq: 43 });
    expect(resp.body.toString('hex')).toBe(cstr('m1'));
  });

  it('refuses submit_sm before bind and from a receiver bind with ESME_RINVBNDSTS', async () => {
    await start();
    const p = await peer();
    p.send(submitHex(2));
    expect(await p.next()).toMatchObject({ commandId: 0x80000004, status: CommandStatus.ESME_RINVBNDSTS, seq: 2 });
    p.send(bindHex(0x01, 3, 'denpa', 'dcm-pass'));
    expect((await p.next()).status).toBe(0);
    p.send(submitHex(4));
    expect(await p.next()).toMatchObject({ status: CommandStatus.ESME_RINVBNDSTS, seq: 4 });
  });

  it('refuses a second bind with ESME_RALYBND', async () => {
    await start();
    const p = await boundPeer();
    p.send(bindHex(BIND_TRANSCEIVER, 9, 'denpa', 'dcm-pass'));
    expect(await p.next()).toMatchObject({ commandId: 0x80000009, status: CommandStatus.ESME_RALYBND, seq: 9 });
  });

  it('answers unbind with unbind_resp and closes the connection', async () => {
    await start();
    const p = await boundPeer();
    p.send(pduHex(0x06, 0, 11));
    expect(await p.next()).toMatchObject({ commandId: 0x80000006, status: 0, seq: 11 });
    await p.closed;
    await until(() => server.sessions.size === 0, 2000, 'session removed');
  });

  it('answers query_sm (understood, not offered) with ESME_RINVCMDID in query_sm_resp', async () => {
    await start();
    const p = await boundPeer();
    p.send(pduHex(0x03, 0, 12, cstr('m1') + '00' + '00' + cstr('')));
    expect(await p.next()).toMatchObject({ commandId: 0x80000003, status: CommandStatus.ESME_RINVCMDID, seq: 12 });
  });

  it.each([
    ['garbage bytes', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n').toString('hex')],
    ['a command_length of 0', '00000000 00000004 00000000 00000001'],
    ['a truncated submit_sm', pduHex(4, 0, 5, cstr('') + '00')],
  ])('closes a session that sends %s and keeps serving the others', async (_label, hex) => {
    await start();
    const good = await SmppClient.connect({ host: '127.0.0.1', port: server.port, systemId: 'denpa', password: 'dcm-pass', bindMode: 'transceiver' });
    clients.push(good);
    const bad = await boundPeer();
    bad.send(hex);
    await bad.closed;
    const r = await good.submit({ destination_addr: '819012345678', data_coding: 0, short_message: Buffer.from('Hi') });
    expect(r).toEqual({ ok: true, commandStatus: 0, messageId: 'm1' });
    // and a new session is welcome too
    const again = await boundPeer();
    again.send(submitHex(2));
    expect((await again.next()).status).toBe(0);
  });

  it('says generic_nack ESME_RINVCMDLEN for a malformed request before closing', async () => {
    await start();
    const p = await boundPeer();
    p.send(pduHex(4, 0, 5, cstr('') + '00'));
    expect(await p.next()).toMatchObject({ commandId: 0x80000000, status: CommandStatus.ESME_RINVCMDLEN, seq: 5 });
    await p.closed;
  });

  it('drops a connection that never binds (bind timeout on the injected clock)', async () => {
    const clock = new ManualClock();
    await start({ clock, bindTimeoutMs: 1000 });
    const p = await peer();
    await until(() => server.sessions.size === 1, 2000, 'session accepted');
    clock.advance(999);
    expect(p.ended).toBe(false);
    clock.advance(1);
    await p.closed;
  });

  it('answers ESME_RSYSERR when the submit handler throws, and keeps going', async () => {
    let n = 0;
    await start({
      onSubmit: () => {
        if (++n === 1) throw new Error('bug');
        return { commandStatus: 0, messageId: 'm2' };
      },
    });
    const p = await boundPeer();
    p.send(submitHex(2));
    expect(await p.next()).toMatchObject({ status: CommandStatus.ESME_RSYSERR, seq: 2 });
    p.send(submitHex(3));
    expect(await p.next()).toMatchObject({ status: 0, seq: 3 });
  });

  it('answers responses out of order when the handler decides so', async () => {
    const release: (() => void)[] = [];
    await start({
      onSubmit: (m) =>
        new Promise((resolve) => release.push(() => resolve({ commandStatus: 0, messageId: `id${m.sequenceNumber}` }))),
    });
    const p = await boundPeer();
    p.send(submitHex(10) + submitHex(11));
    await until(() => release.length === 2, 2000, 'two submits');
    release[1]?.();
    release[0]?.();
    const a = await p.next();
    const b = await p.next();
    expect([a.seq, b.seq]).toEqual([11, 10]);
    expect(b.body.toString('hex')).toBe(cstr('id10'));
  });
});
