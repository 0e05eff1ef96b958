import type { DeliveryResult } from '../run-result/index.ts';
import type { AcceptedCounts } from './accepted-counts.ts';
import { LedgerAnswerError, LedgerPagingError, LedgerUnreachableError } from './errors.ts';
import { DeliveryTally, type CallbackFacts, type DeliveryOptions } from './delivery-tally.ts';
import type { LedgerProbe } from './ledger-probe.ts';

// The I/O edge of delivery metrics: pages through the simulator's ledger
// (`GET /v1/ledger/runs/:runId/probes?after=&limit=`) and folds each page
// into a DeliveryTally, so only one page is in memory at a time.

export const LEDGER_PAGE_LIMIT = 10_000;

export interface LedgerPage {
  probes: LedgerProbe[];
  next: number | null;
}

export interface LedgerLoadOptions {
  /** Simulator control API base URL, e.g. http://127.0.0.1:8775 */
  simUrl: string;
  runId: string;
  /** Probes per page, 1..10000 (default 5000). */
  pageSize?: number;
  /** Upper bound on pages fetched (default 2000: 10 M probes at 5000 a page). */
  maxPages?: number;
  /** Per-request timeout, ms (default 15 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Fetch every probe page of a run, in order, calling `onPage` for each. Returns the page count. */
export async function forEachLedgerPage(options: LedgerLoadOptions, onPage: (page: LedgerPage) => void): Promise<number> {
  const pageSize = Math.min(LEDGER_PAGE_LIMIT, Math.max(1, Math.floor(options.pageSize ?? 5000)));
  const maxPages = options.maxPages ?? 2000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;
  const base = options.simUrl.replace(/\/+$/, '');
  let after: number | undefined;
  for (let pages = 0; pages < maxPages; ) {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (after !== undefined) query.set('after', String(after));
    const url = `${base}/v1/ledger/runs/${encodeURIComponent(options.runId)}/probes?${query}`;
    let response: Response;
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new LedgerUnreachableError(url, (err as Error).message);
    }
    if (!response.ok) {
      throw new LedgerAnswerError(`answered ${response.status} for ${url}`);
    }
    let page: Partial<LedgerPage>;
    try {
      page = (await response.json()) as Partial<LedgerPage>;
    } catch (err) {
      throw new LedgerAnswerError(`page is not JSON (${(err as Error).message}): ${url}`);
    }
    if (typeof page !== 'object' || page === null || !Array.isArray(page.probes)) throw new LedgerAnswerError(`page without a probes array: ${url}`);
    pages++;
    onPage({ probes: page.probes, next: page.next ?? null });
    if (page.next == null || page.probes.length === 0) return pages;
    // A cursor that does not move forward would loop forever: refuse it.
    if (after !== undefined && page.next <= after) {
      throw new LedgerPagingError(`cursor did not advance (after=${after}, next=${page.next})`);
    }
    after = page.next;
  }
  throw new LedgerPagingError(`for run ${options.runId} exceeds ${maxPages} pages of ${pageSize}`);
}

export interface CollectDeliveryOptions extends LedgerLoadOptions, DeliveryOptions {
  accepted: AcceptedCounts;
  callbacks?: CallbackFacts;
}

/** Page through the ledger and compute the run's delivery metrics. */
export async function collectDeliveryMetrics(options: CollectDeliveryOptions): Promise<DeliveryResult> {
  const tally = new DeliveryTally(options.callbacks, options);
  await forEachLedgerPage(options, (page) => tally.add(page.probes));
  return tally.finish(options.accepted);
}
