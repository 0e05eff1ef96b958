// Jasmin's HTTP API (Jasmin docs, "HTTP API"): /send with username,
// password, to, and the text as hex-content with coding=8 (UCS-2: the
// documented way to send UTF-16 without relying on how `content` is
// decoded). Jasmin answers 200 `Success "<uuid>"`; every refusal is
// `Error "…"` with 400, 403, 412 or 500.
//
// dlr-level 3 asks for both the SMS-C level report (message_status ESME_ROK
// or the submit error) and the terminal one (DELIVRD, UNDELIV, EXPIRED …);
// dlr-method POST sends them as form fields. The sink answers each with the
// exact body ACK/Jasmin, or Jasmin would send it again.
//
//   POST /send  username=denpa&password=…&to=819012345678&coding=8
//       &hex-content=8a8d8a3c…&dlr=yes&dlr-url=http://127.0.0.1:8790/callbacks/jasmin/AB12/7
//       &dlr-level=3&dlr-method=POST
//   -> 200 Success "07033084-5cfd-4812-90a4-e4d24ffb6e3d"
import type { GatewayAdapter, GatewayTarget, OutgoingMessage } from './message.ts';
import { callbackUrl, credentials, formEncode, internationalNumber } from './message.ts';

/** UTF-16BE as hex: JavaScript strings are UTF-16 already, one code unit = 4 hex digits. */
export function utf16beHex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** Jasmin's queued message id from a `Success "<id>"` answer, or undefined. */
export function jasminMessageId(body: string): string | undefined {
  const m = /^Success "([^"]+)"/.exec(body.trim());
  return m ? m[1] : undefined;
}

export function jasminAdapter(target: GatewayTarget): GatewayAdapter {
  const { username, password } = credentials(target.apiKey);
  return {
    name: 'jasmin',
    request: (m: OutgoingMessage) => ({
      method: 'POST',
      url: `${target.baseUrl}/send`,
      body: formEncode([
        ['username', username],
        ['password', password],
        ['to', internationalNumber(m.to)],
        ['coding', '8'],
        ['hex-content', utf16beHex(m.text)],
        ['dlr', 'yes'],
        ['dlr-url', callbackUrl('jasmin', m)],
        ['dlr-level', '3'],
        ['dlr-method', 'POST'],
      ]),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      name: 'POST /send',
    }),
    accepted: (a) => a.status === 200 && jasminMessageId(a.body) !== undefined,
  };
}
