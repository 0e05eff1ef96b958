// The round-robin proxy over two loopback upstreams: requests alternate,
// bodies and answers pass unchanged, a dead upstream answers 502 in the
// project's error shape (and the next request still goes to the live one).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../../src/harness/round-robin/index.ts';

interface Upstream {
  url: string;
  close(): Promise<void>;
}

async function upstream(name: string): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-node': name });
      res.end(JSON.stringify({ node: name, method: req.method, path: req.url, body, auth: req.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

describe('round-robin proxy', () => {
  it('alternates between the nodes and passes requests and answers through unchanged', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    open.push(a, b);
    const proxy: RunningProxy = await startProxy({ host: '127.0.0.1', port: 0, upstreams: [a.url, b.url] });
    open.push(proxy);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${proxy.url}/v1/messages?i=${i}`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify({ i }) });
      expect(res.status).toBe(201);
      answers.push((await res.json()) as { node: string; method: string; path: string; body: string; auth: string });
    }
    expect(answers.map((x) => x.node)).toEqual(['a', 'b', 'a', 'b']);
    expect(answers[3]).toEqual({ node: 'b', method: 'POST', path: '/v1/messages?i=3', body: '{"i":3}', auth: 'Bearer k' });
    expect(proxy.counts()).toEqual([2, 2]);
  });

  it('answers 502 problem+json for a node that cannot be reached, and does not skip it', async () => {
    const a = await upstream('a');
    const dead = await upstream('dead');
    await dead.close();
    open.push(a);
    const proxy = await startProxy({ host: '127.0.0.1', port: 0, upstreams: [a.url, dead.url] });
    open.push(proxy);
    const first = await fetch(`${proxy.url}/readyz`);
    expect(first.status).toBe(201);
    await first.body?.cancel();
    const second = await fetch(`${proxy.url}/readyz`);
    expect(second.status).toBe(502);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
    expect(((await second.json()) as { detail: string }).detail).toMatch(/core node 127\.0\.0\.1:\d+/);
    expect(proxy.counts()).toEqual([1, 1]);
  });
});
