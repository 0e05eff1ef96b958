// Sending traffic from VU code: one message of a category per call, with the
// probe token appended and the run's bookkeeping attached.
//
// The bodies and recipients come from the run's fixture (fixture.ts), read
// once through SharedArray: VUs never load faker. Each message gets a
// sequence number unique in the run, `lane * LANE_SPAN + iterationInTest`,
// with the lane the library assigns to the running k6 scenario (lanes.ts),
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
import { gatewayAdapter } from './gateway/index.ts';
import { laneSequence, scenarioLane } from './lanes.ts';
import type { Category } from '../../src/domain/index.ts';

export type { Category };

export { LANE_SPAN, LANES } from './lanes.ts';

/** Acceptances, tagged {category, deliverable}: the denominator of the delivery metrics. */
export const messagesAccepted = new Counter('messages_accepted');

// The same acceptances counted under a name of their own per category (and
// for OTPs to deliverable handsets). k6 reports a custom metric whenever it
// has samples, but a tagged sub-metric only when a threshold names it: with
// these, no scenario needs an always-true threshold to make the harness's
// denominators appear, and its SLA table lists only limits that can break.
const acceptedByCategory: Record<Category, Counter> = {
  otp: new Counter('messages_accepted_otp'),
  notice: new Counter('messages_accepted_notice'),
  dunning: new Counter('messages_accepted_dunning'),
  promotion: new Counter('messages_accepted_promotion'),
};
const acceptedOtpDeliverable = new Counter('messages_accepted_otp_deliverable');

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

/** How a message reaches the gateway under test (__ENV.GATEWAY, default denpa): see gateway/. */
const gateway = gatewayAdapter(settings.gateway, { baseUrl: settings.coreUrl, apiKey: settings.apiKey }, settings.gatewayConfig ? JSON.parse(settings.gatewayConfig) : undefined);

// Lanes by scenario name, worked out once per VU (the options never change during a run).
const lanes = new Map<string, number>();

function currentLane(): number {
  const name = exec.scenario.name;
  let lane = lanes.get(name);
  if (lane === undefined) {
    lane = scenarioLane(name, Object.keys(exec.test.options.scenarios ?? {}));
    lanes.set(name, lane);
  }
  return lane;
}

/** The seq of this iteration's message: unique in the run. */
export function sequenceNumber(): number {
  return laneSequence(currentLane(), exec.scenario.iterationInTest);
}

// Each category's entries to ported numbers, picked out on first use (a
// SharedArray has indices and a length, not filter).
const portedPools: Partial<Record<Category, FixtureMessage[]>> = {};

function portedPool(category: Category): FixtureMessage[] {
  let list = portedPools[category];
  if (!list) {
    const all = pools[category];
    list = [];
    for (let i = 0; i < all.length; i++) if ((all[i] as FixtureMessage).ported) list.push(all[i] as FixtureMessage);
    if (list.length === 0) throw new Error(`the fixture has no ${category} messages to ported numbers (was it written with --exclude-ported?)`);
    portedPools[category] = list;
  }
  return list;
}

export interface SendOptions {
  /** 'ported': only recipients whose number has moved carrier (number portability). Default: any recipient. */
  readonly recipients?: 'any' | 'ported';
}

/**
 * Sends one message of `category` through the gateway under test.
 * Returns whether the gateway accepted it.
 */
export async function sendMessage(category: Category, options: SendOptions = {}): Promise<boolean> {
  const seq = sequenceNumber();
  const list = options.recipients === 'ported' ? portedPool(category) : pools[category];
  const entry = list[seq % list.length] as FixtureMessage;
  const text = withProbe(entry.text, { runId: settings.runId, seq, category, sentAtMs: Date.now() });
  const req = gateway.request({ to: entry.to, text, category, runId: settings.runId, seq, sinkUrl: settings.sinkUrl });
  const res = await http.asyncRequest(req.method, req.url, req.body, { headers: req.headers, tags: { category, name: req.name } });
  const accepted = check(res, { 'message accepted': (r) => gateway.accepted({ status: r.status, body: typeof r.body === 'string' ? r.body : '' }) }, { category });
  if (accepted) {
    messagesAccepted.add(1, { category, deliverable: entry.deliverable ? 'true' : 'false' });
    acceptedByCategory[category].add(1);
    if (category === 'otp' && entry.deliverable) acceptedOtpDeliverable.add(1);
  }
  return accepted;
}
