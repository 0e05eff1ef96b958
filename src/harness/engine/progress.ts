// The live figures handed to `onProgress` once per second, and a one-line
// rendering the orchestrator can print.

import type { ScenarioRun } from './executor.ts';
import type { MetricRegistry } from './metric-registry.ts';

export interface ScenarioProgress {
  readonly name: string;
  readonly executor: string;
  readonly state: string;
  /** Target iterations/s now (arrival-rate executors), else null. */
  readonly targetRate: number | null;
  /** Iterations started in the last second. */
  readonly achievedRate: number;
  readonly started: number;
  readonly completed: number;
  readonly dropped: number;
  readonly inFlight: number;
}

export interface ProgressSnapshot {
  readonly elapsedMs: number;
  /** Planned length of the run (longest startTime + duration), without graceful stops. */
  readonly totalMs: number;
  readonly targetRate: number | null;
  readonly achievedRate: number;
  readonly inFlight: number;
  readonly vus: number;
  readonly vusMax: number;
  readonly iterations: number;
  readonly droppedIterations: number;
  readonly httpReqs: number;
  /** Failed requests (http_req_failed) and failed iterations. */
  readonly errors: number;
  /** Totals of every counter metric (built-in and custom), e.g. `messages_accepted`. */
  readonly counters: Readonly<Record<string, number>>;
  readonly scenarios: readonly ScenarioProgress[];
}

export interface ProgressInput {
  readonly registry: MetricRegistry;
  readonly runs: readonly ScenarioRun[];
  /** `started` of each scenario at the previous snapshot. */
  readonly startedBefore: ReadonlyMap<string, number>;
  readonly nowMs: number;
  readonly runStartMs: number;
  readonly totalMs: number;
  readonly errors: number;
  readonly vusActive: number;
  readonly vusMax: number;
}

export function progressSnapshot(p: ProgressInput): ProgressSnapshot {
  const scenarios = p.runs.map((r): ScenarioProgress => ({
    name: r.scenario.name,
    executor: r.scenario.executor,
    state: r.phase.state,
    targetRate: r.targetRate(p.nowMs),
    achievedRate: r.started - (p.startedBefore.get(r.scenario.name) ?? 0),
    started: r.started,
    completed: r.completed,
    dropped: r.dropped,
    inFlight: r.inFlight,
  }));
  const counters: Record<string, number> = {};
  for (const name of p.registry.names()) {
    const m = p.registry.get(name);
    if (m?.type === 'counter') counters[name] = m.main.total.sum;
  }
  const targets = scenarios.filter((s) => s.targetRate !== null);
  return {
    elapsedMs: p.nowMs - p.runStartMs,
    totalMs: p.totalMs,
    targetRate: targets.length ? targets.reduce((a, s) => a + (s.targetRate ?? 0), 0) : null,
    achievedRate: scenarios.reduce((a, s) => a + s.achievedRate, 0),
    inFlight: scenarios.reduce((a, s) => a + s.inFlight, 0),
    vus: p.vusActive,
    vusMax: p.vusMax,
    iterations: counters.iterations ?? 0,
    droppedIterations: counters.dropped_iterations ?? 0,
    httpReqs: counters.http_reqs ?? 0,
    errors: p.errors,
    counters,
    scenarios,
  };
}

/** `12s/60s  rate 998/1000/s  in flight 3  vus 10/20  iters 11,980  dropped 0  errors 0`. */
export function formatProgress(s: ProgressSnapshot): string {
  const sec = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const rate = s.targetRate === null ? `${s.achievedRate}/s` : `${s.achievedRate}/${Math.round(s.targetRate)}/s`;
  return `${sec(s.elapsedMs)}/${sec(s.totalMs)}  rate ${rate}  in flight ${s.inFlight}  vus ${s.vus}/${s.vusMax}  iters ${s.iterations.toLocaleString('en-US')}  dropped ${s.droppedIterations}  errors ${s.errors}`;
}
