// `denpa capacity <scenario>`: step the scenario's arrival rates up
// (RATE_SCALE) until an SLA breaks, and report the highest rate where every
// SLA held, with a Universal Scalability Law fit over the steps as a
// forecast of where throughput peaks. Each step is a full `denpa run`.
//
// With --nodes 1,2,3 the same rate search runs at each node count (a
// deployment of that many cores on one PostgreSQL, --store postgres), the
// sustained throughput at each count is the highest passing step's
// accepted/s, and the USL is fitted over node counts to project larger
// deployments (model/usl-projection.ts says when it refuses and what the
// band means).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { RunFailure, type Clock } from '../../runtime/index.ts';
import { formatCapacity, formatNodeCapacity, highestPassing, nextScale, nodePoints, type CapacityPlan, type CapacityStep, type NodeCapacity } from './capacity-plan.ts';
import { resolveRunOptions, type RunOptionsInput } from './run-options.ts';
import { runScenario } from './run.ts';
import { deploymentLabel, resolveDeployment } from './deployment.ts';
import { fitUsl, type UslFit } from '../model/usl.ts';
import { projectUsl, type UslProjection } from '../model/usl-projection.ts';
import { renderCapacityHtml } from '../report/capacity-report.ts';
import type { RunResult } from '../run-result/index.ts';

export interface CapacityOptions {
  run: Omit<RunOptionsInput, 'runId' | 'rateScale'>;
  plan: CapacityPlan;
  /** Node counts to step (each a full rate search); undefined = the rate search alone. */
  nodes?: number[];
  /** Node counts to project throughput for (default 4, 8, 16); those measured are left out. */
  projectAt?: number[];
  clock: Clock;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface CapacityOutcome {
  steps: CapacityStep[];
  best?: CapacityStep;
  usl?: UslFit;
  /** With --nodes: the search at each node count and the projection over them. */
  perNode?: NodeCapacity[];
  projection?: UslProjection;
  reportDir: string;
}

export const DEFAULT_PROJECT_AT: readonly number[] = [4, 8, 16];

/** Accepted messages per second of a run (its throughput as the gateway saw it). */
export function throughputOf(result: RunResult): number {
  const m = result.summary.metrics.messages_accepted;
  return m?.values.rate ?? 0;
}

/** One rate search (nextScale's plan), bounded: maxSteps stepping runs plus `refine` bisections. */
async function searchRate(o: CapacityOptions, run: CapacityOptions['run'], label: string): Promise<CapacityStep[]> {
  const steps: CapacityStep[] = [];
  for (let guard = 0; guard < o.plan.maxSteps + o.plan.refine + 1; guard++) {
    const scale = nextScale(o.plan, steps);
    if (scale === undefined) break;
    if (o.signal?.aborted) throw new RunFailure('capacity search interrupted', 130);
    o.stderr.write(`capacity: ${label}step ${steps.length + 1}, rate ×${scale}\n`);
    const options = resolveRunOptions({ ...run, rateScale: scale }, { clock: o.clock, stderr: o.stderr, ...(o.signal ? { signal: o.signal } : {}) });
    const { result } = await runScenario(options);
    steps.push({
      rateScale: scale,
      passed: result.verdict.outcome === 'pass',
      throughput: throughputOf(result),
      broken: result.verdict.thresholds.filter((t) => t.state !== 'passed').map((t) => `${t.metric} ${t.expression}`),
      runId: result.runId,
    });
  }
  return steps;
}

export async function runCapacity(o: CapacityOptions): Promise<CapacityOutcome> {
  const reportDir = resolve(o.run.out ?? 'reports', `capacity-${new Date(o.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
  if (o.nodes) return runNodeCapacity(o, o.nodes, reportDir);
  const steps = await searchRate(o, o.run, '');
  const best = highestPassing(steps);
  const usl = fitUsl(steps.map((s) => ({ n: s.rateScale, x: s.throughput })));
  const text = formatCapacity(steps, best, usl);
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'capacity.json'), `${JSON.stringify({ plan: o.plan, steps, best, usl }, null, 2)}\n`);
  await writeFile(join(reportDir, 'capacity.md'), `# Capacity\n\n${text}\n`);
  o.stdout.write(`${text}\n`);
  return { steps, ...(best ? { best } : {}), ...(usl ? { usl } : {}), reportDir };
}

async function runNodeCapacity(o: CapacityOptions, nodes: readonly number[], reportDir: string): Promise<CapacityOutcome> {
  // Every deployment is checked before the first run: a bad --nodes/--store is one exit-2 line.
  const deployments = nodes.map((n) => resolveDeployment({ coreNodes: n, store: o.run.store, gateway: o.run.gateway ?? 'denpa', external: o.run.target !== undefined }));
  const perNode: NodeCapacity[] = [];
  for (const n of nodes) {
    const steps = await searchRate(o, { ...o.run, coreNodes: n }, `${n} node${n === 1 ? '' : 's'}, `);
    const best = highestPassing(steps);
    perNode.push({ nodes: n, steps, ...(best ? { best } : {}) });
  }
  const maxMeasured = Math.max(...nodes);
  const projectAt = (o.projectAt ?? DEFAULT_PROJECT_AT).filter((n) => !nodes.includes(n));
  // The curve is projected at every whole node count up to the largest asked for, for the chart.
  const curveTo = Math.max(maxMeasured, ...projectAt);
  const projection = projectUsl(nodePoints(perNode), Array.from({ length: curveTo }, (_, i) => i + 1));
  const text = formatNodeCapacity(perNode, projection, projectAt);
  const store = deploymentLabel(deployments[0] as (typeof deployments)[number]);
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'capacity.json'), `${JSON.stringify({ plan: o.plan, nodes, store: store.store, externalStore: store.externalStore, projectAt, perNode, projection }, null, 2)}\n`);
  await writeFile(join(reportDir, 'capacity.md'), `# Capacity across core nodes\n\n${text}\n`);
  await writeFile(join(reportDir, 'capacity.html'), renderCapacityHtml({ scenario: basename(o.run.scenario, extname(o.run.scenario)), store: store.store, perNode, projection, projectAt }));
  o.stdout.write(`${text}\n-> ${reportDir}\n`);
  const all = perNode.flatMap((c) => c.steps);
  return { steps: all, perNode, projection, reportDir };
}
