// An HTTP receiver on loopback for inbound forwards: records each POST (body,
// headers, the status it answered) and answers `status()` (200 unless told).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  readonly body: string;
  readonly signature: string | undefined;
  readonly eventId: string | undefined;
  readonly answered: number;
}

export interface InboundSink {
  readonly url: string;
  readonly posts: ReceivedPost[];
  answer(status: number): void;
  close(): Promise<void>;
}

export async function startInboundSink(): Promise<InboundSink> {
  const posts: ReceivedPost[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({
        body: Buffer.concat(chunks).toString(),
        signature: req.headers['x-denpa-signature'] as string | undefined,
        eventId: req.headers['x-denpa-event-id'] as string | undefined,
        answered: status,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbound`,
    posts,
    answer: (s) => (status = s),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
