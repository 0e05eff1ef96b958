// A deliberately broken SLA, to prove the gate says NO-GO: docomo turns into
// a black hole (accepts submits, never delivers) a few seconds into an OTP
// run, so docomo's OTPs never reach a handset and otp_on_time falls far
// below 99 %. `denpa run scenarios/broken-otp-blackhole.ts` must exit 99 and
// its report must name `otp_on_time`. Not part of the release suite.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';
import { faultAt, injectFault } from './lib/faults.ts';
import { rate, steadyArrivals } from './lib/settings.ts';

const otpRate = rate(10);

export const options: Options = {
  scenarios: {
    otp: steadyArrivals('otp', otpRate, 15),
    docomo_black_hole: faultAt(3, 'docomoBlackHole'),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    otp_on_time: ['rate>=0.99'],
    ...integritySlas,
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp');
}

export async function docomoBlackHole(): Promise<void> {
  await injectFault('docomo', 'black_hole', 60);
}
