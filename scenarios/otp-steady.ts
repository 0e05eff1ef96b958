// Steady OTP traffic: the everyday load of two-factor logins. Every OTP must
// reach its handset within 10 s of the request, the API must answer fast,
// its sender must hear its final status soon after (the status callback,
// request -> the sink's receipt of it), and nothing may be lost, doubled or
// garbled. 40/s is as much as the local core's links carry without OTPs
// queueing behind each other (30 submit_sm/s per carrier, local-stack.ts);
// the callback sender's own ceiling is measured by bench/callbacks.ts.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(40);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 30),
  },
  thresholds: {
    'http_req_duration{category:otp}': ['p(95)<300', 'p(99)<1000'],
    'http_req_failed{category:otp}': ['rate<0.01'],
    checks: ['rate>0.99'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:otp}': ['p(95)<5000'],
    // Delivery plus the receipt plus the callback: about 0.7 s more than delivery_latency at p95 here.
    // No p(99): the slowest 1 % are handsets the simulator reaches late (their
    // callbacks leave within 0.1 s of the final state), a tail delivery_latency
    // does not limit at p(99) either.
    'callback_latency{category:otp}': ['p(95)<3000'],
    ...integritySlas,
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}
