// `denpa gate`: the release suite, one release-judgement sheet.
//
//   simulator + sink started once (locally) ─▶ for each scenario: denpa run
//   (simulator reset, a fresh core with a fresh data dir)
//   ─▶ judgeGate over the runs and the committed baselines (reports/baselines/)
//   ─▶ reports/gate-<stamp>/ gate.json + the sheet (GO / NO-GO) ─▶ exit 0 / 99
//
// A scenario that could not be run is NO-GO with its reason; the gate goes
// on with the others so the sheet shows everything that is known.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RunFailure, type Clock } from '../../runtime/index.ts';
import { gateExitCode, judgeGate, readBaselines, writeBaseline, DEFAULT_BASELINE_DIR, type GateSheet } from '../judge/index.ts';
import type { RunResult } from '../run-result/index.ts';
import { renderGateSheet } from '../report/index.ts';
import { resolveRunOptions, type RunOptionsInput } from './run-options.ts';
import { runScenario } from './run.ts';
import { readSuite, DEFAULT_SUITE } from './suite.ts';
import { startSharedServices } from './local-stack.ts';
import { deploymentLabel, resolveDeployment } from './deployment.ts';

export interface GateOptions {
  suite?: string;
  baselineDir?: string;
  updateBaseline?: boolean;
  /** Whether a regression against the baseline alone makes NO-GO (default true); false lists them only. */
  regressionsBlock?: boolean;
  /** Run options shared by every scenario (engine, seed, durationScale, out, target, ...). */
  run: Omit<RunOptionsInput, 'scenario' | 'runId'>;
  clock: Clock;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface GateOutcome {
  sheet: GateSheet;
  sheetDir: string;
  exitCode: 0 | 99;
  runs: RunResult[];
  elapsedMs: number;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

export async function runGate(o: GateOptions): Promise<GateOutcome> {
  const started = o.clock.now();
  const suite = await readSuite(resolve(o.suite ?? DEFAULT_SUITE));
  // A bad --core-nodes/--store combination is one exit-2 line before anything starts, not six not-run scenarios.
  resolveDeployment({ coreNodes: o.run.coreNodes, store: o.run.store, gateway: o.run.gateway ?? 'denpa', external: o.run.target !== undefined });
  const baselineDir = resolve(o.baselineDir ?? DEFAULT_BASELINE_DIR);
  const runs: RunResult[] = [];
  const notRun: Array<{ scenario: string; reason: string }> = [];
  // Locally the simulator and the sink start once for the whole suite (reset
  // before each run); every scenario still gets a fresh core and data dir.
  const sheetDir = resolve(o.run.out ?? 'reports', `gate-${stamp(started)}`);
  const shared = o.run.target ? undefined : await startSharedServices({ seed: o.run.seed ?? 1, logDir: join(sheetDir, 'logs') });
  try {
    for (const [i, scenarioPath] of suite.scenarios.entries()) {
      if (o.signal?.aborted) throw new RunFailure('gate interrupted', 130);
      const scenario = basename(scenarioPath, extname(scenarioPath));
      o.stderr.write(`gate ${i + 1}/${suite.scenarios.length}: ${scenario}\n`);
      try {
        const options = resolveRunOptions({ ...o.run, scenario: scenarioPath }, { clock: o.clock, stderr: o.stderr, preferBuiltin: true, ...(o.signal ? { signal: o.signal } : {}), ...(shared ? { shared } : {}) });
        const outcome = await runScenario(options);
        runs.push(outcome.result);
      } catch (err) {
        if (o.signal?.aborted) throw new RunFailure('gate interrupted', 130);
        const reason = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
        o.stderr.write(`gate: ${scenario} could not be run: ${reason}\n`);
        notRun.push({ scenario, reason });
      }
    }
  } finally {
    await shared?.stop();
  }
  const baselines = await readBaselines(baselineDir, suite.scenarios.map((p) => basename(p, extname(p))));
  const deployment = o.run.target ? undefined : deploymentLabel(resolveDeployment({ coreNodes: o.run.coreNodes, store: o.run.store, gateway: o.run.gateway ?? 'denpa', external: false }));
  const sheet = judgeGate({ runs, notRun, baselines, generatedAt: o.clock.now(), regressionsBlock: o.regressionsBlock ?? true, ...(deployment ? { deployment } : {}) });
  await mkdir(sheetDir, { recursive: true });
  const elapsedMs = o.clock.now() - started;
  await writeFile(join(sheetDir, 'gate.json'), `${JSON.stringify({ ...sheet, suite: suite.name, gateway: o.run.gateway ?? 'denpa', elapsedMs, runDirs: runs.map((r) => r.runId) }, null, 2)}\n`);
  const rendered = renderGateSheet(sheet);
  for (const [name, content] of Object.entries(rendered)) await writeFile(join(sheetDir, name), content);
  if (o.updateBaseline) {
    for (const run of runs) {
      if (run.verdict.outcome !== 'pass') {
        o.stderr.write(`gate: baseline of ${run.scenario} not updated: its run failed a threshold\n`);
        continue;
      }
      const path = await writeBaseline(baselineDir, run);
      o.stderr.write(`gate: baseline written: ${path}\n`);
    }
  }
  const markdown = rendered['gate.md'];
  if (markdown) o.stdout.write(`${markdown}\n`);
  o.stdout.write(`${sheet.decision} (${(elapsedMs / 1000).toFixed(1)} s) -> ${sheetDir}\n`);
  return { sheet, sheetDir, exitCode: gateExitCode(sheet), runs, elapsedMs };
}
