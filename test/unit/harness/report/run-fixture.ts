// A realistic RunResult built the way a run builds one: per-interval
// histograms recorded with hdr-histogram-js, delivery metrics computed from
// synthetic ledger probes, the verdict from judgeRun. Deterministic (seeded).
import * as hdr from 'hdr-histogram-js';
import { SeededRandom } from '../../../../src/runtime/index.ts';
import { computeDeliveryMetrics, type LedgerProbe } from '../../../../src/harness/delivery/index.ts';
import { judgeRun } from '../../../../src/harness/judge/index.ts';
import {
  RUN_RESULT_SCHEMA,
  type IntervalSample,
  type K6Summary,
  type RunResult,
  type ThresholdSpec,
} from '../../../../src/harness/run-result/index.ts';

export const FIXTURE_START = Date.UTC(2026, 10, 25, 3, 0, 0);

function histogram(): hdr.Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
}

export interface FixtureOptions {
  seconds?: number;
  ratePerSecond?: number;
  /** Carrier whose handsets receive nothing (black hole) for the whole run. */
  blackHole?: 'docomo' | 'au' | 'softbank';
  thresholds?: Record<string, ThresholdSpec[]>;
}

export const DEFAULT_THRESHOLDS: Record<string, ThresholdSpec[]> = {
  http_req_duration: ['p(95)<500', 'p(99)<800'],
  'http_req_duration{category:otp}': ['p(99)<800'],
  http_req_failed: ['rate<0.01'],
  dropped_iterations: ['count==0'],
  otp_on_time: [{ threshold: 'rate>=0.95', abortOnFail: false }],
  messages_lost: ['count==0'],
  messages_duplicated: ['count==0'],
  'delivery_latency{category:otp}': ['p(95)<5000'],
};

export function buildRunResult(options: FixtureOptions = {}): RunResult {
  const seconds = options.seconds ?? 20;
  const rate = options.ratePerSecond ?? 50;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const random = new SeededRandom(42);
  const total = histogram();
  const intended = histogram();
  const otp = histogram();
  const intervals: IntervalSample[] = [];
  const probes: LedgerProbe[] = [];
  const carriers = ['docomo', 'au', 'softbank'] as const;
  const categories = ['otp', 'otp', 'notice', 'promotion'] as const;
  let seq = 0;
  let otpCount = 0;
  for (let s = 0; s < seconds; s++) {
    const interval = histogram();
    const intervalIntended = histogram();
    // A slow patch in the middle, where the fault window sits.
    const slow = s >= 8 && s < 12 ? 4 : 1;
    for (let i = 0; i < rate; i++) {
      const ms = (20 + random.next() * 30) * slow + (random.next() < 0.01 ? 300 : 0);
      const us = Math.round(ms * 1000);
      interval.recordValue(us);
      total.recordValue(us);
      // from the intended start: the slow patch also delays later starts
      const lateUs = Math.round((slow > 1 ? i * 2 : 0) * 1000);
      intervalIntended.recordValue(us + lateUs);
      intended.recordValue(us + lateUs);
      const category = categories[seq % categories.length] as (typeof categories)[number];
      if (category === 'otp') {
        otp.recordValue(us);
        otpCount++;
      }
      const carrier = carriers[seq % 3] as (typeof carriers)[number];
      const sentAt = FIXTURE_START + s * 1000 + i * (1000 / rate);
      const blackHoled = carrier === options.blackHole;
      probes.push({
        seq,
        category,
        carrier,
        sentAt,
        arrivedAt: sentAt + ms,
        handsetAt: blackHoled ? null : sentAt + ms + 200 + random.next() * 800 * slow,
        finalState: blackHoled ? null : 'DELIVRD',
        deliveries: blackHoled ? 0 : 1,
        intact: true,
      });
      seq++;
    }
    intervals.push({
      t: s * 1000,
      durationMs: 1000,
      counts: { iterations: rate, http_reqs: rate, http_req_failed: 0, dropped_iterations: 0, messages_accepted: rate },
      histograms: { http_req_duration: hdr.encodeIntoCompressedBase64(interval), http_req_duration_intended: hdr.encodeIntoCompressedBase64(intervalIntended) },
    });
  }
  const trend = (h: hdr.Histogram): Record<string, number> => ({
    avg: h.mean / 1000,
    min: h.minNonZeroValue / 1000,
    med: h.getValueAtPercentile(50) / 1000,
    max: h.maxValue / 1000,
    'p(90)': h.getValueAtPercentile(90) / 1000,
    'p(95)': h.getValueAtPercentile(95) / 1000,
    'p(99)': h.getValueAtPercentile(99) / 1000,
  });
  const n = seq;
  const summary: K6Summary = {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], thresholds },
    state: { testRunDurationMs: seconds * 1000, isStdOutTTY: false, isStdErrTTY: false },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: n, rate: n / seconds } },
      iterations: { type: 'counter', contains: 'default', values: { count: n, rate: n / seconds } },
      http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: n } },
      http_req_duration: { type: 'trend', contains: 'time', values: trend(total) },
      http_req_duration_intended: { type: 'trend', contains: 'time', values: trend(intended) },
      'http_req_duration{category:otp}': { type: 'trend', contains: 'time', values: trend(otp) },
      messages_accepted: { type: 'counter', contains: 'default', values: { count: n, rate: n / seconds } },
      'messages_accepted{category:otp,deliverable:true}': { type: 'counter', contains: 'default', values: { count: otpCount, rate: otpCount / seconds } },
      'messages_accepted{category:otp}': { type: 'counter', contains: 'default', values: { count: otpCount, rate: otpCount / seconds } },
    },
    denpa: {
      engine: 'builtin',
      intervals,
      histograms: {
        http_req_duration: hdr.encodeIntoCompressedBase64(total),
        http_req_duration_intended: hdr.encodeIntoCompressedBase64(intended),
        'http_req_duration{category:otp}': hdr.encodeIntoCompressedBase64(otp),
      },
    },
  };
  const delivery = computeDeliveryMetrics({
    accepted: { total: n, otpDeliverable: otpCount, byCategory: { otp: otpCount }, otpDeliverableSource: 'deliverable-submetric' },
    probes,
    callbacks: {
      received: n,
      duplicates: 0,
      outOfOrder: 0,
      seqs: probes.map((p) => ({ seq: p.seq, status: p.handsetAt === null ? 'expired' : 'delivered', arrivedAt: (p.handsetAt ?? p.sentAt + 30_000) + 50 })),
      sink: { badSignatures: 0 },
    },
    durationMs: seconds * 1000,
  });
  const verdict = judgeRun({ summary, delivery });
  return {
    schema: RUN_RESULT_SCHEMA,
    runId: options.blackHole ? 'BH01' : 'OK01',
    scenario: options.blackHole ? 'otp-black-hole' : 'otp-steady',
    engine: 'builtin',
    startedAt: FIXTURE_START,
    endedAt: FIXTURE_START + seconds * 1000 + 1500,
    durationScale: 1,
    summary,
    delivery,
    verdict,
    faults: [{ carrier: options.blackHole ?? 'docomo', kind: options.blackHole ? 'black_hole' : 'slow_answers', startsAt: FIXTURE_START + 8000, endsAt: FIXTURE_START + 12_000, params: { delayMs: 150 } }],
    target: { coreUrl: 'http://127.0.0.1:8080', simUrl: 'http://127.0.0.1:8775', sinkUrl: 'http://127.0.0.1:8790' },
    environment: { node: 'v20.19.0', platform: 'linux', arch: 'x64', cpus: 2, hostname: 'ci', denpaVersion: '0.1.0', external: false },
    exitCode: verdict.outcome === 'pass' ? 0 : 99,
  };
}
