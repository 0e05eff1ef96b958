// The harness finds loss. A gateway stand-in accepts every message with 202
// and then, on purpose, silently discards some, reports others as expired
// without sending them, and delivers the rest (into a stand-in simulator
// ledger) with signed status callbacks to the real sink. messages_lost, from
// the real sink, the real ledger loader and the delivery metrics, must count
// exactly the silent discards.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedCountsFromSummary, collectDeliveryMetrics, type LedgerProbe } from '../../../../src/harness/delivery/index.ts';
import { judgeRun } from '../../../../src/harness/judge/index.ts';
import type { K6Summary } from '../../../../src/harness/run-result/index.ts';
import { signBody, startSink, type Sink, type SinkRunSnapshot } from '../../../../src/harness/sink/index.ts';
import { decodeProbe, withProbe } from '../../../../src/probe/index.ts';

const SECRET = 'stand-in-secret';
const RUN_ID = 'L0ST';
const MESSAGES = 240;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('messages_lost against a gateway that drops on purpose', () => {
  let sink: Sink;
  let ledger: { server: Server; url: string };
  let gateway: { server: Server; url: string };
  const probes: LedgerProbe[] = [];
  const pending: Array<Promise<unknown>> = [];
  const fate = (seq: number): 'discard' | 'expire' | 'deliver' => (seq % 17 === 3 ? 'discard' : seq % 23 === 5 ? 'expire' : 'deliver');

  beforeAll(async () => {
    sink = await startSink({ host: '127.0.0.1', port: 0, secret: SECRET });
    // Stand-in simulator: only the ledger page endpoint of the control API.
    ledger = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/v1\/ledger\/runs\/([0-9A-Z]{4})\/probes$/.exec(url.pathname);
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      const after = Number(url.searchParams.get('after') ?? -1);
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const page = probes.filter((p) => p.seq > after).sort((a, b) => a.seq - b.seq).slice(0, limit);
      const last = page.at(-1);
      const more = last !== undefined && probes.some((p) => p.seq > last.seq);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ probes: page, next: more ? last.seq : null }));
    });
    // Stand-in gateway: 202 for everything, then its own idea of delivery.
    gateway = await listen((req, res) => {
      void body(req).then((text) => {
        const msg = JSON.parse(text) as { to: string; text: string; category: string; client_ref: string; callback_url: string };
        const probe = decodeProbe(msg.text, Date.now());
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `gw-${msg.client_ref}`, status: 'accepted' }));
        if (!probe) return;
        const f = fate(probe.seq);
        if (f === 'discard') return;
        if (f === 'deliver') {
          const now = Date.now();
          probes.push({ seq: probe.seq, category: probe.category, carrier: 'au', to: msg.to, sentAt: probe.sentAtMs, arrivedAt: now, handsetAt: now + 5, finalState: 'DELIVRD', deliveries: 1, intact: probe.intact });
        }
        const callback = JSON.stringify({ id: `gw-${msg.client_ref}`, status: f === 'deliver' ? 'delivered' : 'expired', client_ref: msg.client_ref, to: msg.to, category: msg.category, at: Date.now(), segments: 1 });
        pending.push(fetch(msg.callback_url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-denpa-signature': signBody(SECRET, callback) }, body: callback }));
      });
    });
  });

  afterAll(async () => {
    await Promise.allSettled(pending);
    await close(gateway?.server);
    await close(ledger?.server);
    await sink?.close();
  });

  it('counts exactly the messages the gateway discarded', async () => {
    let accepted = 0;
    let acceptedOtp = 0;
    for (let seq = 0; seq < MESSAGES; seq++) {
      const category = seq % 2 === 0 ? 'otp' : 'notice';
      const text = withProbe(`認証コードは ${String(100000 + seq)} です。`, { runId: RUN_ID, seq, category, sentAtMs: Date.now() });
      const r = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: '09012345678', text, category, client_ref: `${RUN_ID}-${seq}`, callback_url: `${sink.url}/callbacks/${RUN_ID}` }),
      });
      await r.arrayBuffer();
      if (r.status === 202) {
        accepted++;
        if (category === 'otp') acceptedOtp++;
      }
    }
    await Promise.all(pending);
    const discarded = Array.from({ length: MESSAGES }, (_, s) => s).filter((s) => fate(s) === 'discard').length;
    const expired = Array.from({ length: MESSAGES }, (_, s) => s).filter((s) => fate(s) === 'expire').length;
    expect(discarded).toBe(14);
    expect(expired).toBe(11);

    // What the run's summary would say (the scenario counts acceptances).
    const counter = (count: number) => ({ type: 'counter' as const, contains: 'default' as const, values: { count, rate: 0 } });
    const summary: K6Summary = {
      root_group: {},
      options: { thresholds: { messages_lost: ['count==0'], otp_on_time: ['rate>=0.99'] } },
      state: { testRunDurationMs: 1000 },
      metrics: { messages_accepted: counter(accepted), 'messages_accepted{category:otp,deliverable:true}': counter(acceptedOtp) },
    };
    const snapshot = (await (await fetch(`${sink.url}/v1/runs/${RUN_ID}`)).json()) as SinkRunSnapshot;
    expect(snapshot).toMatchObject({ received: MESSAGES - discarded, finals: MESSAGES - discarded, duplicates: 0, sink: { badSignatures: 0 } });

    const delivery = await collectDeliveryMetrics({ simUrl: ledger.url, runId: RUN_ID, pageSize: 64, accepted: acceptedCountsFromSummary(summary), callbacks: snapshot });
    expect(delivery.details).toMatchObject({ seen: MESSAGES - discarded - expired, reportedFailedUnseen: expired, lost: discarded });
    expect(delivery.metrics.messages_lost?.values.count).toBe(discarded);

    const verdict = judgeRun({ summary, delivery });
    expect(verdict.outcome).toBe('fail');
    expect(verdict.thresholds.find((t) => t.metric === 'messages_lost')).toMatchObject({ state: 'failed', figure: discarded, limit: 0 });
    // OTPs the gateway dropped or expired count as late
    const otpNotDelivered = Array.from({ length: MESSAGES }, (_, s) => s).filter((s) => s % 2 === 0 && fate(s) !== 'deliver').length;
    expect(delivery.metrics.otp_on_time?.values).toMatchObject({ passes: acceptedOtp - otpNotDelivered, fails: otpNotDelivered });
  });
});
