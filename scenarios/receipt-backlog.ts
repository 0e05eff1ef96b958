// Receipt delays and a receipt backlog: every carrier's delivery receipts
// come seconds late, and au holds all receipts for 15 s then releases them
// in a burst. Handset delivery is not affected, so OTPs stay on time; the
// gateway must match every late receipt, report each final status once and
// lose nothing.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { faultAt, injectFault, patchProfile } from './lib/faults.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);
const noticeRate = rate(10);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 30),
    notice: steadyArrivals('notice', noticeRate, 30),
    au_receipt_backlog: faultAt(8, 'auReceiptBacklog'),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_duration{category:otp}': ['p(99)<1000'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:notice}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<30000'],
    ...integritySlas,
  },
};

export async function setup(): Promise<void> {
  // Receipts a few seconds behind the handset, with a long tail.
  for (const carrier of ['docomo', 'au', 'softbank'] as const) {
    await patchProfile(carrier, { receipts: { delay: { kind: 'lognormal', p50: 2_000, p99: 8_000 } } });
  }
}

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function notice(): Promise<void> {
  await sendMessage('notice');
}

export async function auReceiptBacklog(): Promise<void> {
  await injectFault('au', 'receipt_backlog', 15);
}
