// What the engine's k6 module implementations share with the engine: the
// metric registry and its built-in metrics, the precise clock, the HTTP connections,
// the group tree of checks, SharedArrays; and the state of one VU.

import type { ConnectionPool } from './connection-pool.ts';
import type { MetricRegistry, LiveMetric, Tags } from './metric-registry.ts';
import { type CheckSummary, type GroupSummary, groupId } from './result.ts';
import type { Scenario } from './options.ts';

export interface BuiltinMetrics {
  readonly vus: LiveMetric;
  readonly vus_max: LiveMetric;
  readonly iterations: LiveMetric;
  readonly iteration_duration: LiveMetric;
  readonly iteration_duration_intended: LiveMetric;
  readonly dropped_iterations: LiveMetric;
  readonly data_sent: LiveMetric;
  readonly data_received: LiveMetric;
  readonly checks: LiveMetric;
  readonly group_duration: LiveMetric;
  readonly http_reqs: LiveMetric;
  readonly http_req_duration: LiveMetric;
  readonly http_req_duration_intended: LiveMetric;
  readonly http_req_blocked: LiveMetric;
  readonly http_req_connecting: LiveMetric;
  readonly http_req_tls_handshaking: LiveMetric;
  readonly http_req_sending: LiveMetric;
  readonly http_req_waiting: LiveMetric;
  readonly http_req_receiving: LiveMetric;
  readonly http_req_failed: LiveMetric;
}

export function defineBuiltinMetrics(r: MetricRegistry): BuiltinMetrics {
  const b: BuiltinMetrics = {
    vus: r.define('vus', 'gauge'),
    vus_max: r.define('vus_max', 'gauge'),
    iterations: r.define('iterations', 'counter'),
    iteration_duration: r.define('iteration_duration', 'trend', 'time'),
    iteration_duration_intended: r.define('iteration_duration_intended', 'trend', 'time'),
    dropped_iterations: r.define('dropped_iterations', 'counter'),
    data_sent: r.define('data_sent', 'counter', 'data'),
    data_received: r.define('data_received', 'counter', 'data'),
    checks: r.define('checks', 'rate'),
    group_duration: r.define('group_duration', 'trend', 'time'),
    http_reqs: r.define('http_reqs', 'counter'),
    http_req_duration: r.define('http_req_duration', 'trend', 'time'),
    http_req_duration_intended: r.define('http_req_duration_intended', 'trend', 'time'),
    http_req_blocked: r.define('http_req_blocked', 'trend', 'time'),
    http_req_connecting: r.define('http_req_connecting', 'trend', 'time'),
    http_req_tls_handshaking: r.define('http_req_tls_handshaking', 'trend', 'time'),
    http_req_sending: r.define('http_req_sending', 'trend', 'time'),
    http_req_waiting: r.define('http_req_waiting', 'trend', 'time'),
    http_req_receiving: r.define('http_req_receiving', 'trend', 'time'),
    http_req_failed: r.define('http_req_failed', 'rate'),
  };
  // k6 always reports this sub-metric.
  r.addSubmetric({ key: 'http_req_duration{expected_response:true}', name: 'http_req_duration', tags: { expected_response: 'true' } });
  return b;
}

interface GroupNode {
  readonly name: string;
  readonly path: string;
  readonly groups: Map<string, GroupNode>;
  readonly checks: Map<string, { passes: number; fails: number }>;
}

/** Groups and checks as k6's root_group reports them (path `::a::b`, id = md5(path)). */
export class GroupTree {
  private readonly root: GroupNode = { name: '', path: '', groups: new Map(), checks: new Map() };
  private readonly byPath = new Map<string, GroupNode>([['', this.root]]);

  private node(path: string): GroupNode {
    const found = this.byPath.get(path);
    if (found) return found;
    const cut = path.lastIndexOf('::');
    const parent = this.node(path.slice(0, cut));
    const n: GroupNode = { name: path.slice(cut + 2), path, groups: new Map(), checks: new Map() };
    parent.groups.set(n.name, n);
    this.byPath.set(path, n);
    return n;
  }

  /** Make sure a group exists (k6 lists groups even without checks). */
  touch(path: string): void {
    this.node(path);
  }

  recordCheck(groupPath: string, name: string, ok: boolean): void {
    const n = this.node(groupPath);
    let c = n.checks.get(name);
    if (!c) {
      c = { passes: 0, fails: 0 };
      n.checks.set(name, c);
    }
    if (ok) c.passes++;
    else c.fails++;
  }

  summary(): GroupSummary {
    const conv = (n: GroupNode): GroupSummary => ({
      name: n.name,
      path: n.path,
      id: groupId(n.path),
      groups: [...n.groups.values()].map(conv),
      checks: [...n.checks.entries()].map(([name, c]): CheckSummary => {
        const path = `${n.path}::${name}`;
        return { name, path, id: groupId(path), passes: c.passes, fails: c.fails };
      }),
    });
    return conv(this.root);
  }
}

export type VuPhase = 'init' | 'setup' | 'run' | 'teardown' | 'summary';

/** The mutable state of one VU, read by k6/execution and used to tag samples. */
export interface VuState {
  readonly idInTest: number;
  phase: VuPhase;
  scenario: Scenario | undefined;
  scenarioStartMs: number;
  iterationInScenario: number;
  iterationInInstance: number;
  /** Iteration number within the scenario across all VUs (exec.scenario.iterationInTest). */
  iterationInTest: number;
  groupPath: string;
  /** exec.vu.tags: writable by the script, added to every sample of this VU. */
  readonly tags: Record<string, string>;
  /** options.tags + scenario tags + scenario name: fixed per scenario. */
  scenarioTags: Tags;
  /** When the current iteration should have started and did start (ms epoch, precise). */
  intendedStartMs: number;
  startMs: number;
  /** Sleeps not awaited by the script: the iteration ends only after them. */
  readonly pendingSleeps: Set<Promise<void>>;
}

export function newVuState(idInTest: number): VuState {
  return {
    idInTest,
    phase: 'init',
    scenario: undefined,
    scenarioStartMs: 0,
    iterationInScenario: -1,
    iterationInInstance: -1,
    iterationInTest: -1,
    groupPath: '',
    tags: {},
    scenarioTags: {},
    intendedStartMs: 0,
    startMs: 0,
    pendingSleeps: new Set(),
  };
}

/** Tags of a sample emitted by a VU now: scenario tags, VU tags, group. */
export function vuTags(vu: VuState): Record<string, string> {
  return { ...vu.scenarioTags, ...vu.tags, group: vu.groupPath };
}

export interface InstanceStats {
  vusActive: number;
  vusInitialized: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
}

/** The engine side the k6 modules talk to. */
export interface EngineRuntime {
  readonly registry: MetricRegistry;
  readonly builtin: BuiltinMetrics;
  /** Precise wall time, ms since epoch (fractional). */
  now(): number;
  /** Keep-alive connections shared by all VUs, with timed dials. */
  readonly connections: ConnectionPool;
  readonly groups: GroupTree;
  readonly sharedArrays: Map<string, readonly unknown[]>;
  readonly scriptDir: string;
  /** The script's exported options (exec.test.options). */
  readonly options: unknown;
  readonly stats: InstanceStats;
  runStartMs: number;
  /** Record a sample unless the run has ended. */
  emit(metric: LiveMetric, value: number, tags: Tags): void;
  /** A failed request or iteration, for the live error count. */
  countError(): void;
  /** exec.test.abort(): stop the run, exit 108. */
  abortTest(reason: string): void;
  /** Default expected-response check (http.setResponseCallback). */
  expectedStatus: ((status: number) => boolean) | null;
}
