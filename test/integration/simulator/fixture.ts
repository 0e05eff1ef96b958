// Shared setup for the simulator's socket tests: a simulator on loopback
// (port 0 everywhere) with fast, fate-free profiles unless a test changes
// them, and clients built on src/smpp.
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DataCoding, RegisteredDelivery, readReceipt, SmppClient, type Receipt, type ReceivedMessage, type SmppClientOptions } from '../../../src/smpp/index.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../simulator/index.ts';

export const NUMBERS = { docomo: '09012345678', au: '09051234567', softbank: '09081234567' } as const;
export const PASSWORDS = { docomo: 'dcm-pass', au: 'au-pass', softbank: 'sb-pass' } as const;
export const AGGREGATOR_CREDENTIALS = { systemId: 'denpa-agg', password: 'agg-pass' } as const;
export type Carrier = keyof typeof NUMBERS;
/** A carrier's SMSC or the aggregator. */
export type Smsc = Carrier | 'aggregator';

const fast = {
  latency: { kind: 'constant', ms: 0 },
  handset: { delay: { kind: 'constant', ms: 5 }, unreachableShare: 0, undeliverableShare: 0 },
  receipts: { delay: { kind: 'constant', ms: 5 } },
};

export async function startFastSimulator(extra: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({
    seed: 11,
    host: '127.0.0.1',
    ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 },
    controlPort: 0,
    portedShare: 0,
    config: { carriers: { docomo: fast, au: fast, softbank: fast, aggregator: fast } },
    ...extra,
  });
}

export interface TestClient {
  client: SmppClient;
  receipts: Receipt[];
  delivers: ReceivedMessage[];
  /** Resolves once `n` receipts have arrived (bounded by `ms`). */
  waitReceipts(n: number, ms?: number): Promise<Receipt[]>;
}

export async function bindClient(sim: RunningSimulator, carrier: Smsc, over: Partial<SmppClientOptions> = {}): Promise<TestClient> {
  const receipts: Receipt[] = [];
  const delivers: ReceivedMessage[] = [];
  const waiters: (() => void)[] = [];
  const client = await SmppClient.connect({
    host: '127.0.0.1',
    port: sim.ports[carrier],
    systemId: carrier === 'aggregator' ? AGGREGATOR_CREDENTIALS.systemId : 'denpa',
    password: carrier === 'aggregator' ? AGGREGATOR_CREDENTIALS.password : PASSWORDS[carrier],
    bindMode: 'transceiver',
    responseTimeoutMs: 5_000,
    enquireLinkMs: 0,
    closeTimeoutMs: 1_000,
    onDeliver: (m) => {
      delivers.push(m);
      const r = readReceipt(m.fields);
      if (r.ok) receipts.push(r.receipt);
      for (const w of waiters.splice(0)) w();
    },
    ...over,
  });
  return {
    client,
    receipts,
    delivers,
    waitReceipts: (n, ms = 10_000) => waitFor(() => receipts.length >= n, ms, waiters).then(() => receipts),
  };
}

/** Waits until `done()` holds, re-checking on each notification and every 20 ms, at most `ms`. */
export async function waitFor(done: () => boolean, ms = 10_000, waiters?: (() => void)[]): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 20);
      waiters?.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

export function textSubmit(to: string, text: string, over: Record<string, unknown> = {}) {
  const ucs2 = /[^\x20-\x7e]/.test(text);
  return {
    source_addr: 'DENPA',
    destination_addr: to,
    registered_delivery: RegisteredDelivery.FINAL,
    data_coding: ucs2 ? DataCoding.UCS2 : DataCoding.SMSC_DEFAULT,
    short_message: ucs2 ? Buffer.from(text, 'utf16le').swap16() : Buffer.from(text, 'latin1'),
    ...over,
  };
}

export async function api<T = unknown>(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; type: string | null }> {
  const res = await fetch(sim.controlUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, type: res.headers.get('content-type') };
}

export function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

export function closedWithin(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/**
 * One fast simulator for a test file, reset after each test; clients bound
 * with `bind` are closed after each test. Registers the hooks itself.
 */
export function simulatorPerFile(extra: Partial<SimulatorOptions> = {}): { readonly sim: RunningSimulator; open: TestClient[]; bind(carrier: Smsc, over?: Partial<SmppClientOptions>): Promise<TestClient> } {
  const state: { sim?: RunningSimulator } = {};
  const open: TestClient[] = [];
  beforeAll(async () => {
    state.sim = await startFastSimulator(extra);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.client.close()));
    if (state.sim) await api(state.sim, 'POST', '/v1/reset');
  });
  afterAll(async () => {
    await state.sim?.close();
  });
  return {
    get sim() {
      return state.sim as RunningSimulator;
    },
    open,
    async bind(carrier, over = {}) {
      const c = await bindClient(state.sim as RunningSimulator, carrier, over);
      open.push(c);
      return c;
    },
  };
}
