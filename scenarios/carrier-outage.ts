// A carrier outage in mid-run: docomo refuses binds and drops its sessions
// for 12 s while OTPs and notices keep coming. The gateway must keep
// accepting, hold docomo's messages until it can bind again (or, with a
// fallback route, as the local core has, send them through it), lose
// nothing, and keep au and SoftBank unaffected.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { faultAt, injectFault } from './lib/faults.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);
const noticeRate = rate(10);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 35),
    notice: steadyArrivals('notice', noticeRate, 35),
    docomo_outage: faultAt(10, 'docomoOutage'),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_failed{category:notice}': ['rate<0.01'],
    'http_req_duration{category:otp}': ['p(99)<1000'],
    'delivery_latency{carrier:au}': ['p(95)<5000'],
    'delivery_latency{carrier:softbank}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<30000'],
    ...integritySlas,
    // The outage drops docomo's sessions: a submit the simulator took but whose
    // answer died with the session is sent again when the link is back (SMPP
    // is at-least-once there; no gateway can tell). With traffic this light at
    // most one submit per bind is on the wire, so more than two per bind means
    // the gateway resent what was already answered.
    messages_duplicated: ['count<=4'],
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function notice(): Promise<void> {
  await sendMessage('notice');
}

export async function docomoOutage(): Promise<void> {
  await injectFault('docomo', 'outage', 12);
}
