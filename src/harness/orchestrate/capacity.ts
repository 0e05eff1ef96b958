// `denpa capacity <scenario>`: step the scenario's arrival rates up
// (RATE_SCALE) until an SLA breaks, and report the highest rate where every
// SLA held, with a Universal Scalability Law fit over the steps as a
// forecast of where throughput peaks. Each step is a full `denpa run`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RunFailure, type Clock } from '../../runtime/index.ts';
import { formatCapacity, highestPassing, nextScale, type CapacityPlan, type CapacityStep } from './capacity-plan.ts';
import { resolveRunOptions, type RunOptionsInput } from './run-options.ts';
import { runScenario } from './run.ts';
import { fitUsl, type UslFit } from '../model/usl.ts';
import type { RunResult } from '../run-result/index.ts';

export interface CapacityOptions {
  run: Omit<RunOptionsInput, 'runId' | 'rateScale'>;
  plan: CapacityPlan;
  clock: Clock;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface CapacityOutcome {
  steps: CapacityStep[];
  best?: CapacityStep;
  usl?: UslFit;
  reportDir: string;
}

/** Accepted messages per second of a run (its throughput as the gateway saw it). */
export function throughputOf(result: RunResult): number {
  const m = result.summary.metrics.messages_accepted;
  return m?.values.rate ?? 0;
}

export async function runCapacity(o: CapacityOptions): Promise<CapacityOutcome> {
  const steps: CapacityStep[] = [];
  const reportDir = resolve(o.run.out ?? 'reports', `capacity-${new Date(o.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
  // Bounded: maxSteps stepping runs plus `refine` bisections.
  for (let guard = 0; guard < o.plan.maxSteps + o.plan.refine + 1; guard++) {
    const scale = nextScale(o.plan, steps);
    if (scale === undefined) break;
    if (o.signal?.aborted) throw new RunFailure('capacity search interrupted', 130);
    o.stderr.write(`capacity: step ${steps.length + 1}, rate ×${scale}\n`);
    const options = resolveRunOptions({ ...o.run, rateScale: scale }, { clock: o.clock, stderr: o.stderr, ...(o.signal ? { signal: o.signal } : {}) });
    const { result } = await runScenario(options);
    steps.push({
      rateScale: scale,
      passed: result.verdict.outcome === 'pass',
      throughput: throughputOf(result),
      broken: result.verdict.thresholds.filter((t) => t.state !== 'passed').map((t) => `${t.metric} ${t.expression}`),
      runId: result.runId,
    });
  }
  const best = highestPassing(steps);
  const usl = fitUsl(steps.map((s) => ({ n: s.rateScale, x: s.throughput })));
  const text = formatCapacity(steps, best, usl);
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'capacity.json'), `${JSON.stringify({ plan: o.plan, steps, best, usl }, null, 2)}\n`);
  await writeFile(join(reportDir, 'capacity.md'), `# Capacity\n\n${text}\n`);
  o.stdout.write(`${text}\n`);
  return { steps, ...(best ? { best } : {}), ...(usl ? { usl } : {}), reportDir };
}
