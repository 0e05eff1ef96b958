// runScript: bundle a k6 script, initialise VUs, run setup, the scenarios,
// teardown and handleSummary, and return k6's summary data with an exit code.
// Problems that stop a run from being made (bundling, unsupported API,
// invalid options, a threshold on an unknown metric, init code throwing) are
// thrown as typed errors carrying their k6 exit code; everything else returns.

import { type Clock, SystemClock } from '../../runtime/index.ts';
import { checkAgainstTypes, evaluateThreshold, parseThresholds, percentilesNeeded, type MetricThresholds, ThresholdSyntaxError } from '../thresholds/index.ts';
import { type BundledScript, bundleScript } from './bundle.ts';
import { runExitCode } from './exit-code.ts';
import { parseDuration } from './duration.ts';
import { EngineConfigError, type EngineExitCode, ScriptInitError, TestAbortedError, UnsupportedApiError } from './errors.ts';
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
  const run = new EngineRun(opts, await bundleScript(opts.scriptPath));
  try {
    run.init();
    await run.setup();
    await run.scenarios();
    await run.teardown();
    const { summary, result, handleSummaryOutput } = await run.summary();
    if (run.unsupported) throw run.unsupported;
    const exitCode = runExitCode({ end: run.end, scriptError: run.scriptError, failedThresholds: summary.denpa.failedThresholds.length });
    return { summary, exitCode, handleSummaryOutput, result };
  } finally {
    await run.close();
  }
}

/**
 * One run of a bundled script, phase by phase: init (options, thresholds,
 * the initial VUs), setup(), the scenarios with the 1 s interval clock,
 * teardown(), and the summary with handleSummary(). The fields are the state
 * the phases hand on to each other.
 */
class EngineRun {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly env: Record<string, string>;
  private readonly registry: MetricRegistry;
  private readonly builtin: EngineRuntime['builtin'];
  private readonly connections: ConnectionPool;
  private readonly rt: EngineRuntime;
  private readonly scenarioRuns: ScenarioRun[] = [];
  private readonly errors = new Map<string, number>();
  private closed = false;
  private errorCount = 0;
  private loggedErrors = 0;
  private nextVuId = 0;
  private optionsForExec: unknown;
  private setupData: string | undefined;
  private onAbortSignal: (() => void) | undefined;
  private runEndMs = 0;
  // Set by init(); the later phases only run after it.
  private setupVu!: Vu;
  private resolved!: ResolvedOptions;
  private thresholds!: MetricThresholds[];

  end: RunEnd = { state: 'completed' };
  /** setup() or teardown() threw: the message (the scenarios and teardown are skipped after setup). */
  scriptError: string | undefined;
  /** An iteration used an API the engine lacks: the run is aborted and this is thrown at the end. */
  unsupported: UnsupportedApiError | undefined;

  constructor(
    private readonly opts: RunScriptOptions,
    private readonly script: BundledScript,
  ) {
    this.clock = opts.clock ?? preciseSystemClock();
    this.log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    this.env = { ...(opts.env ?? {}) };
    this.registry = new MetricRegistry(this.clock.now());
    this.builtin = defineBuiltinMetrics(this.registry);
    this.connections = new ConnectionPool({ keepAliveTimeoutMs: 30_000, connections: opts.maxConnectionsPerOrigin ?? 256, now: () => this.clock.now() });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the runtime's getter and callbacks read the run's live state
    const run = this;
    this.rt = {
      registry: this.registry,
      builtin: this.builtin,
      now: () => this.clock.now(),
      connections: this.connections,
      groups: new GroupTree(),
      sharedArrays: new Map(),
      scriptDir: script.scriptDir,
      get options() {
        return run.optionsForExec;
      },
      stats: { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 },
      runStartMs: 0,
      emit: (metric, value, tags) => {
        if (!this.closed) this.registry.add(metric, value, tags, this.clock.now());
      },
      countError: () => {
        this.errorCount++;
      },
      abortTest: (reason) => {
        this.abort('script', reason || 'exec.test.abort() called');
      },
      expectedStatus: null,
    };
  }

  private abort(by: 'threshold' | 'script' | 'signal', reason: string): void {
    if (this.end.state === 'aborted') return;
    this.end = { state: 'aborted', by, reason, atMs: this.rt.runStartMs ? this.clock.now() - this.rt.runStartMs : 0 };
    for (const r of this.scenarioRuns) r.abort();
  }

  private newVu(scenarioEnv: Readonly<Record<string, string>>): Vu {
    const id = this.nextVuId++;
    try {
      const vu = new Vu(this.rt, this.script, id, { ...this.env, ...scenarioEnv });
      if (id > 0) this.rt.stats.vusInitialized++;
      return vu;
    } catch (err) {
      if (err instanceof UnsupportedApiError || err instanceof EngineConfigError) throw err;
      throw new ScriptInitError(`${this.opts.scriptPath}: init code threw in VU ${id}: ${describe(err)}`);
    }
  }

  /** Options, thresholds and every planned VU, before the start, as k6 does. */
  init(): void {
    // The setup VU (id 0) also tells us the options, as k6's first init run does.
    this.setupVu = this.newVu({});
    this.optionsForExec = this.setupVu.exports.options ?? {};
    this.resolved = resolveOptions(this.optionsForExec, this.opts.durationScale ?? 1);
    try {
      this.thresholds = parseThresholds((this.optionsForExec as { thresholds?: unknown }).thresholds);
    } catch (err) {
      if (err instanceof ThresholdSyntaxError) throw new EngineConfigError(err.message);
      throw err;
    }
    for (const d of this.thresholds) this.registry.addSubmetric(d.metric);
    for (const s of this.resolved.scenarios) {
      if (typeof this.setupVu.exports[s.exec] !== 'function') {
        throw new EngineConfigError(`scenario "${s.name}": exec "${s.exec}" is not an exported function of ${this.opts.scriptPath}`);
      }
    }
    for (const s of this.resolved.scenarios) {
      const vus: Vu[] = [];
      for (let i = 0; i < initialVUs(s); i++) vus.push(this.newVu(s.env));
      this.scenarioRuns.push(new ScenarioRun(s, this.host(s), vus));
    }
    const problems = checkAgainstTypes(this.thresholds, (name) => this.registry.typeOf(name));
    if (problems.length > 0) throw new EngineConfigError(problems.join('; '));

    this.onAbortSignal = (): void => this.abort('signal', 'stopped from outside');
    if (this.opts.signal?.aborted) this.onAbortSignal();
    this.opts.signal?.addEventListener('abort', this.onAbortSignal, { once: true });
  }

  private host(s: ResolvedOptions['scenarios'][number]): ScenarioHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host's getters read the run's live state
    const run = this;
    return {
      clock: this.clock,
      get runStartMs() {
        return run.rt.runStartMs;
      },
      get setupData() {
        return run.setupData;
      },
      newVu: () => {
        const vu = this.newVu(s.env);
        this.rt.emit(this.builtin.vus_max, this.rt.stats.vusInitialized, {});
        return vu;
      },
      enter: (vu, startMs) => vu.enterScenario(s, this.resolved.tags, startMs),
      dropped: () => this.rt.emit(this.builtin.dropped_iterations, 1, { ...this.resolved.tags, ...s.tags, scenario: s.name }),
      initFailed: (err) => {
        this.errorCount++;
        this.log(`VU init failed during the run [scenario ${s.name}]: ${describe(err)}`);
      },
      outcome: (_vu, outcome) => {
        this.rt.stats.iterationsCompleted++;
        if (outcome.state !== 'failed') return;
        const err = outcome.error;
        if (err instanceof TestAbortedError) return; // the run's end already says so
        if (err instanceof UnsupportedApiError) {
          this.abort('script', err.message);
          this.unsupported = err;
          return;
        }
        this.errorCount++;
        const msg = describe(err);
        if (this.errors.has(msg) || this.errors.size < MAX_DISTINCT_ERRORS) this.errors.set(msg, (this.errors.get(msg) ?? 0) + 1);
        if (this.loggedErrors++ < MAX_ERROR_LOG_LINES) this.log(`iteration error [scenario ${s.name}]: ${msg}`);
      },
    };
  }

  /** setup() on the setup VU; its data goes to every iteration as JSON, as in k6. */
  async setup(): Promise<void> {
    const exported = this.setupVu.exports;
    this.setupVu.state.scenarioTags = { ...this.resolved.tags };
    if (typeof exported.setup !== 'function' || this.end.state === 'aborted') return;
    this.setupVu.state.phase = 'setup';
    this.setupVu.state.groupPath = '::setup';
    try {
      const data: unknown = await (exported.setup as () => unknown)();
      this.setupData = data === undefined ? undefined : JSON.stringify(data);
    } catch (err) {
      this.scriptError = `setup() threw: ${describe(err)}`;
      this.log(this.scriptError);
    }
    this.setupVu.state.groupPath = '';
  }

  /** Every scenario at once, with the 1 s interval clock (vus, thresholds abortOnFail, progress). */
  async scenarios(): Promise<void> {
    const { clock, rt, registry } = this;
    warmUpIntervalClose();
    rt.runStartMs = clock.now();
    registry.begin(rt.runStartMs);
    rt.emit(this.builtin.vus_max, rt.stats.vusInitialized, {});
    if (this.scriptError === undefined) {
      let tickCount = 0;
      let tickTimer: ReturnType<Clock['setTimeout']> | undefined;
      const tick = (): void => {
        const now = clock.now();
        rt.stats.vusActive = this.scenarioRuns.reduce((a, r) => a + r.activeVus, 0);
        rt.emit(this.builtin.vus, rt.stats.vusActive, {});
        registry.closeInterval(now);
        tickCount++;
        if (tickCount % THRESHOLD_EVERY_INTERVALS === 0) checkAbortThresholds(this.thresholds, registry, this.resolved, now - rt.runStartMs, (by, reason) => this.abort(by, reason));
        this.progress(now);
        tickTimer = clock.setTimeout(tick, rt.runStartMs + (tickCount + 1) * 1000 - clock.now());
      };
      tickTimer = clock.setTimeout(tick, 1000);
      await Promise.all(this.scenarioRuns.map((r) => r.run()));
      clock.clearTimeout(tickTimer);
    }
    this.runEndMs = clock.now();
    rt.stats.iterationsInterrupted = this.scenarioRuns.reduce((a, r) => a + r.interrupted, 0);
  }

  private readonly startedBefore = new Map<string, number>();
  private totalMsCache: number | undefined;

  private progress(now: number): void {
    if (this.opts.onProgress) {
      this.totalMsCache ??= Math.max(0, ...this.resolved.scenarios.map((s) => s.startTimeMs + plannedScenarioMs(s)));
      // A throwing progress callback must not stop the interval clock.
      try {
        this.opts.onProgress(
          progressSnapshot({ registry: this.registry, runs: this.scenarioRuns, startedBefore: this.startedBefore, nowMs: now, runStartMs: this.rt.runStartMs, totalMs: this.totalMsCache, errors: this.errorCount, vusActive: this.rt.stats.vusActive, vusMax: this.rt.stats.vusInitialized }),
        );
      } catch (err) {
        this.log(`onProgress threw: ${describe(err)}`);
      }
    }
    for (const r of this.scenarioRuns) this.startedBefore.set(r.scenario.name, r.started);
  }

  /** teardown() with setup()'s data (skipped when setup threw), then the last interval and progress. */
  async teardown(): Promise<void> {
    const exported = this.setupVu.exports;
    if (this.scriptError === undefined && typeof exported.teardown === 'function') {
      this.setupVu.state.phase = 'teardown';
      this.setupVu.state.groupPath = '::teardown';
      try {
        await (exported.teardown as (d: unknown) => unknown)(this.setupData === undefined ? undefined : JSON.parse(this.setupData));
      } catch (err) {
        this.scriptError = `teardown() threw: ${describe(err)}`;
        this.log(this.scriptError);
      }
      this.setupVu.state.groupPath = '';
    }
    this.rt.emit(this.builtin.vus, 0, {});
    this.registry.closeInterval(this.clock.now());
    // A last snapshot at the end (totals as of the final interval).
    this.progress(this.clock.now());
    this.closed = true;
    if (this.onAbortSignal) this.opts.signal?.removeEventListener('abort', this.onAbortSignal);
  }

  /** The raw result, k6's summary data, and what handleSummary() made of it. */
  async summary(): Promise<{ summary: SummaryData; result: EngineResult; handleSummaryOutput: HandleSummaryOutput | undefined }> {
    const scenarios: Record<string, ScenarioReport> = {};
    for (const r of this.scenarioRuns) {
      scenarios[r.scenario.name] = { executor: r.scenario.executor, planned: r.planned, started: r.started, completed: r.completed, dropped: r.dropped, interrupted: r.interrupted };
    }
    const result: EngineResult = {
      startedAtMs: this.rt.runStartMs,
      durationMs: this.runEndMs - this.rt.runStartMs,
      metrics: this.registry.snapshot(),
      intervals: this.registry.intervalRecords(),
      rootGroup: this.rt.groups.summary(),
      scenarios,
      end: this.end,
      errors: [...this.errors.entries()].map(([message, count]) => ({ message, count })),
    };
    const summary = buildSummary(result, { summaryTrendStats: this.resolved.summaryTrendStats, thresholds: this.thresholds, isStdOutTTY: Boolean(process.stdout.isTTY), isStdErrTTY: Boolean(process.stderr.isTTY) });

    let handleSummaryOutput: HandleSummaryOutput | undefined;
    const exported = this.setupVu.exports;
    if (typeof exported.handleSummary === 'function') {
      this.setupVu.state.phase = 'summary';
      try {
        const out: unknown = await (exported.handleSummary as (d: unknown) => unknown)(summary);
        handleSummaryOutput = validateSummaryOutput(out);
      } catch (err) {
        summary.denpa.handleSummaryError = describe(err);
        this.log(`handleSummary() failed: ${describe(err)}`);
      }
    }
    return { summary, result, handleSummaryOutput };
  }

  /** Whatever phase the run stopped in: no more samples, every scenario stopped, sockets closed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.scenarioRuns) r.abort();
    await this.connections.close();
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
