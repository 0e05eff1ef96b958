// A declarative adapter for an in-house gateway: the request is a template
// over the message's fields and the callback is read by a JSON path or a
// query parameter. The harness validates the file against its schema
// (src/harness/gateway/http-config.ts) and hands it to VU code as JSON in
// __ENV.GATEWAY_CONFIG.
//
// Templates: `{{name}}` with name one of TEMPLATE_FIELDS. In `url` (but for
// {{baseUrl}}) and in a `form` body a value is percent-encoded; in a `json` body it is inserted
// as a JSON string (quotes included: write `"to": {{to}}`); headers take
// it as it is.
//
//   { "request": { "method": "POST", "url": "{{baseUrl}}/api/sms", "bodyFormat": "json",
//                  "body": "{\"to\": {{to}}, \"text\": {{text}}, \"ref\": {{clientRef}}, \"notify\": {{callbackUrl}}}",
//                  "headers": { "Authorization": "Bearer {{apiKey}}" }, "accepted": [200, 202] },
//     "callback": { "status": { "json": "state" },
//                   "statuses": { "DELIVERED": "delivered", "FAILED": "failed", "SENT": "pending" } } }
import type { GatewayAdapter, GatewayAnswer, GatewayTarget, OutgoingMessage } from './message.ts';
import { callbackUrl, clientRef, internationalNumber } from './message.ts';

export const TEMPLATE_FIELDS = ['to', 'toInternational', 'text', 'category', 'clientRef', 'callbackUrl', 'runId', 'seq', 'apiKey', 'baseUrl'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** Where a callback carries a value: a JSON path in its body ("a.b.0") or a query parameter. */
export type ValueSource = { json: string } | { query: string };

/** denpa's final states, or `pending` for a word that is not final. */
export type MappedStatus = 'delivered' | 'undeliverable' | 'expired' | 'rejected' | 'failed' | 'canceled' | 'unknown' | 'pending';

export interface HttpGatewayConfig {
  request: {
    method: 'GET' | 'POST' | 'PUT';
    url: string;
    headers?: Record<string, string>;
    bodyFormat?: 'json' | 'form' | 'text';
    body?: string;
    /** HTTP statuses that mean accepted (default [200, 201, 202]). */
    accepted?: number[];
  };
  callback: {
    /** Where the callback carries `{{clientRef}}`; omitted: from the {{callbackUrl}} path. */
    ref?: ValueSource;
    status: ValueSource;
    /** The gateway's status words -> denpa's states; an unlisted word counts as not final. */
    statuses: Record<string, MappedStatus>;
    /** HMAC-SHA256 of the raw body, hex, in this header (after `prefix`). */
    signature?: { header: string; secret: string; prefix?: string };
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export function templateValues(m: OutgoingMessage, target: GatewayTarget): Record<TemplateField, string> {
  return {
    to: m.to,
    toInternational: internationalNumber(m.to),
    text: m.text,
    category: m.category,
    clientRef: clientRef(m),
    callbackUrl: callbackUrl('http', m),
    runId: m.runId,
    seq: String(m.seq),
    apiKey: target.apiKey,
    baseUrl: target.baseUrl,
  };
}

/** Fills `{{field}}` placeholders, each value passed through `escape`. Unknown names throw (the schema check names them first). */
export function renderTemplate(template: string, values: Record<string, string>, escape: (v: string, name: string) => string): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`unknown template field {{${name}}}`);
    return escape(v, name);
  });
}

/** In a URL every value is percent-encoded except the base URL the URL starts from. */
function urlEscape(v: string, name: string): string {
  return name === 'baseUrl' ? v : encodeURIComponent(v);
}

/** The placeholder names a template uses (for validation). */
export function templateFields(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) out.push(m[1] as string);
  return out;
}

const ESCAPES: Record<'json' | 'form' | 'text', (v: string) => string> = {
  json: (v) => JSON.stringify(v),
  form: (v) => encodeURIComponent(v),
  text: (v) => v,
};

export function httpAdapter(target: GatewayTarget, config: HttpGatewayConfig): GatewayAdapter {
  const r = config.request;
  const accepted = new Set(r.accepted ?? [200, 201, 202]);
  const bodyFormat = r.bodyFormat ?? 'json';
  const contentType = { json: 'application/json', form: 'application/x-www-form-urlencoded', text: 'text/plain; charset=utf-8' }[bodyFormat];
  return {
    name: 'http',
    request: (m: OutgoingMessage) => {
      const values = templateValues(m, target);
      const headers: Record<string, string> = {};
      if (r.body !== undefined) headers['Content-Type'] = contentType;
      for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = renderTemplate(v, values, ESCAPES.text);
      return {
        method: r.method,
        url: renderTemplate(r.url, values, urlEscape),
        body: r.body === undefined ? null : renderTemplate(r.body, values, ESCAPES[bodyFormat]),
        headers,
        name: `${r.method} ${r.url.replace(PLACEHOLDER, '{$1}')}`,
      };
    },
    accepted: (a: GatewayAnswer) => accepted.has(a.status),
  };
}
