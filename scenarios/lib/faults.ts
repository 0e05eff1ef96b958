// Fault schedules: a scenario's one-iteration k6 scenario calls these at its
// startTime to change the simulator through its control API
// (POST /v1/faults, PATCH /v1/carriers/:carrier/profile).
import http from 'k6/http';
import { check } from 'k6';
import type { SharedIterationsScenario } from 'k6/options';
import { settings, millis, seconds } from './settings.ts';
import type { Carrier } from '../../src/domain/index.ts';

export type { Carrier };
export type FaultKind = 'refuse_binds' | 'drop_sessions' | 'black_hole' | 'slow_answers' | 'receipt_backlog' | 'outage';

const json = { 'Content-Type': 'application/json' };

/** Starts a fault now for `nominalSeconds` (scaled by DURATION_SCALE). */
export async function injectFault(carrier: Carrier, kind: FaultKind, nominalSeconds: number, params?: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ carrier, kind, durationMs: millis(nominalSeconds), ...(params ? { params } : {}) });
  const res = await http.asyncRequest('POST', `${settings.simUrl}/v1/faults`, body, { headers: json, tags: { category: 'control', name: 'POST /v1/faults' } });
  if (!check(res, { 'fault scheduled (201)': (r) => r.status === 201 })) {
    throw new Error(`simulator refused fault ${kind} on ${carrier}: ${res.status} ${String(res.body).slice(0, 200)}`);
  }
}

/** Changes a carrier's live profile (deep-merged by the simulator). */
export async function patchProfile(carrier: Carrier, patch: Record<string, unknown>): Promise<void> {
  const res = await http.asyncRequest('PATCH', `${settings.simUrl}/v1/carriers/${carrier}/profile`, JSON.stringify(patch), { headers: json, tags: { category: 'control', name: 'PATCH /v1/carriers/:carrier/profile' } });
  if (!check(res, { 'profile changed (200)': (r) => r.status === 200 })) {
    throw new Error(`simulator refused profile change on ${carrier}: ${res.status} ${String(res.body).slice(0, 200)}`);
  }
}

/**
 * A fault schedule as a k6 scenario: one iteration of `exec` at
 * `startNominalSeconds` (scaled by DURATION_SCALE). maxDuration is short so
 * the run's planned length is that of the traffic, not k6's 10-minute default.
 */
export function faultAt(startNominalSeconds: number, exec: string): SharedIterationsScenario {
  return { executor: 'shared-iterations', vus: 1, iterations: 1, startTime: seconds(startNominalSeconds), maxDuration: '10s', exec, tags: { category: 'control' } };
}
