// Sending traffic from VU code: one message of a category per call, with the
// probe token appended and the run's bookkeeping attached.
//
// The bodies and recipients come from the run's fixture (fixture.ts), read
// once through SharedArray: VUs never load faker. Each message gets a
// sequence number unique in the run, `lane * LANE_SPAN + iterationInTest`,
// so two scenarios of one script never collide; it goes into the probe
// token and into client_ref as `<runId>-<seq>`.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import { withProbe } from '../../src/probe/index.ts';
import type { FixtureMessage, TrafficFixture } from './fixture.ts';
import { settings } from './settings.ts';

export type Category = 'otp' | 'notice' | 'dunning' | 'promotion';

/** Sequence numbers per lane; 12 lanes fit the probe's 36^5 limit. */
export const LANE_SPAN = 5_000_000;
export const LANES = 12;

/** Acceptances (202), tagged {category, deliverable}: the denominator of the delivery metrics. */
export const messagesAccepted = new Counter('messages_accepted');

function pool(category: Category): FixtureMessage[] {
  // One SharedArray per category; k6 runs the callback once and shares the result.
  return new SharedArray(`denpa-${category}`, () => {
    const fixture = JSON.parse(open(settings.fixture)) as TrafficFixture;
    const list = fixture.messages[category];
    if (!list || list.length === 0) throw new Error(`fixture ${settings.fixture} has no ${category} messages`);
    return list;
  }) as unknown as FixtureMessage[];
}

const pools: Record<Category, FixtureMessage[]> = {
  otp: pool('otp'),
  notice: pool('notice'),
  dunning: pool('dunning'),
  promotion: pool('promotion'),
};

const headers = {
  'Content-Type': 'application/json',
  Authorization: `Bearer ${settings.apiKey}`,
};

export function sequenceNumber(lane: number): number {
  if (!Number.isInteger(lane) || lane < 0 || lane >= LANES) throw new Error(`lane must be an integer in [0, ${LANES}), got ${lane}`);
  const n = exec.scenario.iterationInTest;
  if (n >= LANE_SPAN) throw new Error(`lane ${lane} ran out of sequence numbers (${LANE_SPAN})`);
  return lane * LANE_SPAN + n;
}

/**
 * Sends one message of `category` through the gateway's POST /v1/messages.
 * Returns whether it was accepted (202).
 */
export async function sendMessage(category: Category, lane: number): Promise<boolean> {
  const seq = sequenceNumber(lane);
  const list = pools[category];
  const entry = list[seq % list.length] as FixtureMessage;
  const text = withProbe(entry.text, { runId: settings.runId, seq, category, sentAtMs: Date.now() });
  const body = JSON.stringify({
    to: entry.to,
    text,
    category,
    client_ref: `${settings.runId}-${seq}`,
    callback_url: `${settings.sinkUrl}/callbacks/${settings.runId}`,
  });
  const res = await http.asyncRequest('POST', `${settings.coreUrl}/v1/messages`, body, {
    headers,
    tags: { category, name: 'POST /v1/messages' },
  });
  const accepted = check(res, { 'message accepted (202)': (r) => r.status === 202 }, { category });
  if (accepted) messagesAccepted.add(1, { category, deliverable: entry.deliverable ? 'true' : 'false' });
  return accepted;
}
