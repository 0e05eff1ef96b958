// runScript: bundle a k6 script, initialise VUs, run setup, the scenarios,
// teardown and handleSummary, and return k6's summary data with an exit code.
// Problems that stop a run from being made (bundling, unsupported API,
// invalid options, a threshold on an unknown metric, init code throwing) are
// thrown as typed errors carrying their k6 exit code; everything else returns.

import { type Clock, SystemClock } from '../../runtime/index.ts';
import { checkAgainstTypes, evaluateThreshold, parseThresholds, percentilesNeeded, type MetricThresholds, ThresholdSyntaxError } from '../thresholds/index.ts';
import { bundleScript } from './bundle.ts';
import { parseDuration } from './duration.ts';
import { EXIT_CODE, EngineConfigError, type EngineExitCode, ScriptInitError, TestAbortedError, UnsupportedApiError } from './errors.ts';
import { ScenarioRun, type ScenarioHost } from './executor.ts';
import { ConnectionPool } from './connection-pool.ts';
import { MetricRegistry, warmUpIntervalClose } from './metric-registry.ts';
import { initialVUs, plannedScenarioMs, resolveOptions, type ResolvedOptions } from './options.ts';
import { type ProgressSnapshot, progressSnapshot } from './progress.ts';
import { type EngineResult, type RunEnd, type ScenarioReport, type SummaryData, buildSummary } from './result.ts';
import { defineBuiltinMetrics, type EngineRuntime, GroupTree } from './runtime.ts';
import { Vu } from './vu.ts';

export interface RunScriptOptions {
  readonly scriptPath: string;
  /** `__ENV` of every VU (scenario `env` is added on top). */
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to the system clock with sub-millisecond `now()`. */
  readonly clock?: Clock;
  /** Called once per second with live figures. */
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Multiplies durations, startTimes, stage durations and maxDuration. */
  readonly durationScale?: number;
  /** Aborting stops the run at once (exit 105, as k6 on an external abort). */
  readonly signal?: AbortSignal;
  /** Where iteration errors and script failures are logged (default: stderr). */
  readonly log?: (line: string) => void;
  /**
   * Keep-alive connections per origin (default 256). Requests beyond it wait
   * in the client (the wait counts in http_req_blocked, as in k6, and in
   * http_req_duration_intended); opening thousands of
   * sockets at once overflows the server's listen backlog and costs 1-3 s SYN retries.
   */
  readonly maxConnectionsPerOrigin?: number;
}

export type HandleSummaryOutput = Record<string, string | ArrayBuffer>;

export interface RunScriptResult {
  readonly summary: SummaryData;
  readonly exitCode: EngineExitCode;
  /** What the script's handleSummary() returned (undefined when it has none or it threw). */
  readonly handleSummaryOutput: HandleSummaryOutput | undefined;
  /** The mergeable raw result. */
  readonly result: EngineResult;
}

/** The system clock, but `now()` with sub-millisecond precision (performance.now). */
export function preciseSystemClock(): Clock {
  const sys = new SystemClock();
  return { now: () => performance.timeOrigin + performance.now(), setTimeout: (fn, ms) => sys.setTimeout(fn, ms), clearTimeout: (h) => sys.clearTimeout(h) };
}

const THRESHOLD_EVERY_INTERVALS = 2; // k6 evaluates thresholds every 2 s
const MAX_DISTINCT_ERRORS = 20;
const MAX_ERROR_LOG_LINES = 20;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runScript(opts: RunScriptOptions): Promise<RunScriptResult> {
  const clock = opts.clock ?? preciseSystemClock();
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = { ...(opts.env ?? {}) };
  const script = await bundleScript(opts.scriptPath);

  const registry = new MetricRegistry(clock.now());
  const builtin = defineBuiltinMetrics(registry);
  const connections = new ConnectionPool({ keepAliveTimeoutMs: 30_000, connections: opts.maxConnectionsPerOrigin ?? 256, now: () => clock.now() });
  let closed = false;
  let end: RunEnd = { state: 'completed' };
  let errorCount = 0;
  let loggedErrors = 0;
  const errors = new Map<string, number>();
  const scenarioRuns: ScenarioRun[] = [];
  const abortAll = (): void => {
    for (const r of scenarioRuns) r.abort();
  };
  const abort = (by: 'threshold' | 'script' | 'signal', reason: string): void => {
    if (end.state === 'aborted') return;
    end = { state: 'aborted', by, reason, atMs: rt.runStartMs ? clock.now() - rt.runStartMs : 0 };
    abortAll();
  };
  let optionsForExec: unknown;

  const rt: EngineRuntime = {
    registry,
    builtin,
    now: () => clock.now(),
    connections,
    groups: new GroupTree(),
    sharedArrays: new Map(),
    scriptDir: script.scriptDir,
    get options() {
      return optionsForExec;
    },
    stats: { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 },
    runStartMs: 0,
    emit(metric, value, tags) {
      if (!closed) registry.add(metric, value, tags, clock.now());
    },
    countError() {
      errorCount++;
    },
    abortTest(reason) {
      abort('script', reason || 'exec.test.abort() called');
    },
    expectedStatus: null,
  };

  let nextVuId = 0;
  const newVu = (scenarioEnv: Readonly<Record<string, string>>): Vu => {
    const id = nextVuId++;
    try {
      const vu = new Vu(rt, script, id, { ...env, ...scenarioEnv });
      if (id > 0) rt.stats.vusInitialized++;
      return vu;
    } catch (err) {
      if (err instanceof UnsupportedApiError || err instanceof EngineConfigError) throw err;
      throw new ScriptInitError(`${opts.scriptPath}: init code threw in VU ${id}: ${describe(err)}`);
    }
  };

  try {
    // The setup VU (id 0) also tells us the options, as k6's first init run does.
    const setupVu = newVu({});
    optionsForExec = setupVu.exports.options ?? {};
    const resolved: ResolvedOptions = resolveOptions(optionsForExec, opts.durationScale ?? 1);
    let thresholds: MetricThresholds[];
    try {
      thresholds = parseThresholds((optionsForExec as { thresholds?: unknown }).thresholds);
    } catch (err) {
      if (err instanceof ThresholdSyntaxError) throw new EngineConfigError(err.message);
      throw err;
    }
    for (const d of thresholds) registry.addSubmetric(d.metric);
    for (const s of resolved.scenarios) {
      if (typeof setupVu.exports[s.exec] !== 'function') {
        throw new EngineConfigError(`scenario "${s.name}": exec "${s.exec}" is not an exported function of ${opts.scriptPath}`);
      }
    }

    // Initialise every planned VU before the start, as k6 does.
    const host = (s: (typeof resolved.scenarios)[number]): ScenarioHost => ({
      clock,
      get runStartMs() {
        return rt.runStartMs;
      },
      get setupData() {
        return setupData;
      },
      newVu: () => {
        const vu = newVu(s.env);
        rt.emit(builtin.vus_max, rt.stats.vusInitialized, {});
        return vu;
      },
      enter: (vu, startMs) => vu.enterScenario(s, resolved.tags, startMs),
      dropped: () => rt.emit(builtin.dropped_iterations, 1, { ...resolved.tags, ...s.tags, scenario: s.name }),
      initFailed: (err) => {
        errorCount++;
        log(`VU init failed during the run [scenario ${s.name}]: ${describe(err)}`);
      },
      outcome: (_vu, outcome) => {
        rt.stats.iterationsCompleted++;
        if (outcome.state !== 'failed') return;
        const err = outcome.error;
        if (err instanceof TestAbortedError) return; // the run's end already says so
        if (err instanceof UnsupportedApiError) {
          abort('script', err.message);
          unsupported = err;
          return;
        }
        errorCount++;
        const msg = describe(err);
        if (errors.has(msg) || errors.size < MAX_DISTINCT_ERRORS) errors.set(msg, (errors.get(msg) ?? 0) + 1);
        if (loggedErrors++ < MAX_ERROR_LOG_LINES) log(`iteration error [scenario ${s.name}]: ${msg}`);
      },
    });
    let setupData: string | undefined;
    let unsupported: UnsupportedApiError | undefined;
    for (const s of resolved.scenarios) {
      const vus: Vu[] = [];
      for (let i = 0; i < initialVUs(s); i++) vus.push(newVu(s.env));
      scenarioRuns.push(new ScenarioRun(s, host(s), vus));
    }
    const problems = checkAgainstTypes(thresholds, (name) => registry.typeOf(name));
    if (problems.length > 0) throw new EngineConfigError(problems.join('; '));

    const onAbortSignal = (): void => abort('signal', 'stopped from outside');
    if (opts.signal?.aborted) onAbortSignal();
    opts.signal?.addEventListener('abort', onAbortSignal, { once: true });

    let scriptError: string | undefined;
    const exported = setupVu.exports;
    setupVu.state.scenarioTags = { ...resolved.tags };
    if (typeof exported.setup === 'function' && (end as RunEnd).state !== 'aborted') {
      setupVu.state.phase = 'setup';
      setupVu.state.groupPath = '::setup';
      try {
        const data: unknown = await (exported.setup as () => unknown)();
        setupData = data === undefined ? undefined : JSON.stringify(data);
      } catch (err) {
        scriptError = `setup() threw: ${describe(err)}`;
        log(scriptError);
      }
      setupVu.state.groupPath = '';
    }

    warmUpIntervalClose();
    rt.runStartMs = clock.now();
    registry.begin(rt.runStartMs);
    rt.emit(builtin.vus_max, rt.stats.vusInitialized, {});
    const totalMs = Math.max(0, ...resolved.scenarios.map((s) => s.startTimeMs + plannedScenarioMs(s)));
    const startedBefore = new Map<string, number>();
    let tickCount = 0;
    let tickTimer: ReturnType<Clock['setTimeout']> | undefined;
    const progress = (now: number): void => {
      if (opts.onProgress) {
        // A throwing progress callback must not stop the interval clock.
        try {
          opts.onProgress(progressSnapshot({ registry, runs: scenarioRuns, startedBefore, nowMs: now, runStartMs: rt.runStartMs, totalMs, errors: errorCount, vusActive: rt.stats.vusActive, vusMax: rt.stats.vusInitialized }));
        } catch (err) {
          log(`onProgress threw: ${describe(err)}`);
        }
      }
      for (const r of scenarioRuns) startedBefore.set(r.scenario.name, r.started);
    };
    const tick = (): void => {
      const now = clock.now();
      rt.stats.vusActive = scenarioRuns.reduce((a, r) => a + r.activeVus, 0);
      rt.emit(builtin.vus, rt.stats.vusActive, {});
      registry.closeInterval(now);
      tickCount++;
      if (tickCount % THRESHOLD_EVERY_INTERVALS === 0) checkAbortThresholds(thresholds, registry, resolved, now - rt.runStartMs, abort);
      progress(now);
      tickTimer = clock.setTimeout(tick, rt.runStartMs + (tickCount + 1) * 1000 - clock.now());
    };
    if (scriptError === undefined) {
      tickTimer = clock.setTimeout(tick, 1000);
      await Promise.all(scenarioRuns.map((r) => r.run()));
      clock.clearTimeout(tickTimer);
    }
    const runEndMs = clock.now();
    rt.stats.iterationsInterrupted = scenarioRuns.reduce((a, r) => a + r.interrupted, 0);

    if (scriptError === undefined && typeof exported.teardown === 'function') {
      setupVu.state.phase = 'teardown';
      setupVu.state.groupPath = '::teardown';
      try {
        await (exported.teardown as (d: unknown) => unknown)(setupData === undefined ? undefined : JSON.parse(setupData));
      } catch (err) {
        scriptError = `teardown() threw: ${describe(err)}`;
        log(scriptError);
      }
      setupVu.state.groupPath = '';
    }
    rt.emit(builtin.vus, 0, {});
    registry.closeInterval(clock.now());
    // A last snapshot at the end (totals as of the final interval).
    progress(clock.now());
    closed = true;
    opts.signal?.removeEventListener('abort', onAbortSignal);

    const scenarios: Record<string, ScenarioReport> = {};
    for (const r of scenarioRuns) {
      scenarios[r.scenario.name] = { executor: r.scenario.executor, planned: r.planned, started: r.started, completed: r.completed, dropped: r.dropped, interrupted: r.interrupted };
    }
    const result: EngineResult = {
      startedAtMs: rt.runStartMs,
      durationMs: runEndMs - rt.runStartMs,
      metrics: registry.snapshot(),
      intervals: registry.intervalRecords(),
      rootGroup: rt.groups.summary(),
      scenarios,
      end,
      errors: [...errors.entries()].map(([message, count]) => ({ message, count })),
    };
    const summary = buildSummary(result, { summaryTrendStats: resolved.summaryTrendStats, thresholds, isStdOutTTY: Boolean(process.stdout.isTTY), isStdErrTTY: Boolean(process.stderr.isTTY) });

    let handleSummaryOutput: HandleSummaryOutput | undefined;
    if (typeof exported.handleSummary === 'function') {
      setupVu.state.phase = 'summary';
      try {
        const out: unknown = await (exported.handleSummary as (d: unknown) => unknown)(summary);
        handleSummaryOutput = validateSummaryOutput(out);
      } catch (err) {
        summary.denpa.handleSummaryError = describe(err);
        log(`handleSummary() failed: ${describe(err)}`);
      }
    }

    const endState = end as RunEnd;
    let exitCode: EngineExitCode = EXIT_CODE.OK;
    if (unsupported) throw unsupported;
    if (endState.state === 'aborted' && endState.by === 'script') exitCode = EXIT_CODE.SCRIPT_ABORTED;
    else if (endState.state === 'aborted' && endState.by === 'signal') exitCode = EXIT_CODE.EXTERNAL_ABORT;
    else if (scriptError !== undefined) exitCode = EXIT_CODE.SCRIPT_EXCEPTION;
    else if (summary.denpa.failedThresholds.length > 0 || (endState.state === 'aborted' && endState.by === 'threshold')) exitCode = EXIT_CODE.THRESHOLDS_FAILED;
    return { summary, exitCode, handleSummaryOutput, result };
  } finally {
    closed = true;
    abortAll();
    await connections.close();
  }
}

/** Abort the run if an abortOnFail threshold fails (past its delayAbortEval); empty sinks are skipped, as in k6. */
function checkAbortThresholds(defs: readonly MetricThresholds[], registry: MetricRegistry, resolved: ResolvedOptions, elapsedMs: number, abort: (by: 'threshold', reason: string) => void): void {
  for (const d of defs) {
    const abortable = d.thresholds.filter((t) => t.abortOnFail && elapsedMs >= (t.delayAbortEval ? parseDuration(t.delayAbortEval, `thresholds["${d.metric.key}"].delayAbortEval`) : 0));
    if (abortable.length === 0) continue;
    const sink = registry.totalSink(d.metric.key);
    if (!sink || sink.count === 0) continue;
    const values = sink.values(elapsedMs, [...resolved.summaryTrendStats, ...percentilesNeeded(defs, d.metric.key)]);
    for (const t of abortable) {
      if (!evaluateThreshold(t.expression, values)) {
        abort('threshold', `threshold "${t.expression.source}" on ${d.metric.key} failed (abortOnFail)`);
        return;
      }
    }
  }
}

function validateSummaryOutput(out: unknown): HandleSummaryOutput | undefined {
  if (out === undefined || out === null) return undefined;
  if (typeof out !== 'object' || Array.isArray(out)) throw new TypeError('handleSummary() must return an object of {stdout|stderr|<path>: string}');
  const result: HandleSummaryOutput = {};
  for (const [k, v] of Object.entries(out as Record<string, unknown>)) {
    if (typeof v === 'string' || v instanceof ArrayBuffer) result[k] = v;
    else throw new TypeError(`handleSummary() returned a ${typeof v} for "${k}"; expected a string or ArrayBuffer`);
  }
  return result;
}
