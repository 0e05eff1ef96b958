import { describe, expect, it } from 'vitest';
import { collectDeliveryMetrics, forEachLedgerPage, type LedgerProbe } from '../../../../src/harness/delivery/index.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';

const T0 = Date.UTC(2026, 10, 25, 3, 0, 0);
const probe = (seq: number): LedgerProbe => ({ seq, category: 'otp', carrier: 'au', sentAt: T0, handsetAt: T0 + 500, finalState: 'DELIVRD', deliveries: 1, intact: true });

/** A fake simulator ledger serving `total` probes, paged by `after`/`limit`. */
function ledgerFetch(total: number, requests: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    requests.push(`${url.pathname}?${url.searchParams}`);
    const after = url.searchParams.has('after') ? Number(url.searchParams.get('after')) : -1;
    const limit = Number(url.searchParams.get('limit'));
    const probes: LedgerProbe[] = [];
    for (let s = after + 1; s < total && probes.length < limit; s++) probes.push(probe(s));
    const last = probes.at(-1);
    const next = last && last.seq < total - 1 ? last.seq : null;
    return new Response(JSON.stringify({ probes, next }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('ledger loader', () => {
  it('pages through the whole ledger in order and computes the metrics', async () => {
    const requests: string[] = [];
    const result = await collectDeliveryMetrics({
      simUrl: 'http://127.0.0.1:8775/',
      runId: 'AB12',
      pageSize: 400,
      fetch: ledgerFetch(1000, requests),
      accepted: { total: 1003, otpDeliverable: 1000, byCategory: {}, otpDeliverableSource: 'deliverable-submetric' },
    });
    expect(requests).toEqual([
      '/v1/ledger/runs/AB12/probes?limit=400',
      '/v1/ledger/runs/AB12/probes?limit=400&after=399',
      '/v1/ledger/runs/AB12/probes?limit=400&after=799',
    ]);
    expect(result.details.seen).toBe(1000);
    expect(result.metrics.messages_lost?.values.count).toBe(3);
  });

  it('refuses a cursor that does not advance', async () => {
    const stuck = (async () => new Response(JSON.stringify({ probes: [probe(1)], next: 1 }))) as typeof fetch;
    await expect(forEachLedgerPage({ simUrl: 'http://127.0.0.1:1', runId: 'AB12', fetch: stuck }, () => {})).rejects.toThrow(/did not advance/);
  });

  it('stops at the page bound', async () => {
    await expect(forEachLedgerPage({ simUrl: 'http://127.0.0.1:1', runId: 'AB12', pageSize: 10, maxPages: 3, fetch: ledgerFetch(1000, []) }, () => {})).rejects.toThrow(
      /exceeds 3 pages/,
    );
  });

  it.each([
    { name: 'HTTP error', fetch: (async () => new Response('{}', { status: 404 })) as typeof fetch, message: /answered 404/ },
    { name: 'no probes array', fetch: (async () => new Response('{"next":null}')) as typeof fetch, message: /without a probes array/ },
    {
      name: 'unreachable',
      fetch: (async () => {
        throw new Error('ECONNREFUSED');
      }) as typeof fetch,
      message: /unreachable/,
    },
  ])('fails with a RunFailure on $name', async ({ fetch, message }) => {
    const run = forEachLedgerPage({ simUrl: 'http://127.0.0.1:1', runId: 'AB12', fetch }, () => {});
    await expect(run).rejects.toBeInstanceOf(RunFailure);
    await expect(forEachLedgerPage({ simUrl: 'http://127.0.0.1:1', runId: 'AB12', fetch }, () => {})).rejects.toThrow(message);
  });
});
