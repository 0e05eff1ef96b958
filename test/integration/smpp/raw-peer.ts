// A raw SMPP peer for tests: writes hand-built bytes and reads PDUs with its
// own tiny length-prefix reader, so src/smpp is checked against bytes it did
// not produce.

import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RawPdu {
  commandId: number;
  status: number;
  seq: number;
  body: Buffer;
}

export class RawPeer {
  private buffer = Buffer.alloc(0);
  private readonly queue: RawPdu[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  ended = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readUInt32BE(0)) {
        const len = this.buffer.readUInt32BE(0);
        if (len < 16) break;
        const b = this.buffer.subarray(0, len);
        this.queue.push({ commandId: b.readUInt32BE(4), status: b.readUInt32BE(8), seq: b.readUInt32BE(12), body: Buffer.from(b.subarray(16)) });
        this.buffer = this.buffer.subarray(len);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  send(hex: string | Buffer): void {
    this.socket.write(typeof hex === 'string' ? Buffer.from(hex.replace(/\s+/g, ''), 'hex') : hex);
  }

  /** The next PDU from the other side; rejects after `timeoutMs` or when the socket closes first. */
  async next(timeoutMs = 2000): Promise<RawPdu> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('socket closed before a PDU arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no PDU within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.queue.shift() as RawPdu;
  }

  /** Whatever arrived and was not yet taken. */
  drain(): RawPdu[] {
    return this.queue.splice(0);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A raw TCP server for tests, handing each connection to `onPeer`. */
export async function rawServer(onPeer: (peer: RawPeer) => void): Promise<{ port: number; close: () => Promise<void>; peers: RawPeer[] }> {
  const peers: RawPeer[] = [];
  const server: Server = createServer((s) => {
    const p = new RawPeer(s);
    peers.push(p);
    onPeer(p);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    peers,
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of peers) p.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Hex of a C-Octet String. */
export const cstr = (s: string): string => Buffer.from(s, 'latin1').toString('hex') + '00';

export function pduHex(commandId: number, status: number, seq: number, bodyHex = ''): string {
  const body = bodyHex.replace(/\s+/g, '');
  const word = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return word(16 + body.length / 2) + word(commandId) + word(status) + word(seq) + body;
}

/** bind_* body: system_id, password, system_type, interface_version, addr_ton, addr_npi, address_range. */
export function bindHex(commandId: number, seq: number, systemId: string, password: string, interfaceVersion = 0x34): string {
  return pduHex(commandId, 0, seq, cstr(systemId) + cstr(password) + cstr('') + interfaceVersion.toString(16).padStart(2, '0') + '00' + '00' + cstr(''));
}

/** A minimal submit_sm: GSM-7 "Hi" to `to`. */
export function submitHex(seq: number, to = '819012345678'): string {
  return pduHex(4, 0, seq, [cstr(''), '00', '00', cstr('DENPA'), '01', '01', cstr(to), '00', '00', '00', cstr(''), cstr(''), '01', '00', '00', '00', '02', '4869'].join(''));
}

/** Polls `cond` every few ms until it holds; throws after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
