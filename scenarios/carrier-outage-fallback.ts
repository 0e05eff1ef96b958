// A carrier outage with a fallback route: docomo refuses binds and drops its
// sessions for 20 s of a 30 s run while OTPs and promotions keep coming. A
// provider that bought a second route (an aggregator reaching every
// carrier's subscribers) sends the OTPs through it within seconds of the
// outage, so they stay on time; promotions are not worth the second route's
// price or its TPS cap and wait in their lane until docomo's own links are
// back, then go out. Nothing is lost; a submit whose answer died with the
// dropped sessions is sent again (at-least-once), at most one per bind at
// this traffic.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { faultAt, injectFault } from './lib/faults.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);
const promotionRate = rate(5);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 30),
    promotion: steadyArrivals('promotion', promotionRate, 30),
    docomo_outage: faultAt(6, 'docomoOutage'),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_failed{category:promotion}': ['rate<0.01'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{carrier:au}': ['p(95)<5000'],
    'delivery_latency{carrier:softbank}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<5000'],
    // The fallback route carried docomo's OTPs; no promotion took it.
    'messages_via_aggregator{category:otp}': ['count>0'],
    'messages_via_aggregator{category:promotion}': ['count==0'],
    // Promotions held during the outage reached their handsets after it
    // (judged on recipients whose handsets can take a message).
    'delivered_share{category:promotion}': ['rate>=0.99'],
    ...integritySlas,
    // docomo's two binds drop with at most one submit each on the wire at this traffic: each is sent again once.
    messages_duplicated: ['count<=2'],
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function promotion(): Promise<void> {
  await sendMessage('promotion');
}

export async function docomoOutage(): Promise<void> {
  await injectFault('docomo', 'outage', 20);
}
