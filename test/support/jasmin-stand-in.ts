// A stand-in for Jasmin, written from Jasmin's documentation ("HTTP API":
// sending SMS-MT, the HTTP response table, receiving DLR) because Jasmin
// itself (Python, RabbitMQ, Redis) cannot run here. It is what the jasmin
// adapter is judged against end to end:
//
//   GET|POST /send  the documented parameters; an unknown one is
//                   400 Error "Argument _ is unknown.", missing mandatory ones
//                   400 Error "Mandatory arguments not found, …", bad
//                   credentials 403 Error "Authentication failure for username:_",
//                   no connector for the number 412 Error "No route found";
//                   else 200 Success "<uuid>" and the message is queued.
//   The queue    submit_sm over SMPP (this repo's client) to the connector
//                routed by destination prefix, split with a 6-byte UDH above
//                one segment (long_content_split = udh, at most 5 parts).
//   DLRs         level 1: id, message_status (ESME_*), level, connector, after
//                submit_sm_resp; level 2: also id_smsc, subdate, donedate, sub,
//                dlvrd, err, text, from the receipt. POST or GET to dlr-url; an
//                answer other than 200 "ACK/Jasmin" is retried (max_retries).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SmppClient, commandStatusName, encodeConcatUdh, readReceipt } from '../../src/smpp/index.ts';

export interface JasminConnector {
  cid: string;
  /** Destination prefixes routed to this connector (Jasmin's DestinationAddrFilter routes). */
  prefixes: readonly string[];
  host: string;
  port: number;
  systemId: string;
  password: string;
}

export interface JasminStandInOptions {
  username: string;
  password: string;
  connectors: readonly JasminConnector[];
  /** dlr-thrower max_retries (docs default 3) and retry_delay (docs 30 s; short here). */
  dlrRetries?: number;
  dlrRetryDelayMs?: number;
}

export interface JasminStandIn {
  url: string;
  /** DLRs thrown, and how many of them the receiver acknowledged with ACK/Jasmin. */
  stats: { accepted: number; refused: number; submitted: number; dlrsThrown: number; dlrsAcked: number; dlrRetries: number };
  close(): Promise<void>;
}

const KNOWN = new Set(['to', 'from', 'coding', 'username', 'password', 'priority', 'sdt', 'validity-period', 'dlr', 'dlr-url', 'dlr-level', 'dlr-method', 'tags', 'content', 'hex-content', 'custom_tlvs']);
const SEGMENT_BYTES = 140;
const PART_BYTES = 134;
const MAX_PARTS = 5;

interface Tracked {
  id: string;
  cid: string;
  level: number;
  url: string;
  method: string;
  submittedAt: Date;
}

function smppDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const chunk of req) raw += (chunk as Buffer).toString('latin1');
  return raw;
}

export async function startJasminStandIn(o: JasminStandInOptions): Promise<JasminStandIn> {
  const stats = { accepted: 0, refused: 0, submitted: 0, dlrsThrown: 0, dlrsAcked: 0, dlrRetries: 0 };
  const byReceiptId = new Map<string, Tracked>();
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  let closing = false;

  const throwDlr = async (t: Tracked, fields: Record<string, string>): Promise<void> => {
    const body = new URLSearchParams({ id: t.id, ...fields, level: String(t.level), connector: t.cid }).toString();
    const retries = o.dlrRetries ?? 3;
    stats.dlrsThrown++;
    // Bounded: the first throw and at most `retries` more.
    for (let attempt = 0; attempt <= retries && !closing; attempt++) {
      if (attempt > 0) {
        stats.dlrRetries++;
        await new Promise((r) => setTimeout(r, o.dlrRetryDelayMs ?? 200));
      }
      try {
        const res = t.method === 'GET'
          ? await fetch(`${t.url}${t.url.includes('?') ? '&' : '?'}${body}`, { signal: AbortSignal.timeout(5_000) })
          : await fetch(t.url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(5_000) });
        if (res.status === 200 && (await res.text()) === 'ACK/Jasmin') {
          stats.dlrsAcked++;
          return;
        }
      } catch {
        // retried below
      }
    }
  };

  const clients = new Map<string, SmppClient>();
  for (const c of o.connectors) {
    const client = await SmppClient.connect({
      host: c.host,
      port: c.port,
      systemId: c.systemId,
      password: c.password,
      bindMode: 'transceiver',
      onDeliver: (m) => {
        const read = readReceipt(m.fields);
        if (!read.ok) return 0;
        const t = byReceiptId.get(read.receipt.messageId.trim());
        if (!t || t.level === 1) return 0;
        byReceiptId.delete(read.receipt.messageId.trim());
        const text = read.receipt.text;
        track(
          throwDlr(t, {
            id_smsc: read.receipt.messageId,
            message_status: read.receipt.stat,
            subdate: smppDate(t.submittedAt),
            donedate: smppDate(new Date()),
            sub: String(text?.sub ?? '001'),
            dlvrd: String(text?.dlvrd ?? '001'),
            err: String(text?.err ?? '000'),
            text: String(text?.text ?? '').slice(0, 20),
          }),
        );
        return 0;
      },
    });
    clients.set(c.cid, client);
  }

  const queue = async (id: string, to: string, coding: number, bytes: Buffer, dlr: Omit<Tracked, 'id' | 'cid' | 'submittedAt'> | undefined, c: JasminConnector): Promise<void> => {
    const client = clients.get(c.cid) as SmppClient;
    const parts: Buffer[] = [];
    if (bytes.length <= SEGMENT_BYTES) parts.push(bytes);
    else {
      const total = Math.min(MAX_PARTS, Math.ceil(bytes.length / PART_BYTES));
      const ref = Math.floor(Math.random() * 256);
      for (let i = 0; i < total; i++) parts.push(Buffer.concat([encodeConcatUdh({ refBits: 8, ref, total, seq: i + 1 }), bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES)]));
    }
    const submittedAt = new Date();
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const result = await client.submit({
        source_addr: 'JASMIN',
        source_addr_ton: 5,
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: to,
        esm_class: parts.length > 1 ? 0x40 : 0,
        data_coding: coding,
        registered_delivery: dlr && last && dlr.level >= 2 ? 1 : 0,
        short_message: part,
      });
      if (result.ok) stats.submitted++;
      if (!last && result.ok) continue;
      if (!dlr) return;
      const t: Tracked = { id, cid: c.cid, submittedAt, ...dlr };
      if (dlr.level === 1 || dlr.level === 3 || !result.ok) {
        track(throwDlr({ ...t, level: dlr.level }, { message_status: result.ok ? 'ESME_ROK' : (commandStatusName(result.commandStatus) ?? `ESME_0x${result.commandStatus.toString(16)}`) }));
      }
      if (result.ok && dlr.level >= 2) byReceiptId.set(result.messageId.trim(), t);
      return;
    }
  };

  const refuse = (res: import('node:http').ServerResponse, code: number, text: string) => {
    stats.refused++;
    res.writeHead(code, { 'content-type': 'text/plain' }).end(`Error "${text}"`);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/send') return res.writeHead(404).end();
      const args = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      for (const k of args.keys()) if (!KNOWN.has(k)) return refuse(res, 400, `Argument ${k} is unknown.`);
      const to = args.get('to');
      const content = args.get('content');
      const hex = args.get('hex-content');
      if (!to || !args.get('username') || !args.get('password') || (content === null && hex === null)) {
        return refuse(res, 400, 'Mandatory arguments not found, please refer to the HTTPAPI specifications.');
      }
      if (args.get('username') !== o.username || args.get('password') !== o.password) return refuse(res, 403, `Authentication failure for username:${args.get('username')}`);
      const coding = Number(args.get('coding') ?? '0');
      if (![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14].includes(coding)) return refuse(res, 400, `Argument coding has an invalid value: ${args.get('coding')}.`);
      if (hex !== null && !/^([0-9a-fA-F]{2})*$/.test(hex)) return refuse(res, 400, `Argument hex-content has an invalid value: ${hex}.`);
      const wantDlr = args.get('dlr') === 'yes' && args.get('dlr-url');
      const level = Number(args.get('dlr-level') ?? '');
      const method = (args.get('dlr-method') ?? '').toUpperCase();
      if (wantDlr && ![1, 2, 3].includes(level)) return refuse(res, 400, `Argument dlr-level has an invalid value: ${args.get('dlr-level')}.`);
      if (wantDlr && method !== 'GET' && method !== 'POST') return refuse(res, 400, `Argument dlr-method has an invalid value: ${args.get('dlr-method')}.`);
      const connector = o.connectors.find((c) => c.prefixes.some((p) => to.replace(/^\+/, '').startsWith(p)));
      if (!connector) return refuse(res, 412, 'No route found');
      const id = randomUUID();
      const bytes = hex !== null ? Buffer.from(hex, 'hex') : Buffer.from(content ?? '', 'latin1');
      stats.accepted++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`Success "${id}"`);
      track(queue(id, to.replace(/^\+/, ''), coding, bytes, wantDlr ? { level, url: args.get('dlr-url') as string, method } : undefined, connector).catch(() => undefined));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    stats,
    close: async () => {
      closing = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...pending]);
      await Promise.allSettled([...clients.values()].map((c) => c.close()));
    },
  };
}
