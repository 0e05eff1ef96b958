// The wrapper against peers that do not play along: silent clients, dead
// links, slow readers, servers that nack. Raw peers write hand-built bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/runtime/index.ts';
import {
  buildReceipt,
  CommandStatus,
  DataCoding,
  SmppClient,
  SmppDeadLinkError,
  SmppGenericNackError,
  SmppServer,
  type SmppServerSession,
  SmppTimeoutError,
  SmppWindowFullError,
} from '../../../src/smpp/index.ts';
import { bindHex, cstr, pduHex, RawPeer, rawServer, until } from './raw-peer.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receipt = buildReceipt({ id: '1f', stat: 'DELIVRD', handset: '819012345678', sender: 'DENPA', format: { dateDigits: 10 } });

async function serverWithRawClient(opts: Partial<Parameters<typeof SmppServer.listen>[0]> = {}): Promise<{ server: SmppServer; peer: RawPeer; session: SmppServerSession }> {
  const sessions: SmppServerSession[] = [];
  const server = await SmppServer.listen({ host: '127.0.0.1', port: 0, onBind: () => 0, onSession: (s) => sessions.push(s), ...opts });
  cleanups.push(() => server.destroy());
  const peer = await RawPeer.connect(server.port);
  cleanups.push(() => peer.destroy());
  peer.send(bindHex(0x09, 1, 'denpa', 'x'));
  expect((await peer.next()).status).toBe(0);
  return { server, peer, session: sessions[0] as SmppServerSession };
}

const DELIVER_SM = 0x00000005;

describe('deliver_sm retries (receipts the client does not answer)', () => {
  it('re-sends after each response timeout, then gives up with SmppTimeoutError', async () => {
    const clock = new ManualClock();
    const { peer, session } = await serverWithRawClient({ clock, responseTimeoutMs: 1000, deliverRetry: { maxAttempts: 3, delayMs: 500 } });
    const retries: string[] = [];
    const outcome = session.sendDeliver(receipt, { onRetry: (n, why) => retries.push(`${n}:${why.code}`) }).catch((e: unknown) => e);
    const seen = [await peer.next()];
    for (let attempt = 2; attempt <= 3; attempt++) {
      clock.advance(1000); // timeout
      await until(() => retries.length === attempt - 1, 2000, `retry ${attempt - 1}`);
      clock.advance(500); // pause before re-sending
      seen.push(await peer.next());
    }
    clock.advance(1000);
    expect(await outcome).toBeInstanceOf(SmppTimeoutError);
    expect(seen.map((p) => p.commandId)).toEqual([DELIVER_SM, DELIVER_SM, DELIVER_SM]);
    expect(new Set(seen.map((p) => p.seq)).size).toBe(3); // a new sequence number each time
    expect(new Set(seen.map((p) => p.body.toString('hex'))).size).toBe(1); // the same receipt
    expect(retries).toEqual(['1:SMPP_ERR_TIMEOUT', '2:SMPP_ERR_TIMEOUT']);
  });

  it('stops retrying once the client answers', async () => {
    const clock = new ManualClock();
    const { peer, session } = await serverWithRawClient({ clock, responseTimeoutMs: 1000, deliverRetry: { maxAttempts: 5, delayMs: 0 } });
    const outcome = session.sendDeliver(receipt);
    await peer.next();
    clock.advance(1000);
    const second = await peer.next();
    peer.send(pduHex(0x80000005, 0, second.seq, cstr('')));
    expect(await outcome).toEqual({ commandStatus: 0, attempts: 2 });
  });

  it('tells the caller to hold back when window and queue are full', async () => {
    const { session } = await serverWithRawClient({ window: 2, maxQueued: 3, responseTimeoutMs: 60_000 });
    const pending = Array.from({ length: 5 }, () => session.sendDeliver(receipt).catch(() => 'closed'));
    await expect(session.sendDeliver(receipt)).rejects.toBeInstanceOf(SmppWindowFullError);
    expect([session.window.outstanding, session.window.queued]).toEqual([2, 3]);
    session.destroy();
    expect(await Promise.all(pending)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
  });
});

describe('backpressure (edge 8)', () => {
  it('stops writing to a client that does not read, instead of buffering without bound', async () => {
    const limit = 16 * 1024;
    const { peer, session } = await serverWithRawClient({ window: 100_000, maxQueued: 100_000, responseTimeoutMs: 60_000, maxWriteBufferBytes: limit });
    peer.socket.pause();
    const big = { ...receipt, short_message: Buffer.alloc(250, 0x41), data_coding: DataCoding.IA5 };
    const total = 2_000; // ~560 kB if it were all buffered in user space
    let most = 0;
    const sends = Array.from({ length: total }, () => session.sendDeliver(big, { retry: { maxAttempts: 1, delayMs: 0 } }).catch(() => undefined));
    // Writes within one turn are corked, so this counts what the gate let through at once.
    const sentAtOnce = session.stats.requestsSent;
    most = session.writeBacklogBytes;
    // Let the event loop run writes and drains for a while (bounded).
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 2));
      most = Math.max(most, session.writeBacklogBytes);
    }
    expect(sentAtOnce).toBeLessThanOrEqual(Math.ceil(limit / 280) + 1);
    expect(most).toBeLessThanOrEqual(limit + 300);
    session.destroy();
    await Promise.all(sends);
  });
});

describe('backpressure that never ends', () => {
  it('fails requests that waited a whole response timeout for drain with SmppBackpressureError (never sent)', async () => {
    const clock = new ManualClock();
    const { peer, session } = await serverWithRawClient({ clock, window: 10_000, maxQueued: 10_000, responseTimeoutMs: 1000, maxWriteBufferBytes: 64 * 1024 });
    peer.socket.pause();
    // 16 kB PDUs, ~48 MB in all: more than loopback socket buffers hold, so writes stall for good.
    const fat = { ...receipt, message_payload: Buffer.alloc(16_000, 0x41), short_message: Buffer.alloc(0) };
    const outcomes = Array.from({ length: 3000 }, () => session.sendDeliver(fat, { retry: { maxAttempts: 1, delayMs: 0 } }).then(() => 'ok', (e: { code: string }) => e.code));
    let sent = -1;
    // Bounded: wait until the kernel stops taking bytes (sent count stable), at most ~10 s.
    for (let i = 0; i < 200 && session.stats.requestsSent !== sent; i++) {
      sent = session.stats.requestsSent;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(session.stats.requestsSent).toBeLessThan(3000);
    clock.advance(1000);
    const codes = await Promise.all(outcomes);
    const count = (code: string) => codes.filter((c) => c === code).length;
    expect(count('SMPP_ERR_TIMEOUT')).toBe(session.stats.requestsSent); // sent, never answered
    expect(count('SMPP_ERR_BACKPRESSURE')).toBe(3000 - session.stats.requestsSent); // never sent
  });
});

describe('the client against a raw SMSC', () => {
  async function rawSmsc(answer: (peer: RawPeer, pdu: { commandId: number; seq: number }) => void) {
    const srv = await rawServer((p) => {
      void (async () => {
        // Bounded: the peer closes when the test ends.
        for (let i = 0; i < 1000; i++) {
          const pdu = await p.next(10_000).catch(() => undefined);
          if (!pdu) return;
          if (pdu.commandId === 0x09) p.send(pduHex(0x80000009, 0, pdu.seq, cstr('raw')));
          else answer(p, pdu);
        }
      })();
    });
    cleanups.push(() => srv.close());
    return srv;
  }

  it('surfaces generic_nack to a submit as SmppGenericNackError', async () => {
    const srv = await rawSmsc((p, pdu) => p.send(pduHex(0x80000000, CommandStatus.ESME_RINVCMDID, pdu.seq)));
    const c = await SmppClient.connect({ host: '127.0.0.1', port: srv.port, systemId: 'a', password: 'b', bindMode: 'transceiver' });
    cleanups.push(() => c.destroy());
    const err = await c.submit({ destination_addr: '1', data_coding: 0, short_message: Buffer.from('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppGenericNackError);
    expect(err).toMatchObject({ commandStatus: CommandStatus.ESME_RINVCMDID });
    expect(c.window.outstanding).toBe(0);
  });

  it('detects a dead link: enquire_link unanswered -> destroyed with SmppDeadLinkError', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const srv = await rawSmsc((_p, pdu) => seen.push(pdu.commandId)); // answers nothing after bind
    const c = await SmppClient.connect({ host: '127.0.0.1', port: srv.port, systemId: 'a', password: 'b', bindMode: 'transceiver', clock, enquireLinkMs: 1000, responseTimeoutMs: 500 });
    cleanups.push(() => c.destroy());
    const closed = c.closed();
    clock.advance(1000);
    await until(() => seen.includes(0x15), 2000, 'enquire_link at the SMSC');
    clock.advance(500);
    expect(await closed).toBeInstanceOf(SmppDeadLinkError);
  });

  it('answers an SMSC enquire_link and refuses deliver_sm on a transmitter bind', async () => {
    let peer: RawPeer | undefined;
    const srv = await rawServer((p) => {
      peer = p;
      void p.next().then((b) => p.send(pduHex(0x80000002, 0, b.seq, cstr('raw'))));
    });
    cleanups.push(() => srv.close());
    const c = await SmppClient.connect({ host: '127.0.0.1', port: srv.port, systemId: 'a', password: 'b', bindMode: 'transmitter' });
    cleanups.push(() => c.destroy());
    const p = peer as RawPeer;
    p.send(pduHex(0x15, 0, 500));
    expect(await p.next()).toMatchObject({ commandId: 0x80000015, status: 0, seq: 500 });
    p.send(pduHex(0x000001ff, 0, 501));
    expect(await p.next()).toMatchObject({ commandId: 0x80000000, status: CommandStatus.ESME_RINVCMDID, seq: 501 });
    p.send(pduHex(0x05, 0, 502, [cstr(''), '00', '00', cstr('1'), '00', '00', cstr('2'), '04', '00', '00', cstr(''), cstr(''), '00', '00', '00', '00', '00'].join('')));
    expect(await p.next()).toMatchObject({ commandId: 0x80000005, status: CommandStatus.ESME_RINVBNDSTS, seq: 502 });
  });

  it('a bind that is never answered times out and leaves nothing open', async () => {
    const srv = await rawServer(() => {});
    cleanups.push(() => srv.close());
    const err = await SmppClient.connect({ host: '127.0.0.1', port: srv.port, systemId: 'a', password: 'b', bindMode: 'receiver', responseTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppTimeoutError);
    await until(() => srv.peers[0]?.ended === true, 2000, 'socket closed');
  });
});
