// `denpa k6 bundle <scenario>` and `denpa k6 testrun <scenario> --parallelism N`.
import type { Argv, CommandModule } from 'yargs';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { isRunId, runIdFrom } from '../../probe/index.ts';
import { bundleForK6 } from './bundle.ts';
import { K6Error } from './errors.ts';
import { DEFAULT_RUNNER_IMAGE, OPERATOR_MOUNT_DIR, renderTestRunManifest, testRunNameFor } from './manifest.ts';
import { ENV_DURATION_SCALE } from './run.ts';

interface BundleArgs {
  scenario: string;
  out?: string;
}

interface TestRunArgs {
  scenario: string;
  parallelism: number;
  name?: string;
  namespace: string;
  out?: string;
  env: string[];
  fixture?: string;
  'run-id'?: string;
  'duration-scale'?: number;
  'rate-scale'?: number;
  image: string;
  separate: boolean;
}

function scenarioBase(path: string): string {
  return basename(path).replace(/\.[^.]*$/, '');
}

/** `KEY=VALUE` pairs from the command line. Pure. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', `--env ${JSON.stringify(pair)} must be KEY=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function positive(name: string, value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', `--${name} must be a positive number, got ${value}`);
  return String(value);
}

async function bundleToText(scenario: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'denpa-k6-'));
  try {
    const result = await bundleForK6(scenario, join(dir, 'script.js'));
    for (const w of result.warnings) process.stderr.write(`denpa k6: warning: ${w}\n`);
    return await readFile(result.outFile, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const bundleCommand: CommandModule<object, BundleArgs> = {
  command: 'bundle <scenario>',
  describe: 'Bundle a scenario into one script the real k6 runs (k6 modules external, local code inlined)',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file, e.g. scenarios/otp-steady.ts' })
      .option('out', { type: 'string', describe: 'output file [default: dist/k6/<scenario>.js]' }) as unknown as Argv<BundleArgs>,
  handler: async (args) => {
    const out = args.out ?? join('dist', 'k6', `${scenarioBase(args.scenario)}.js`);
    const result = await bundleForK6(args.scenario, out);
    for (const w of result.warnings) process.stderr.write(`denpa k6: warning: ${w}\n`);
    process.stdout.write(`${result.outFile} (${result.bytes} bytes; exports ${result.exports.join(', ')})\n`);
  },
};

const testrunCommand: CommandModule<object, TestRunArgs> = {
  command: 'testrun <scenario>',
  describe: 'Write a ConfigMap + TestRun manifest for a distributed run with the k6 operator',
  builder: (y: Argv) =>
    y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file, e.g. scenarios/otp-steady.ts' })
      .option('parallelism', { type: 'number', demandOption: true, describe: 'number of k6 runners sharing the load' })
      .option('name', { type: 'string', describe: 'TestRun and ConfigMap name [default: denpa-<scenario>]' })
      .option('namespace', { type: 'string', default: 'default', describe: 'Kubernetes namespace' })
      .option('out', { type: 'string', describe: 'output file [default: stdout]' })
      .option('env', { type: 'string', array: true, default: [] as string[], describe: 'KEY=VALUE for the scenario\'s __ENV (CORE_URL, API_KEY, SIM_URL, SINK_URL, ...); repeatable' })
      .option('fixture', { type: 'string', describe: `traffic fixture JSON to ship in the ConfigMap (FIXTURE=${OPERATOR_MOUNT_DIR}/fixture.json)` })
      .option('run-id', { type: 'string', describe: 'run id (4 characters [0-9A-Z]) [default: a fresh one]' })
      .option('duration-scale', { type: 'number', describe: 'sets DURATION_SCALE' })
      .option('rate-scale', { type: 'number', describe: 'sets RATE_SCALE (the total over all runners)' })
      .option('image', { type: 'string', default: DEFAULT_RUNNER_IMAGE, describe: 'k6 runner image' })
      .option('separate', { type: 'boolean', default: false, describe: 'one runner per node' }) as unknown as Argv<TestRunArgs>,
  handler: async (args) => {
    const env = parseEnvPairs(args.env);
    const runId = args['run-id'] ?? env.RUN_ID ?? runIdFrom(randomInt(36 ** 4));
    if (!isRunId(runId)) throw new K6Error('HARNESS_ERR_K6_BAD_ARGUMENT', `--run-id must be 4 characters [0-9A-Z], got ${JSON.stringify(runId)}`);
    env.RUN_ID = runId;
    const durationScale = positive('duration-scale', args['duration-scale']);
    if (durationScale !== undefined) env[ENV_DURATION_SCALE] = durationScale;
    const rateScale = positive('rate-scale', args['rate-scale']);
    if (rateScale !== undefined) env.RATE_SCALE = rateScale;

    const files = [];
    if (args.fixture !== undefined) {
      files.push({ name: 'fixture.json', content: await readFile(args.fixture, 'utf8') });
      env.FIXTURE = `${OPERATOR_MOUNT_DIR}/fixture.json`;
    }
    const base = scenarioBase(args.scenario);
    const script = { name: `${base.replace(/[^-._a-zA-Z0-9]/g, '-')}.js`, content: await bundleToText(args.scenario) };
    const rendered = renderTestRunManifest({
      name: args.name ?? testRunNameFor(args.scenario),
      namespace: args.namespace,
      parallelism: args.parallelism,
      script,
      files,
      env,
      runnerImage: args.image,
      separate: args.separate,
    });

    if (args.out !== undefined) {
      await mkdir(dirname(resolve(args.out)), { recursive: true });
      await writeFile(args.out, rendered.yaml);
    } else {
      process.stdout.write(rendered.yaml);
    }
    const notes = [
      `denpa k6: TestRun for ${args.scenario}: ${args.parallelism} runner(s), run id ${runId}${args.out ? `, written to ${args.out}` : ''}`,
      `denpa k6: apply with \`kubectl apply --server-side -f <file>\`; delivery SLAs are judged afterwards from the simulator's ledger (GET /v1/ledger/runs/${runId})`,
    ];
    if (args.fixture === undefined) notes.push('denpa k6: warning: no --fixture; scenarios that send traffic read it from FIXTURE and will fail at init');
    for (const key of ['CORE_URL', 'SIM_URL', 'SINK_URL']) {
      const v = env[key];
      if (v === undefined) notes.push(`denpa k6: warning: ${key} not set (--env ${key}=...); runners would use the scenario's loopback default`);
      else if (/\/\/(127\.|localhost|\[::1\])/.test(v)) notes.push(`denpa k6: warning: ${key}=${v} is a loopback address, which inside a runner pod is the pod itself`);
    }
    if (rendered.envInRunnerEnv.length > 0) notes.push(`denpa k6: ${rendered.envInRunnerEnv.join(', ')} passed as runner env vars (values not safe in spec.arguments)`);
    process.stderr.write(`${notes.join('\n')}\n`);
  },
};

export const k6Command: CommandModule = {
  command: 'k6 <command>',
  describe: 'The real k6: bundle a scenario, or write a TestRun for the k6 operator',
  builder: (y: Argv) =>
    y
      .command(bundleCommand as unknown as CommandModule)
      .command(testrunCommand as unknown as CommandModule)
      .demandCommand(1, 'Name a k6 command: bundle, testrun.'),
  handler: () => undefined,
};
