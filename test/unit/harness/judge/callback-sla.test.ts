import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { computeDeliveryMetrics, type LedgerProbe } from '../../../../src/harness/delivery/index.ts';
import { judgeRun } from '../../../../src/harness/judge/index.ts';
import { parseSuite } from '../../../../src/harness/orchestrate/suite.ts';
import type { K6Summary } from '../../../../src/harness/run-result/index.ts';

// Every scenario of the release suite limits how long an OTP's sender waits
// for its final status callback, and the limit is one a broken callback path
// breaks: no callback at all, or every callback only after the core's first
// attempt timed out (5 s) and its retry waited (0.5-1 s).

const suitePath = resolve('scenarios/suite.json');
const suite = parseSuite(JSON.parse(readFileSync(suitePath, 'utf8')), suitePath);
const KEY = 'callback_latency{category:otp}';

/** The scenario's p(95) limit on OTP callback latency, read from its thresholds line. */
function limitOf(file: string): number | undefined {
  const m = /'callback_latency\{category:otp\}': \['p\(95\)<(\d+)'/.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

function judge(limit: number, callbackAfterMs: number | null): { state: string; figure?: number | null } {
  const probes: LedgerProbe[] = Array.from({ length: 100 }, (_, seq) => ({ seq, category: 'otp', carrier: 'au', sentAt: seq * 50, handsetAt: seq * 50 + 800, deliveries: 1, intact: true }));
  const delivery = computeDeliveryMetrics({
    accepted: { total: 100, otpDeliverable: 100, byCategory: { otp: 100 }, otpDeliverableSource: 'deliverable-submetric' },
    probes,
    callbacks: {
      received: callbackAfterMs === null ? 0 : 100,
      duplicates: 0,
      outOfOrder: 0,
      seqs: callbackAfterMs === null ? [] : probes.map((p) => ({ seq: p.seq, status: 'delivered', arrivedAt: p.sentAt + callbackAfterMs })),
    },
  });
  const summary = { metrics: {}, options: { thresholds: { [KEY]: [`p(95)<${limit}`] } }, state: { testRunDurationMs: 5_000 } } as unknown as K6Summary;
  const [verdict] = judgeRun({ summary, delivery }).thresholds;
  return { state: verdict?.state ?? 'missing', ...(verdict && 'figure' in verdict ? { figure: verdict.figure } : {}) };
}

describe.each(suite.scenarios.map((file) => [file.split('/').pop() as string, file]))('%s', (_name, file) => {
  const limit = limitOf(file);

  it('limits OTP callback latency at p(95)', () => {
    expect(limit, `${file} has no ${KEY} p(95) threshold`).toBeGreaterThan(0);
  });

  it('holds for callbacks that follow the receipt (the healthy path)', () => {
    expect(judge(limit ?? 0, 1_000).state).toBe('passed');
  });

  it('breaks when no final callback ever comes', () => {
    expect(judge(limit ?? 0, null).state).toBe('unmeasured');
  });

  it('breaks when callbacks come far behind the receipts (a stuck or retrying sender)', () => {
    const late = judge(limit ?? 0, 2 * (limit ?? 0));
    expect(late.state).toBe('failed');
  });
});

describe('scenarios without a carrier fault', () => {
  it.each(['otp-steady.ts', 'otp-promotion-blast.ts', 'throttling-carrier.ts'])('%s: a first attempt timing out (5 s) before the retry breaks the limit', (name) => {
    const limit = limitOf(resolve('scenarios', name)) ?? 0;
    expect(judge(limit, 5_000 + 500 + 800).state).toBe('failed');
  });
});
