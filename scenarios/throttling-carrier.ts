// A throttling carrier: SoftBank caps the account at 20 submit_sm per second
// and answers some submits with ESME_RTHROTTLED besides. The gateway must
// back off and retry without losing or doubling anything, and OTPs to every
// carrier must stay on time.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { patchProfile } from './lib/faults.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);
const noticeRate = rate(15);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 30),
    notice: steadyArrivals('notice', noticeRate, 30),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_duration{category:otp}': ['p(99)<1000'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:otp}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<5000'],
    ...integritySlas,
  },
};

export async function setup(): Promise<void> {
  await patchProfile('softbank', {
    throttle: { perCarrierTps: 20 },
    errors: [{ status: 'ESME_RTHROTTLED', rate: 0.05 }],
  });
}

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function notice(): Promise<void> {
  await sendMessage('notice');
}
