// A deliberately broken SLA, to prove the gate says NO-GO: docomo turns into
// a black hole (accepts submits, never delivers) a few seconds into an OTP
// run, so docomo's OTPs never reach a handset and otp_on_time falls far
// below 99 %. `denpa run scenarios/broken-otp-blackhole.ts` must exit 99 and
// its report must name `otp_on_time`. Not part of the release suite.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas, acceptanceCounts } from './lib/delivery.ts';
import { faultAt, injectFault } from './lib/faults.ts';
import { seconds, rate, vusFor } from './lib/settings.ts';

const otpRate = rate(10);

export const options: Options = {
  scenarios: {
    otp: {
      executor: 'constant-arrival-rate',
      rate: otpRate,
      timeUnit: '1s',
      duration: seconds(15),
      preAllocatedVUs: vusFor(otpRate),
      maxVUs: vusFor(otpRate) * 4,
      exec: 'otp',
      tags: { category: 'otp' },
    },
    docomo_black_hole: faultAt(3, 'docomoBlackHole'),
  },
  thresholds: {
    'http_req_failed{category:otp}': ['rate<0.01'],
    otp_on_time: ['rate>=0.99'],
    ...integritySlas,
    ...acceptanceCounts,
  },
};

export async function otp(): Promise<void> {
  await sendMessage('otp', 0);
}

export async function docomoBlackHole(): Promise<void> {
  await injectFault('docomo', 'black_hole', 60);
}
