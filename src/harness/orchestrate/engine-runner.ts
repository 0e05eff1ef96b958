// One door to both engines: the built-in engine (Node, the embedded
// default) and the real k6. Both return k6's handleSummary data shape; the
// harness judges that, not the engine's exit code (delivery thresholds are
// judged after the run, which neither engine can do).
import { findK6, runScenarioOnK6, type K6Progress } from '../k6-binary/index.ts';
import { runScript, type ProgressSnapshot } from '../engine/index.ts';
import { RunFailure } from '../../runtime/index.ts';
import type { K6Summary } from '../run-result/index.ts';

export type EngineName = 'builtin' | 'k6';
export type EngineChoice = EngineName | 'auto';

/** What either engine reports while it runs, reduced to what the progress line shows. */
export interface EngineProgress {
  elapsedMs: number;
  totalMs?: number;
  targetRate?: number;
  achievedRate?: number;
  inFlight?: number;
  errors?: number;
}

export interface EngineRunInput {
  scenarioPath: string;
  env: Record<string, string>;
  /** Where engine files (bundles, k6 logs) go. */
  workDir: string;
  onProgress?: (p: EngineProgress) => void;
  /** Script console output and iteration errors (built-in engine). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface EngineRunOutput {
  engine: EngineName;
  summary: K6Summary;
  /** The engine's own exit code (0, 99, ...): informative only. */
  engineExitCode: number;
}

/**
 * `auto` means k6 when it is installed, else the built-in engine. Pass
 * `preferBuiltin` where the embedded default should not depend on what is
 * installed (the release gate): then auto = builtin.
 */
export async function resolveEngine(choice: EngineChoice, preferBuiltin = false): Promise<EngineName> {
  if (choice !== 'auto') return choice;
  if (preferBuiltin) return 'builtin';
  const k6 = await findK6();
  return k6.state === 'found' ? 'k6' : 'builtin';
}

function fromK6Progress(p: K6Progress): EngineProgress {
  const rate = p.scenarios.reduce((sum, s) => sum + (s.itersPerSecond ?? 0), 0);
  return { elapsedMs: p.elapsedMs, inFlight: p.activeVus, ...(rate > 0 ? { achievedRate: rate } : {}) };
}

function fromBuiltinProgress(p: ProgressSnapshot): EngineProgress {
  return {
    elapsedMs: p.elapsedMs,
    totalMs: p.totalMs,
    ...(p.targetRate !== null ? { targetRate: p.targetRate } : {}),
    achievedRate: p.achievedRate,
    inFlight: p.inFlight,
    errors: p.errors,
  };
}

/** An engine error carrying k6's exit code becomes a one-line RunFailure with that code. */
function asRunFailure(err: unknown): unknown {
  if (err instanceof RunFailure || !(err instanceof Error)) return err;
  const code = (err as { exitCode?: unknown }).exitCode;
  return typeof code === 'number' && code > 0 ? new RunFailure(err.message, code) : err;
}

export async function runEngine(engine: EngineName, input: EngineRunInput): Promise<EngineRunOutput> {
  try {
    return await runOn(engine, input);
  } catch (err) {
    throw asRunFailure(err);
  }
}

async function runOn(engine: EngineName, input: EngineRunInput): Promise<EngineRunOutput> {
  if (engine === 'k6') {
    const r = await runScenarioOnK6({
      scenarioPath: input.scenarioPath,
      env: input.env,
      outDir: input.workDir,
      ...(input.onProgress ? { onProgress: (p: K6Progress) => input.onProgress?.(fromK6Progress(p)) } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    return { engine, summary: r.summary as unknown as K6Summary, engineExitCode: r.exitCode };
  }
  const r = await runScript({
    scriptPath: input.scenarioPath,
    env: input.env,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: (p: ProgressSnapshot) => input.onProgress?.(fromBuiltinProgress(p)) } : {}),
    log: (line) => input.log?.(line),
  });
  if (r.exitCode !== 0 && r.exitCode !== 99) {
    // 105 aborted from outside, 107 script exception (setup threw), 108 test.abort(): no verdict to judge.
    const firstError = r.summary.denpa?.errors?.[0];
    throw new RunFailure(`the built-in engine stopped the run (exit ${r.exitCode})${firstError ? `: ${JSON.stringify(firstError).slice(0, 200)}` : ''}`, r.exitCode);
  }
  return { engine, summary: r.summary as unknown as K6Summary, engineExitCode: r.exitCode };
}
