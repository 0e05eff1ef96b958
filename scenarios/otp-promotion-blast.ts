// OTP during a promotion blast: a marketing campaign pushes long promotional
// SMS faster than the carriers' links take them, while logins keep sending
// OTPs. 30 promotions/s, 40 % of them long SMS (~4 segments on average),
// ask ~40 submit_sm/s of each carrier; the local core's links carry 30 per
// carrier (local-stack.ts), so promotions queue for the whole blast. The
// gateway must keep OTPs on time (they must overtake the queued
// promotions) and still deliver every promotion once the blast is over.
// Against a staging gateway with wider links, raise --rate-scale until the
// blast saturates them.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { seconds, rate, vusFor, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);
const blastRate = rate(30);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 35),
    blast: {
      executor: 'ramping-arrival-rate',
      startTime: seconds(5),
      startRate: 0,
      timeUnit: '1s',
      stages: [
        { target: blastRate, duration: seconds(3) },
        { target: blastRate, duration: seconds(15) },
        { target: 0, duration: seconds(2) },
      ],
      preAllocatedVUs: vusFor(blastRate),
      maxVUs: vusFor(blastRate) * 4,
      exec: 'promotion',
      tags: { category: 'promotion' },
    },
  },
  thresholds: {
    'http_req_duration{category:otp}': ['p(99)<1000'],
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_failed{category:promotion}': ['rate<0.01'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:otp}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<5000'],
    ...integritySlas,
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function promotion(): Promise<void> {
  await sendMessage('promotion');
}
