// The embedded NumberLookup: the simulator's lookup API, standing in for a
// commercial number-lookup service.
//
//   POST {url}/v1/numbers/lookup   {"numbers": ["819012345678", ...]}   (at most 1000)
//   200 {"results": [{"number": "819012345678", "carrier": "au", "homeCarrier": "docomo", "ported": true, ...}]}
//
// One request per batch, on a keep-alive pool (undici's global dispatcher).
import { request } from 'undici';
import { isCarrier, type Carrier } from '../message/index.ts';
import { LookupRefusedError, LookupUnavailableError, type NumberLookup } from './number-lookup.ts';


export class HttpNumberLookup implements NumberLookup {
  private readonly endpoint: string;

  constructor(baseUrl: string) {
    this.endpoint = `${baseUrl.replace(/\/+$/, '')}/v1/numbers/lookup`;
  }

  async lookup(numbers: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, Carrier>> {
    let res;
    try {
      res = await request(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ numbers }),
        signal,
      });
    } catch (err) {
      throw new LookupUnavailableError(`number lookup ${this.endpoint}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.body.text().catch(() => '');
    if (res.statusCode >= 400 && res.statusCode < 500) throw new LookupRefusedError(`number lookup answered ${res.statusCode}: ${text.slice(0, 200)}`);
    if (res.statusCode !== 200) throw new LookupUnavailableError(`number lookup answered ${res.statusCode}`);
    return carriersOf(text);
  }
}

/** The answer's serving carriers; entries without a known carrier are left out (they route by prefix). */
export function carriersOf(text: string): Map<string, Carrier> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LookupUnavailableError('number lookup answered with a body that is not JSON');
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new LookupUnavailableError('number lookup answered without a results array');
  const out = new Map<string, Carrier>();
  for (const r of results as Array<{ number?: unknown; carrier?: unknown } | null>) {
    if (typeof r?.number === 'string' && isCarrier(r.carrier)) out.set(r.number, r.carrier);
  }
  return out;
}
