// denpa's own API: POST /v1/messages with a bearer key, 202 when accepted;
// the final status comes back as a signed JSON POST carrying client_ref.
//
//   POST /v1/messages   Authorization: Bearer denpa-dev-key
//   {"to":"09012345678","text":"認証コードは…","category":"otp",
//    "client_ref":"AB12-7","callback_url":"http://127.0.0.1:8790/callbacks/AB12"}
//   -> 202 {"id":"…","status":"accepted",…}
import type { GatewayAdapter, GatewayTarget, OutgoingMessage } from './message.ts';
import { clientRef } from './message.ts';

export function denpaAdapter(target: GatewayTarget): GatewayAdapter {
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${target.apiKey}` };
  return {
    name: 'denpa',
    request: (m: OutgoingMessage) => ({
      method: 'POST',
      url: `${target.baseUrl}/v1/messages`,
      body: JSON.stringify({ to: m.to, text: m.text, category: m.category, client_ref: clientRef(m), callback_url: `${m.sinkUrl}/callbacks/${m.runId}` }),
      headers,
      name: 'POST /v1/messages',
    }),
    accepted: (a) => a.status === 202,
  };
}
