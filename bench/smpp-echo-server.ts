// The bare baseline SMSC: the raw `smpp` package, no src/smpp wrapper, doing
// the least an SMSC can: accept any bind, answer every submit_sm with a
// message_id, then send one delivery receipt (deliver_sm, esm_class 0x04,
// receipted_message_id + message_state TLVs). enquire_link and unbind are
// answered (the package does not, edge 7). Benchmarks (bench/smpp-echo.ts,
// the simulator's benchmark) measure against it as "what the library can do
// on this machine".
//
//   import { startBareEchoSmsc } from '../bench/smpp-echo-server.ts';
//   const smsc = await startBareEchoSmsc({ port: 0 });   // smsc.port, smsc.counters
//   ...
//   await smsc.close();

import { createRequire } from 'node:module';

interface BarePdu {
  command: string;
  sequence_number: number;
  destination_addr?: string;
  source_addr?: string;
  response(options?: Record<string, unknown>): unknown;
}

interface BareSession {
  on(event: string, listener: (pdu: BarePdu) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  send(pdu: unknown): boolean;
  deliver_sm(options: Record<string, unknown>, callback?: (pdu: BarePdu) => void): boolean;
  close(): void;
  destroy(): void;
}

interface BareServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number } | string | null;
  close(callback: () => void): void;
  sessions: BareSession[];
  on(event: 'error', listener: (err: Error) => void): void;
}

const smpp = createRequire(import.meta.url)('smpp') as {
  createServer(listener: (session: BareSession) => void): BareServer;
};

export interface BareEchoSmsc {
  port: number;
  counters: { submits: number; receiptsSent: number; receiptsAcked: number };
  close(): Promise<void>;
}

/** Starts the bare echo SMSC on 127.0.0.1 (port 0 for an ephemeral port). */
export async function startBareEchoSmsc(opts: { port: number; host?: string; receipts?: boolean }): Promise<BareEchoSmsc> {
  const host = opts.host ?? '127.0.0.1';
  const receipts = opts.receipts ?? true;
  const counters = { submits: 0, receiptsSent: 0, receiptsAcked: 0 };
  let nextId = 0;
  const server = smpp.createServer((session) => {
    // Without this listener a parse error would crash the process (edge 1).
    session.on('error', () => session.destroy());
    const bind = (pdu: BarePdu) => session.send(pdu.response({ system_id: 'bare' }));
    session.on('bind_transceiver', bind);
    session.on('bind_transmitter', bind);
    session.on('bind_receiver', bind);
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu) => {
      counters.submits++;
      const id = (++nextId).toString(16);
      session.send(pdu.response({ message_id: id }));
      if (!receipts) return;
      counters.receiptsSent++;
      session.deliver_sm(
        {
          source_addr: pdu.destination_addr,
          destination_addr: pdu.source_addr,
          esm_class: 0x04,
          data_coding: 0x01,
          short_message: `id:${id} sub:001 dlvrd:001 submit date:2611250304 done date:2611250304 stat:DELIVRD err:000 text:`,
          receipted_message_id: id,
          message_state: 2,
        },
        () => counters.receiptsAcked++,
      );
    });
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(opts.port, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...server.sessions]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
