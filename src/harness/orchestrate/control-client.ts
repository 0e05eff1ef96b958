// The harness's view of the services over HTTP: the simulator's control API
// (reset, number lookup, faults, ledger totals) and the sink's run snapshot.
// Every request has a timeout; any failure is a RunFailure naming the URL.
import { RunFailure } from '../../runtime/index.ts';
import type { FaultWindow } from '../run-result/index.ts';
import type { SinkRunSnapshot } from '../sink/index.ts';

export interface NumberLookup {
  number: string;
  homeCarrier: string;
  carrier: string;
  ported: boolean;
  fate: 'deliverable' | 'unreachable' | 'undeliverable';
}

export interface LedgerTotals {
  runId: string;
  messages: number;
  deliveries: number;
  duplicates: number;
  corrupted: number;
}

const TIMEOUT_MS = 15_000;

async function call<T>(method: string, url: string, body?: unknown, fetchFn: typeof fetch = fetch): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new RunFailure(`${method} ${url} failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new RunFailure(`${method} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  try {
    return (text === '' ? {} : JSON.parse(text)) as T;
  } catch {
    throw new RunFailure(`${method} ${url} answered with a body that is not JSON`);
  }
}

export class SimulatorControl {
  readonly url: string;
  constructor(url: string, private readonly fetchFn: typeof fetch = fetch) {
    this.url = url.replace(/\/+$/, '');
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await this.fetchFn(`${this.url}/healthz`, { signal: AbortSignal.timeout(3_000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  reset(): Promise<unknown> {
    return call('POST', `${this.url}/v1/reset`, {}, this.fetchFn);
  }

  /** Looks up numbers in batches of at most 1000 (the API's limit). */
  async lookup(numbers: readonly string[]): Promise<NumberLookup[]> {
    const out: NumberLookup[] = [];
    for (let i = 0; i < numbers.length; i += 1000) {
      const r = await call<{ results: NumberLookup[] }>('POST', `${this.url}/v1/numbers/lookup`, { numbers: numbers.slice(i, i + 1000) }, this.fetchFn);
      out.push(...r.results);
    }
    return out;
  }

  async faults(): Promise<FaultWindow[]> {
    const r = await call<{ faults?: FaultWindow[] } | FaultWindow[]>('GET', `${this.url}/v1/faults`, undefined, this.fetchFn);
    const list = Array.isArray(r) ? r : (r.faults ?? []);
    return list.map((f) => ({ carrier: f.carrier, kind: f.kind, startsAt: f.startsAt, endsAt: f.endsAt, ...(f.params ? { params: f.params } : {}) }));
  }

  async ledgerTotals(runId: string): Promise<LedgerTotals> {
    const r = await call<LedgerTotals>('GET', `${this.url}/v1/ledger/runs/${runId}`, undefined, this.fetchFn).catch((err: unknown) => {
      // A run the simulator has not seen yet is a 404: nothing arrived so far.
      if (err instanceof RunFailure && / 404:/.test(err.message)) return { runId, messages: 0, deliveries: 0, duplicates: 0, corrupted: 0 };
      throw err;
    });
    return { runId, messages: r.messages ?? 0, deliveries: r.deliveries ?? 0, duplicates: r.duplicates ?? 0, corrupted: r.corrupted ?? 0 };
  }
}

export async function sinkSnapshot(sinkUrl: string, runId: string, fetchFn: typeof fetch = fetch): Promise<SinkRunSnapshot> {
  return call<SinkRunSnapshot>('GET', `${sinkUrl.replace(/\/+$/, '')}/v1/runs/${runId}`, undefined, fetchFn);
}
