// Kannel's smsbox: GET /cgi-bin/sendsms (Kannel user guide, "Sending SMS
// messages"). Text goes as UTF-8 with coding=2 (UCS-2 on the air: Japanese
// needs it). smsbox answers 202 "0: Accepted for delivery" or
// "3: Queued for later delivery"; anything else (403 "Authorization failed
// for sendsms", 400 …) is a refusal.
//
// Delivery reports: dlr-mask 19 = 1 (delivered to phone) + 2 (not
// delivered to phone) + 16 (not delivered to SMSC): the final states only,
// so an intermediate report can never arrive after a final one. smsbox
// fetches dlr-url with Kannel's escapes filled in: %d the report type,
// %A the SMSC's receipt text ("id:… stat:EXPIRED …", which tells expired
// from undeliverable), %I Kannel's message id, %i the smsc-id (the
// carrier). Run id and seq are in the path, so Kannel's ids are never
// needed to correlate.
//
//   GET /cgi-bin/sendsms?username=denpa&password=…&to=819012345678
//       &text=%E8%AA%8D…&charset=UTF-8&coding=2&dlr-mask=19
//       &dlr-url=http%3A%2F%2F127.0.0.1%3A8790%2Fcallbacks%2Fkannel%2FAB12%2F7%3Ftype%3D%25d…
//   -> 202 0: Accepted for delivery
//   later: GET /callbacks/kannel/AB12/7?type=1&smsc=docomo&id=3f…&reply=id%3A…stat%3ADELIVRD…
import type { GatewayAdapter, GatewayTarget, OutgoingMessage } from './message.ts';
import { callbackUrl, credentials, formEncode, internationalNumber } from './message.ts';

/** Kannel's DLR types (the %d values), as its user guide defines the dlr-mask bits. */
export const KANNEL_DLR = { delivered: 1, notDelivered: 2, queuedOnSmsc: 4, acceptedBySmsc: 8, rejectedBySmsc: 16 } as const;
export const KANNEL_DLR_MASK = KANNEL_DLR.delivered | KANNEL_DLR.notDelivered | KANNEL_DLR.rejectedBySmsc;

/** The query smsbox fetches when a report arrives; Kannel substitutes the %-escapes. */
export const KANNEL_DLR_QUERY = 'type=%d&smsc=%i&id=%I&reply=%A';

export function kannelAdapter(target: GatewayTarget): GatewayAdapter {
  const { username, password } = credentials(target.apiKey);
  return {
    name: 'kannel',
    request: (m: OutgoingMessage) => ({
      method: 'GET',
      url: `${target.baseUrl}/cgi-bin/sendsms?${formEncode([
        ['username', username],
        ['password', password],
        ['to', internationalNumber(m.to)],
        ['text', m.text],
        ['charset', 'UTF-8'],
        ['coding', '2'],
        ['dlr-mask', String(KANNEL_DLR_MASK)],
        ['dlr-url', `${callbackUrl('kannel', m)}?${KANNEL_DLR_QUERY}`],
      ])}`,
      body: null,
      headers: {},
      name: 'GET /cgi-bin/sendsms',
    }),
    accepted: (a) => a.status === 202 && /^\s*[03]:/.test(a.body),
  };
}
