// OTPs to ported numbers: every recipient has moved from the carrier its
// prefix names (number portability), so a gateway that routes by prefix
// alone sends each one to an SMSC that refuses it (ESME_RINVDSTADR). The
// gateway must find the serving carrier (a number lookup) and still get
// every OTP to its handset within 10 s. Notices to any recipient run
// alongside, as real traffic mixes them.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(20);
const noticeRate = rate(5);

export const options: Options = {
  scenarios: {
    otp_ported: steadyArrivals('otp', otpRate, 20),
    notice: steadyArrivals('notice', noticeRate, 20),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    'http_req_duration{category:otp}': ['p(95)<300', 'p(99)<1000'],
    checks: ['rate>0.99'],
    otp_on_time: ['rate>=0.99'],
    'delivery_latency{category:otp}': ['p(95)<5000'],
    'callback_latency{category:otp}': ['p(95)<5000'],
    ...integritySlas,
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp', { recipients: 'ported' });
}

export async function notice(): Promise<void> {
  await sendMessage('notice');
}
