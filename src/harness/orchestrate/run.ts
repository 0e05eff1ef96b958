// `denpa run <scenario>`: one scenario from start to verdict.
//
//   services up ─▶ reset simulator ─▶ fixture ─▶ engine run ─▶ delivery tail
//   (local children          (POST /v1/reset)   (numbers     (progress line)   settles (bounded)
//    or --target/--sim)                          looked up)
//        ─▶ collect (ledger, sink, faults) ─▶ judge ─▶ reports/<run-id>/ ─▶ services down
//
// Services are stopped on every path out (success, error, abort).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { RunFailure } from '../../runtime/index.ts';
import { acceptedCountsFromSummary, collectDeliveryMetrics, forEachLedgerPage } from '../delivery/index.ts';
import { judgeRun, exitCodeFor } from '../judge/index.ts';
import { renderRunDir } from '../report/index.ts';
import { RUN_RESULT_SCHEMA, type DeliveryResult, type FaultWindow, type RunResult } from '../run-result/index.ts';
import { FAILURE_STATUSES, type SinkRunSnapshot } from '../sink/index.ts';
import { percentileRead, thresholdSources } from '../thresholds/index.ts';
import { SimulatorControl, sinkSnapshot } from './control-client.ts';
import { resolveEngine, runEngine, type EngineProgress } from './engine-runner.ts';
import { writeTrafficFixture } from './fixture-step.ts';
import { warmUp } from './warm-up.ts';
import { gatewayAdapter } from '../../../scenarios/lib/gateway/index.ts';
import { attachExternalStack, startLocalStack, type Stack } from './local-stack.ts';
import { readOtpSoFar, type OtpSoFar } from './otp-watch.ts';
import { progressWriter } from './progress-line.ts';
import { withDeclaredThresholds, withReportIntervals } from './report-intervals.ts';
import type { ResolvedRunOptions } from './run-options.ts';
import { deploymentLabel } from './deployment.ts';
import { settleTail, type TailSnapshot } from './settle.ts';

const FAILURES = new Set<string>(FAILURE_STATUSES);

export interface RunOutcome {
  result: RunResult;
  runDir: string;
  /** 0 every threshold held, 99 one failed. */
  exitCode: 0 | 99;
}

async function openStack(o: ResolvedRunOptions): Promise<Stack> {
  const logDir = join(o.runDir, 'logs');
  if (o.target) {
    return attachExternalStack({ coreUrl: o.target.coreUrl, simUrl: o.target.simUrl, apiKey: o.apiKey, sinkHost: o.sinkHost, sinkPort: o.sinkPort, logDir, ...(o.callbackSecret ? { callbackSecret: o.callbackSecret } : {}), ...(o.httpConfig ? { httpCallback: o.httpConfig.callback } : {}) });
  }
  if (o.gateway !== 'denpa' && o.gateway !== 'kannel') throw new RunFailure(`--gateway ${o.gateway} needs --target`);
  return startLocalStack({ seed: o.seed, dataDir: join(o.runDir, 'data'), logDir, gateway: o.gateway, deployment: o.deployment }, o.shared);
}

function tailFrom(totals: { messages: number; deliveries: number }, sink: SinkRunSnapshot): TailSnapshot {
  let failedFinals = 0;
  for (const s of sink.seqs) if (FAILURES.has(s.status)) failedFinals++;
  return { seen: totals.messages, deliveries: totals.deliveries, finals: sink.finals, failedFinals };
}

/**
 * The tail, and once nothing is pending but some finals are still missing,
 * how many of those are probes to a recipient whose handset fate is not
 * deliverable (one ledger read, paged, only in that state).
 */
async function readTail(simUrl: string, runId: string, accepted: number, totals: { messages: number; deliveries: number }, sink: SinkRunSnapshot, deliverable: ReadonlySet<string>): Promise<TailSnapshot> {
  const tail = tailFrom(totals, sink);
  if (tail.finals >= accepted || accepted - tail.seen - tail.failedFinals > 0 || deliverable.size === 0) return tail;
  const final = new Set(sink.seqs.map((x) => x.seq));
  let openUndeliverable = 0;
  await forEachLedgerPage({ simUrl, runId }, (page) => {
    for (const p of page.probes) if (!final.has(p.seq) && p.to !== undefined && !deliverable.has(p.to)) openUndeliverable++;
  });
  return { ...tail, openUndeliverable };
}

function percentilesNamed(thresholds: Record<string, unknown> | undefined): number[] {
  const out = new Set<number>();
  for (const list of Object.values(thresholds ?? {})) {
    for (const source of thresholdSources(list)) {
      const p = percentileRead(source);
      if (p !== undefined) out.add(p);
    }
  }
  return [...out];
}

export async function runScenario(o: ResolvedRunOptions): Promise<RunOutcome> {
  const progress = progressWriter(o.stderr, o.progress, o.clock);
  const multi = o.deployment.nodes > 1 || o.deployment.store.kind !== 'sqlite';
  const label = `${o.scenario}${o.gateway === 'denpa' ? '' : ` on ${o.gateway}`}${multi ? ` on ${o.deployment.nodes}×core/${o.deployment.store.kind}` : ''} [${o.runId}]`;
  await mkdir(o.runDir, { recursive: true });
  const engine = await resolveEngine(o.engine, o.preferBuiltin);
  progress.update({ label, phase: 'starting services', elapsedMs: 0 });
  const startedAt = o.clock.now();
  // Where the time of a run goes, for run.json (the gate's 5-minute budget).
  const phases: Record<string, number> = {};
  let phaseStart = startedAt;
  const phaseDone = (name: string): void => {
    const now = o.clock.now();
    phases[name] = now - phaseStart;
    phaseStart = now;
  };
  const stack = await openStack(o);
  phaseDone('servicesMs');
  try {
    const sim = new SimulatorControl(stack.simUrl);
    if (o.reset) await sim.reset();
    const fixturePath = join(o.runDir, 'fixture.json');
    const { fixture, recipients } = await writeTrafficFixture(sim, { runId: o.runId, seed: o.seed, path: fixturePath, excludePorted: o.excludePorted });
    phaseDone('fixtureMs');
    // otp_on_time counts OTPs to deliverable handsets only, live and in the verdict (judgeOtp).
    const deliverableNumbers: ReadonlySet<string> = new Set(recipients.filter((r) => r.fate === 'deliverable').map((r) => r.number));
    const otpRule = { deadlineMs: o.otpDeadlineMs, deliverable: deliverableNumbers };
    if (o.warmUp > 0) {
      progress.update({ label, phase: `warming up (${o.warmUp} messages)`, elapsedMs: o.clock.now() - startedAt });
      await warmUp({ adapter: gatewayAdapter(o.gateway, { baseUrl: stack.coreUrl, apiKey: stack.apiKey }, o.httpConfig), sinkUrl: stack.sinkUrl, runId: o.runId, fixture, messages: o.warmUp });
      phaseDone('warmUpMs');
    }

    // The live OTP figure is read in the background, one read at a time.
    let otp: OtpSoFar | undefined;
    let reading = false;
    let lastRead = Number.NEGATIVE_INFINITY;
    const refreshOtp = (): void => {
      const now = o.clock.now();
      if (reading || now - lastRead < 3_000) return;
      reading = true;
      lastRead = now;
      void readOtpSoFar({ simUrl: stack.simUrl, runId: o.runId, rule: otpRule, now: () => o.clock.now(), finals: async () => (await sinkSnapshot(stack.sinkUrl, o.runId)).seqs })
        .then((v) => (otp = v))
        .finally(() => (reading = false));
    };
    const onProgress = (p: EngineProgress): void => {
      refreshOtp();
      progress.update({ label, ...p, ...(otp ? { otp } : {}) });
    };

    const runStart = o.clock.now();
    const engineRun = await runEngine(engine, {
      scenarioPath: o.scenarioPath,
      env: {
        ...o.env,
        CORE_URL: stack.coreUrl,
        API_KEY: stack.apiKey,
        SIM_URL: stack.simUrl,
        SINK_URL: stack.sinkUrl,
        RUN_ID: o.runId,
        FIXTURE: fixturePath,
        DURATION_SCALE: String(o.durationScale),
        RATE_SCALE: String(o.rateScale),
        GATEWAY: o.gateway,
        ...(o.httpConfig ? { GATEWAY_CONFIG: JSON.stringify(o.httpConfig) } : {}),
      },
      workDir: o.runDir,
      onProgress,
      log: (line) => progress.note(line),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (o.signal?.aborted) throw new RunFailure('run interrupted', 130);
    const summary = withDeclaredThresholds(withReportIntervals(engineRun.summary));
    const engineExitCode = engineRun.engineExitCode;
    const runMs = o.clock.now() - runStart;
    phaseDone('engineMs');

    const accepted = acceptedCountsFromSummary(summary);
    const settled = await settleTail({
      accepted: accepted.total,
      clock: o.clock,
      deadlineMs: o.settleTimeoutMs,
      read: async () => readTail(stack.simUrl, o.runId, accepted.total, await sim.ledgerTotals(o.runId), await sinkSnapshot(stack.sinkUrl, o.runId), deliverableNumbers),
      onState: (state, snap) => {
        const detail = state.state === 'pending' ? `${state.pending} not yet at a carrier` : state.state === 'draining' ? `${state.waitingFor} without final status` : state.state;
        progress.update({ label, phase: `settling: ${detail}`, elapsedMs: o.clock.now() - runStart, inFlight: accepted.total - snap.finals });
      },
      ...(o.signal ? { signal: o.signal } : {}),
    });

    phaseDone('settleMs');
    const sink = await sinkSnapshot(stack.sinkUrl, o.runId);
    const faults: FaultWindow[] = await sim.faults().catch(() => []);
    let delivery: DeliveryResult | undefined;
    try {
      delivery = await collectDeliveryMetrics({
        simUrl: stack.simUrl,
        runId: o.runId,
        accepted,
        callbacks: sink,
        otpDeadlineMs: o.otpDeadlineMs,
        deliverableNumbers,
        durationMs: runMs,
        percentiles: percentilesNamed(summary.options.thresholds),
      });
    } catch (err) {
      // Without the ledger the delivery thresholds are unmeasured (and fail): say why.
      o.stderr.write(`denpa: delivery metrics unavailable: ${(err as Error).message}\n`);
    }
    phaseDone('collectMs');
    const verdict = judgeRun({ summary, ...(delivery ? { delivery } : {}) });
    const exitCode = exitCodeFor(verdict);
    const endedAt = o.clock.now();
    const result: RunResult = {
      schema: RUN_RESULT_SCHEMA,
      runId: o.runId,
      scenario: o.scenario,
      engine,
      startedAt,
      endedAt,
      durationScale: o.durationScale,
      summary,
      ...(delivery ? { delivery } : {}),
      verdict,
      faults,
      target: { coreUrl: stack.coreUrl, simUrl: stack.simUrl, sinkUrl: stack.sinkUrl },
      ...(stack.external ? {} : { deployment: deploymentLabel(o.deployment) }),
      environment: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, hostname: hostname(), external: stack.external },
      exitCode,
    };
    await writeFile(join(o.runDir, 'run.json'), JSON.stringify({ gateway: o.gateway, deployment: deploymentLabel(o.deployment), stackPids: stack.pids, engineExitCode, settle: settled, phases, seed: o.seed, rateScale: o.rateScale, durationScale: o.durationScale, excludePorted: o.excludePorted }, null, 2));
    await renderRunDir(o.runDir, result);
    const failedNames = verdict.thresholds.filter((t) => t.state !== 'passed').map((t) => `${t.metric} ${t.expression}`);
    progress.done(
      `${label} ${verdict.outcome === 'pass' ? 'PASS' : 'FAIL'}: ${verdict.thresholds.length - verdict.failed}/${verdict.thresholds.length} thresholds held` +
        (failedNames.length ? `; broken: ${failedNames.join(', ')}` : '') +
        ` (settle: ${settled.state.state}, ${(settled.waitedMs / 1000).toFixed(1)}s) -> ${o.runDir}`,
    );
    return { result, runDir: o.runDir, exitCode };
  } catch (err) {
    progress.done();
    // However the engine ended (k6 and the built-in engine say 105), an interrupt is an interrupt.
    if (o.signal?.aborted) throw new RunFailure('run interrupted', 130);
    throw err;
  } finally {
    await stack.stop();
  }
}
