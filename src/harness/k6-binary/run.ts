// Running a bundled scenario on the real k6 and taking its end-of-test data.
//
//   k6 run --no-usage-report --address '' --include-system-env-vars=false
//          --log-format json -e KEY=VALUE ... -e DENPA_SUMMARY_FILE=<outDir>/k6-summary.json
//          <script>
//
// The envelope's handleSummary (envelope.ts) writes k6's data to that file;
// we read it and return it in the harness's summary shape. Not
// --summary-export: its threshold flags are inverted (true = failed).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MetricContains } from '../run-result/index.ts';
import type { MetricType } from '../thresholds/index.ts';
import { findK6, describeK6Lookup, type K6Version } from './binary.ts';
import { bundleForK6 } from './bundle.ts';
import { ENV_SUMMARY_FILE } from './envelope.ts';
import { K6Error } from './errors.ts';
import { k6Outcome, type K6Outcome } from './exit-code.ts';
import { K6ProgressParser, type K6Progress } from './progress.ts';
import { readK6Samples, type K6Interval } from './samples.ts';

/** The env var scenarios read to scale their durations (scenarios/lib/settings.ts). */
export const ENV_DURATION_SCALE = 'DURATION_SCALE';
export const SUMMARY_FILE_NAME = 'k6-summary.json';
export const LOG_FILE_NAME = 'k6.log';
/** k6's per-sample JSON output, read into per-second intervals and then deleted. */
export const SAMPLES_FILE_NAME = 'k6-samples.json.gz';
/** After SIGINT k6 stops VUs and still runs handleSummary; then it is killed. */
const KILL_GRACE_MS = 30_000;

/** A metric in k6's handleSummary data. */
export interface K6Metric {
  type: MetricType;
  contains: MetricContains;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** What the k6 engine adds to the summary (`data.denpa`). */
export interface K6Extras {
  engine: 'k6';
  k6Version: string;
  /** k6's own exit code (0, 99 or 110 when a summary exists). */
  k6ExitCode: number;
  /** Per-second counts and latency histograms (µs), in the report's interval shape; absent with `samples: false`. */
  intervals?: K6Interval[];
  /** Whole-run HdrHistograms (compressed base64, µs) of http_req_duration and iteration_duration. */
  histograms?: Record<string, string>;
  /** Why the per-second figures are missing, when they are. */
  samplesError?: string;
}

/** k6's handleSummary data, the same shape the built-in engine returns. */
export interface K6RunSummary {
  root_group: unknown;
  /** k6's summary options plus every threshold the scenario declared (lists). */
  options: Record<string, unknown> & { thresholds?: Record<string, unknown[]> };
  state: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  metrics: Record<string, K6Metric>;
  setup_data?: unknown;
  denpa: K6Extras;
}

export interface RunK6Options {
  /** A script bundled by bundleForK6 (the envelope must be in it). */
  scriptPath: string;
  /** The run's __ENV (CORE_URL, SIM_URL, SINK_URL, RUN_ID, FIXTURE, ...). */
  env: Record<string, string>;
  /** Where k6-summary.json and k6.log go; created if missing. */
  outDir: string;
  /** Sets __ENV.DURATION_SCALE (scenarios scale their own durations by it). */
  durationScale?: number;
  onProgress?: (progress: K6Progress) => void;
  /** A k6 found earlier; otherwise findK6() is asked. */
  k6?: { path: string; version: K6Version };
  /** Wall-clock bound; k6 is interrupted (SIGINT, then SIGKILL) after it. Default 2 h. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** More `k6 run` arguments, e.g. ['--out', 'experimental-prometheus-rw']. */
  extraArgs?: string[];
  /**
   * Collect per-second figures for the report's over-time charts from k6's
   * JSON output (default true). k6 then writes every sample (gzipped, about
   * 0.5 kB per iteration before compression): turn it off for long runs at
   * thousands of iterations per second.
   */
  samples?: boolean;
}

export interface K6RunResult {
  summary: K6RunSummary;
  /** denpa's meaning: 0 every k6 threshold held, 99 one failed (or test.fail()). */
  exitCode: 0 | 99;
  outcome: Extract<K6Outcome, { state: 'passed' | 'failed' }>;
  summaryFile: string;
  logFile: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `k6 run` argument list. Pure. */
export function k6RunArgs(scriptPath: string, env: Record<string, string>, extraArgs: readonly string[] = []): string[] {
  const args = ['run', '--no-usage-report', '--address', '', '--include-system-env-vars=false', '--log-format', 'json', '--no-color'];
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_NAME.test(key)) throw new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', `env name ${JSON.stringify(key)} is not a valid __ENV key ([A-Za-z_][A-Za-z0-9_]*)`);
    args.push('-e', `${key}=${value}`);
  }
  return [...args, ...extraArgs, scriptPath];
}

/** The run's env with the harness's own keys set. Pure. */
export function k6RunEnv(env: Record<string, string>, summaryFile: string, durationScale?: number): Record<string, string> {
  const out: Record<string, string> = { ...env, [ENV_SUMMARY_FILE]: summaryFile };
  if (durationScale !== undefined) {
    if (!Number.isFinite(durationScale) || durationScale <= 0) {
      throw new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', `durationScale must be a positive number, got ${durationScale}`);
    }
    out[ENV_DURATION_SCALE] = String(durationScale);
  }
  return out;
}

/** k6's error lines (JSON log format) reduced to their messages. */
export function k6ErrorMessages(logLines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of logLines) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) out.push(entry.error ? `${entry.msg}: ${entry.error}` : entry.msg);
    } catch {
      // not a log line (k6 prints some plain text on stderr too)
    }
  }
  return out;
}

/** The process environment for k6: ours, minus K6_* settings that would change the run behind our back. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('K6_')) env[k] = v;
  env.K6_NO_USAGE_REPORT = 'true';
  return env;
}

/** Runs a bundled script on k6 and returns its end-of-test data. */
export async function runK6(opts: RunK6Options): Promise<K6RunResult> {
  const k6 = opts.k6 ?? (await requireK6());
  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const summaryFile = join(outDir, SUMMARY_FILE_NAME);
  const logFile = join(outDir, LOG_FILE_NAME);
  await rm(summaryFile, { force: true });
  const samplesFile = join(outDir, SAMPLES_FILE_NAME);
  await rm(samplesFile, { force: true });
  const collectSamples = opts.samples ?? true;
  const env = k6RunEnv(opts.env, summaryFile, opts.durationScale);
  const args = k6RunArgs(resolve(opts.scriptPath), env, [...(collectSamples ? ['--out', `json=${samplesFile}`] : []), ...(opts.extraArgs ?? [])]);

  const log = createWriteStream(logFile);
  const parser = new K6ProgressParser();
  const stderrTail: string[] = [];
  let stderrPartial = '';
  const child = spawn(k6.path, args, { cwd: outDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    log.write(chunk);
    for (const p of parser.push(chunk)) opts.onProgress?.(p);
  });
  child.stderr.on('data', (chunk: string) => {
    log.write(chunk);
    const lines = (stderrPartial + chunk).split('\n');
    stderrPartial = lines.pop() ?? '';
    stderrTail.push(...lines);
    if (stderrTail.length > 200) stderrTail.splice(0, stderrTail.length - 200);
  });

  let stopReason: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const interrupt = (reason: string): void => {
    if (stopReason !== undefined || child.exitCode !== null) return;
    stopReason = reason;
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  };
  const timeoutMs = opts.timeoutMs ?? 2 * 60 * 60 * 1000;
  const timer = setTimeout(() => interrupt(`k6 ran longer than ${timeoutMs} ms`), timeoutMs);
  const onAbort = (): void => interrupt('the run was cancelled');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', (err) => fail(new K6Error('HARNESS_ERR_K6_FAILED', `cannot start ${k6.path}: ${err.message}`)));
    child.once('close', (c, s) => done([c, s]));
  }).finally(() => {
    clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  });
  if (stderrPartial !== '') stderrTail.push(stderrPartial);
  for (const p of parser.end()) opts.onProgress?.(p);
  await new Promise<void>((done) => log.end(done));

  const outcome = k6Outcome(code, signal);
  if (stopReason !== undefined) {
    throw new K6Error(stopReason.startsWith('k6 ran longer') ? 'HARNESS_ERR_K6_TIMEOUT' : 'HARNESS_ERR_K6_INTERRUPTED', `${stopReason} (k6 exit ${code ?? signal}); log: ${logFile}`, code ?? undefined);
  }
  if (outcome.state === 'broken') {
    const why = k6ErrorMessages(stderrTail).at(-1);
    throw new K6Error(outcome.code, `${outcome.reason}${why ? `: ${why}` : ''}; log: ${logFile}`, code ?? undefined);
  }

  let text: string;
  try {
    text = await readFile(summaryFile, 'utf8');
  } catch {
    const why = k6ErrorMessages(stderrTail).at(-1);
    throw new K6Error('HARNESS_ERR_K6_NO_SUMMARY', `k6 exited ${code} but wrote no end-of-test data to ${summaryFile} (is the script bundled by denpa? did handleSummary throw?)${why ? `: ${why}` : ''}`, code ?? undefined);
  }
  const data = JSON.parse(text) as Omit<K6RunSummary, 'denpa'>;
  const denpa: K6Extras = { engine: 'k6', k6Version: k6.version.text, k6ExitCode: code ?? -1 };
  if (collectSamples) {
    try {
      const samples = await readK6Samples(samplesFile);
      denpa.intervals = samples.intervals;
      denpa.histograms = samples.histograms;
    } catch (err) {
      denpa.samplesError = `cannot read ${samplesFile}: ${(err as Error).message}`;
    }
    await rm(samplesFile, { force: true });
  }
  const summary: K6RunSummary = { ...data, denpa };
  return { summary, exitCode: outcome.exitCode, outcome, summaryFile, logFile };
}

async function requireK6(): Promise<{ path: string; version: K6Version }> {
  const lookup = await findK6();
  if (lookup.state !== 'found') throw new K6Error('HARNESS_ERR_K6_NOT_FOUND', describeK6Lookup(lookup));
  return lookup;
}

export interface RunScenarioOnK6Options extends Omit<RunK6Options, 'scriptPath'> {
  scenarioPath: string;
}

/** Bundles a scenario into `<outDir>/k6-script.js` and runs it on k6. */
export async function runScenarioOnK6(opts: RunScenarioOnK6Options): Promise<K6RunResult> {
  const { scenarioPath, ...rest } = opts;
  const bundled = await bundleForK6(scenarioPath, join(resolve(opts.outDir), 'k6-script.js'));
  return runK6({ ...rest, scriptPath: bundled.outFile });
}
