// The harness's round-robin in front of several core nodes: a loopback HTTP
// proxy that hands each request to the next node (rotation.ts) and streams
// the answer back unchanged. The load engine and the gateway adapter see one
// base URL, as a client of a multi-node deployment sees one load balancer,
// so every scenario and both engines (built-in and k6) run unchanged, and
// the latency the judge reads includes the hop a real deployment has.
//
// It runs as its own child process (service-host.ts, kind 'proxy'), not in
// the harness's event loop, where it would compete with the built-in engine.
// An upstream that cannot be reached answers 502 in the project's error
// shape; the engine counts it as a failed request (no retry elsewhere).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rotation } from './rotation.ts';

export interface ProxyOptions {
  host: string;
  port: number;
  /** The nodes' base URLs (http://127.0.0.1:port), in rotation order. */
  upstreams: string[];
}

export interface RunningProxy {
  url: string;
  upstreams: readonly string[];
  /** Requests handed to each upstream so far. */
  counts(): number[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function problem(res: http.ServerResponse, status: number, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status, detail });
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  if (o.upstreams.length === 0) throw new Error('proxy: no upstreams');
  const targets = o.upstreams.map((u) => {
    const url = new URL(u);
    if (url.protocol !== 'http:') throw new Error(`proxy: upstream ${u} is not http://`);
    return { host: url.hostname, port: Number(url.port), agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) };
  });
  const next = rotation(targets);
  const server = http.createServer((req, res) => {
    const t = next.next();
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    const up = http.request({ host: t.host, port: t.port, method: req.method, path: req.url, headers, agent: t.agent }, (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    up.on('error', (err) => problem(res, 502, `core node ${t.host}:${t.port}: ${err.message}`));
    req.on('error', () => up.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${o.host}:${address.port}`,
    upstreams: [...o.upstreams],
    counts: () => next.counts(),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const t of targets) t.agent.destroy();
    },
  };
}
