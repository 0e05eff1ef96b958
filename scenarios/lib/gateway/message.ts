// What every gateway adapter is given and gives back. Plain ECMAScript, no
// k6 or Node imports: VU code runs it (through traffic.ts) and so does the
// harness in Node (the warm-up, the tests).
//
// Correlation: the harness must tie a gateway's status callback back to the
// message it sent, and most gateways call back with their own message id,
// not ours. So every adapter that can give a per-message callback URL puts
// the run id and the probe's sequence number in that URL's path
// (`<sink>/callbacks/<gateway>/<runId>/<seq>`); the sink reads them from
// the path whatever the gateway's body says.

export type GatewayName = 'denpa' | 'kannel' | 'jasmin' | 'http';
export const GATEWAY_NAMES: readonly GatewayName[] = ['denpa', 'kannel', 'jasmin', 'http'];

/** One message as the scenario library has made it (probe token already in `text`). */
export interface OutgoingMessage {
  /** As a sender types it: 0X0... or +81... */
  to: string;
  text: string;
  category: string;
  runId: string;
  seq: number;
  /** The callback sink's base URL, e.g. http://127.0.0.1:8790 */
  sinkUrl: string;
}

export interface GatewayRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /** null for a GET */
  body: string | null;
  headers: Record<string, string>;
  /** The request's name in metrics (k6's `name` tag): one per endpoint, never per message. */
  name: string;
}

export interface GatewayAnswer {
  status: number;
  body: string;
}

/** Where the gateway listens and how to authenticate to it. */
export interface GatewayTarget {
  /** e.g. http://127.0.0.1:13013, no trailing slash */
  baseUrl: string;
  /** denpa: the bearer key; kannel and jasmin: `username:password`. */
  apiKey: string;
}

export interface GatewayAdapter {
  name: GatewayName;
  request(message: OutgoingMessage): GatewayRequest;
  /** Whether the gateway took the message (it now owes a final status). */
  accepted(answer: GatewayAnswer): boolean;
}

/** `<runId>-<seq>`: the reference denpa's API and in-house gateways echo back. */
export function clientRef(m: Pick<OutgoingMessage, 'runId' | 'seq'>): string {
  return `${m.runId}-${m.seq}`;
}

/** The per-message callback URL carrying the correlation in its path. */
export function callbackUrl(gateway: GatewayName, m: Pick<OutgoingMessage, 'runId' | 'seq' | 'sinkUrl'>): string {
  return `${m.sinkUrl}/callbacks/${gateway}/${m.runId}/${m.seq}`;
}

/** E.164 without '+' (81XXXXXXXXXX), the form SMPP gateways pass on as destination_addr. */
export function internationalNumber(to: string): string {
  const s = to.replace(/[-\s]/g, '');
  if (s.startsWith('+')) return s.slice(1);
  if (s.startsWith('0')) return `81${s.slice(1)}`;
  return s;
}

/** `user:password` split at the first colon (a password may hold colons). */
export function credentials(apiKey: string): { username: string; password: string } {
  const i = apiKey.indexOf(':');
  if (i <= 0) throw new Error(`this gateway needs --api-key username:password, got ${JSON.stringify(apiKey)}`);
  return { username: apiKey.slice(0, i), password: apiKey.slice(i + 1) };
}

/** application/x-www-form-urlencoded / query-string encoding of ordered pairs. */
export function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
