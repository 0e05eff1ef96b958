// The send-time check over real loopback sockets: an address literal and a
// name that resolves to a refused address never get a connection; the
// allowed ones do.
import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { checkedConnector, egressPolicy, type Resolve } from '../../../../src/core/egress/index.ts';

let server: Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A DNS where every *.example name resolves to loopback (a rebinding attacker's name); others go to the system. */
const hostileDns: Resolve = (hostname, options, callback) => {
  if (hostname.endsWith('.example')) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else dns.lookup(hostname, options, callback);
};

async function post(allow: readonly string[], url: string): Promise<number | string> {
  const agent = new Agent({ connect: checkedConnector(egressPolicy(allow), { timeout: 2000 }, hostileDns) });
  try {
    const res = await request(url, { method: 'POST', body: '{}', dispatcher: agent });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await agent.close();
  }
}

describe('checkedConnector', () => {
  it('refuses a name that resolves to a refused address (checked after DNS), and connects nowhere', async () => {
    const before = hits;
    expect(await post([], `http://hooks.example:${port}/cb`)).toMatch(/hooks\.example resolves to an internal address: 127\.0\.0\.1 is a loopback address; callbacks may not reach it/);
    expect(await post(['127.0.0.2'], `http://localhost:${port}/cb`)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(await post([], `http://127.0.0.1:${port}/cb`)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(await post([], `http://2130706433:${port}/cb`)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(hits).toBe(before);
  });

  it('connects where the policy allows: the embedded default (loopback), or a trusted host name', async () => {
    const before = hits;
    expect(await post(['127.0.0.0/8'], `http://127.0.0.1:${port}/cb`)).toBe(200);
    expect(await post(['localhost'], `http://localhost:${port}/cb`)).toBe(200);
    // Resolved, checked, and connected to the address that was checked.
    expect(await post(['127.0.0.1'], `http://hooks.example:${port}/cb`)).toBe(200);
    expect(await post(['hooks.example'], `http://hooks.example:${port}/cb`)).toBe(200);
    expect(hits).toBe(before + 4);
  });
});
