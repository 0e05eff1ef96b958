// A smoke test: a fixed number of OTPs (SMOKE_MESSAGES, default 40) sent as
// fast as 4 VUs manage, then judged on the integrity SLAs and the OTP
// on-time rate. The quickest way to see a stack work end to end; also what
// the harness's own loss test drives against a gateway that drops messages.
import type { Options } from 'k6/options';
import { sendMessage } from './lib/traffic.ts';
import { integritySlas } from './lib/delivery.ts';

const messages = Math.max(1, Math.floor(Number(__ENV.SMOKE_MESSAGES || '40')));

export const options: Options = {
  scenarios: {
    otp: {
      executor: 'shared-iterations',
      vus: 4,
      iterations: messages,
      maxDuration: '60s',
      exec: 'otp',
      tags: { category: 'otp' },
    },
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
