// The harness's subcommands: run, gate, capacity, report. Each handler
// validates its options once (run-options.ts), runs, and sets the exit code:
// 0 every threshold held / GO, 99 a threshold failed / NO-GO; a run that
// could not be made throws a RunFailure (one line, its own code).
import type { Argv, CommandModule } from 'yargs';
import { RunFailure, SystemClock } from '../runtime/index.ts';

type Args = Record<string, unknown>;

function runOptions(y: Argv): Argv {
  return y
    .option('engine', { choices: ['auto', 'builtin', 'k6'] as const, default: 'auto', describe: 'load engine: auto = k6 when installed, else the built-in engine (gate: built-in unless given)' })
    .option('seed', { type: 'number', default: 1, describe: 'seed of the traffic fixture and the simulator' })
    .option('duration-scale', { type: 'number', default: 1, describe: 'multiply every scenario duration and start time' })
    .option('rate-scale', { type: 'number', default: 1, describe: 'multiply every arrival rate' })
    .option('out', { type: 'string', default: 'reports', describe: 'reports folder (a run writes <out>/<run-id>/)' })
    .option('gateway', { choices: ['denpa', 'kannel', 'jasmin', 'http'] as const, default: 'denpa', describe: 'the gateway under test: denpa (our core), kannel (started here unless --target), jasmin, http (--gateway-config); docs/gateways.md' })
    .option('gateway-config', { type: 'string', describe: "the http adapter's JSON config (request template, callback reading)" })
    .option('target', { type: 'string', describe: 'a gateway already running (staging), e.g. https://core.stg:8080; needs --sim' })
    .option('sim', { type: 'string', describe: "the simulator's control API the target is wired to, e.g. http://sim.stg:8775" })
    .option('api-key', { type: 'string', default: 'denpa-dev-key', describe: "the target's API key (kannel, jasmin: username:password)" })
    .option('callback-secret', { type: 'string', describe: 'verify callback signatures with this secret (local default: denpa-dev-secret)' })
    .option('sink-host', { type: 'string', default: '127.0.0.1', describe: 'address the callback sink listens on and the gateway calls back to' })
    .option('sink-port', { type: 'number', default: 0, describe: 'callback sink port (0 = any free port)' })
    .option('reset', { type: 'boolean', default: true, describe: 'reset the simulator before each run (--no-reset keeps its state)' })
    .option('exclude-ported', { type: 'boolean', default: false, describe: "leave ported numbers out of the fixture (by default they are sent, as real traffic has them: a gateway routing by prefix alone fails on them)" })
    .option('warm-up', { type: 'number', default: 40, describe: 'OTPs sent before the run under another run id (not judged) to warm the gateway up; 0 = none' })
    .option('settle-timeout', { type: 'number', default: 30, describe: 'seconds to wait after the run for the delivery tail' })
    .option('otp-deadline', { type: 'number', default: 10, describe: 'seconds within which an OTP counts as on time' })
    .option('progress', { choices: ['auto', 'tty', 'lines', 'off'] as const, default: 'auto', describe: 'live progress on stderr' })
    .option('core-nodes', { type: 'number', default: 1, describe: 'core nodes started here on one database, behind a round-robin proxy (more than 1 needs --store postgres)' })
    .option('store', { type: 'string', default: 'sqlite', describe: "the local core's store: sqlite, postgres (a throwaway local cluster) or a postgres:// URL (docs/postgres.md)" })
    .option('env', { alias: 'e', type: 'string', array: true, describe: 'extra __ENV for the script, KEY=VALUE (repeatable)' });
}

function envPairs(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new RunFailure(`--env ${text}: expected KEY=VALUE`);
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

function runInput(a: Args): Record<string, unknown> {
  const pick = (k: string) => (a[k] === undefined ? {} : { [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]: a[k] });
  return {
    ...pick('engine'),
    ...pick('seed'),
    ...pick('duration-scale'),
    ...pick('rate-scale'),
    ...pick('out'),
    ...pick('gateway'),
    ...pick('gateway-config'),
    ...pick('target'),
    ...pick('sim'),
    ...pick('api-key'),
    ...pick('callback-secret'),
    ...pick('sink-host'),
    ...pick('sink-port'),
    ...pick('reset'),
    ...pick('exclude-ported'),
    ...pick('warm-up'),
    ...pick('settle-timeout'),
    ...pick('otp-deadline'),
    ...pick('progress'),
    ...pick('core-nodes'),
    ...pick('store'),
    env: envPairs(a.env),
  };
}

/** SIGINT aborts the run (services are stopped, reports not written); a second SIGINT exits at once. */
function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const onSigint = (): void => {
    count++;
    if (count === 1) {
      process.stderr.write('\ndenpa: interrupted, stopping services (Ctrl-C again to quit at once)\n');
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export const runCommand: CommandModule = {
  command: 'run <scenario>',
  describe: 'run one scenario against a local stack (or --target/--sim) and judge its SLAs',
  builder: (y) => runOptions(y).positional('scenario', { type: 'string', describe: 'scenario script, e.g. scenarios/otp-steady.ts' }).option('run-id', { type: 'string', describe: 'four characters [0-9A-Z] (default: from the clock)' }),
  handler: async (a: Args) => {
    const { resolveRunOptions, runScenario } = await import('./orchestrate/index.ts');
    const stop = interruptible();
    try {
      const options = resolveRunOptions({ ...runInput(a), scenario: String(a.scenario), ...(a['run-id'] ? { runId: String(a['run-id']) } : {}) } as never, { signal: stop.signal });
      const outcome = await runScenario(options);
      process.exitCode = outcome.exitCode;
    } finally {
      stop.dispose();
    }
  },
};

export const gateCommand: CommandModule = {
  command: 'gate',
  describe: 'run the release suite and write the release-judgement sheet (exit 0 GO, 99 NO-GO)',
  builder: (y) =>
    runOptions(y)
      .option('suite', { type: 'string', default: 'scenarios/suite.json', describe: 'the suite file' })
      .option('baselines', { type: 'string', default: 'reports/baselines', describe: 'folder of committed baselines' })
      .option('update-baseline', { type: 'boolean', default: false, describe: 'write each passing run as its scenario\'s new baseline' })
      .option('regressions', { choices: ['block', 'report'] as const, default: 'report', describe: 'report (default): list regressions on the sheet, judge GO/NO-GO on the SLAs; block: a regression against the baseline also makes NO-GO' })
      .option('record', { type: 'boolean', default: false, describe: 'record the sheet as a release decision in the release log (then: denpa release approve <gate-dir> --by NAME)' })
      .option('release-log', { type: 'string', default: 'reports/release-log.jsonl', describe: 'the release log --record appends to' }),
  handler: async (a: Args) => {
    const { runGate } = await import('./orchestrate/index.ts');
    const stop = interruptible();
    try {
      const outcome = await runGate({
        suite: String(a.suite),
        baselineDir: String(a.baselines),
        updateBaseline: Boolean(a['update-baseline']),
        regressionsBlock: a.regressions !== 'report',
        run: runInput(a) as never,
        clock: new SystemClock(),
        stderr: process.stderr,
        stdout: process.stdout,
        signal: stop.signal,
      });
      process.exitCode = outcome.exitCode;
      if (a.record) {
        const { buildIdentity, recordGate } = await import('./release/index.ts');
        const { REPO_ROOT } = await import('../runtime/index.ts');
        const r = recordGate(outcome.sheetDir, String(a['release-log']), buildIdentity(REPO_ROOT), Date.now());
        process.stdout.write(`recorded ${r.gate} (${r.decision}, commit ${r.build.commit ?? 'unknown'}) in ${String(a['release-log'])}; approve with: denpa release approve ${outcome.sheetDir} --by NAME${r.decision === 'NO-GO' ? ' --override "<why>"' : ''}\n`);
      }
    } finally {
      stop.dispose();
    }
  },
};

export const capacityCommand: CommandModule = {
  command: 'capacity <scenario>',
  describe: 'step the arrival rate up until an SLA breaks; print the highest rate where all held (--nodes: at each node count, with a USL projection)',
  builder: (y) =>
    runOptions(y)
      .positional('scenario', { type: 'string' })
      .option('start', { type: 'number', default: 1, describe: 'first rate scale' })
      .option('factor', { type: 'number', default: 1.5, describe: 'rate scale multiplier per step' })
      .option('max-steps', { type: 'number', default: 6, describe: 'stepping runs at most' })
      .option('refine', { type: 'number', default: 1, describe: 'bisection runs between the last pass and the first failure' })
      .option('nodes', { type: 'string', describe: 'core node counts to step, e.g. 1,2,3,4 (each a full rate search; needs --store postgres): fits the Universal Scalability Law over them' })
      .option('project', { type: 'string', default: '4,8,16', describe: 'with --nodes: node counts to project throughput for' }),
  handler: async (a: Args) => {
    const { runCapacity } = await import('./orchestrate/index.ts');
    const start = Number(a.start);
    const factor = Number(a.factor);
    const maxSteps = Number(a['max-steps']);
    const refine = Number(a.refine);
    if (!(start > 0)) throw new RunFailure('--start must be > 0');
    if (!(factor > 1)) throw new RunFailure('--factor must be > 1');
    if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 20) throw new RunFailure('--max-steps must be an integer in [1, 20]');
    if (!Number.isInteger(refine) || refine < 0 || refine > 5) throw new RunFailure('--refine must be an integer in [0, 5]');
    const { parseCountList, MAX_CORE_NODES } = await import('./orchestrate/index.ts');
    const nodes = a.nodes === undefined ? undefined : parseCountList(String(a.nodes), '--nodes', 1, MAX_CORE_NODES);
    const projectAt = parseCountList(String(a.project), '--project', 1, 1000);
    if (nodes && a['core-nodes'] !== undefined && Number(a['core-nodes']) !== 1) throw new RunFailure('--nodes steps the node count itself: leave out --core-nodes');
    const stop = interruptible();
    try {
      const { ['rate-scale']: _ignored, ...rest } = a;
      await runCapacity({
        run: { ...runInput(rest), scenario: String(a.scenario) } as never,
        plan: { start, factor, maxSteps, refine },
        ...(nodes ? { nodes, projectAt } : {}),
        clock: new SystemClock(),
        stderr: process.stderr,
        stdout: process.stdout,
        signal: stop.signal,
      });
    } finally {
      stop.dispose();
    }
  },
};

export const reportCommand: CommandModule = {
  command: 'report <run-dir>',
  describe: 'render the reports of a finished run again from its saved data',
  builder: (y) => y.positional('run-dir', { type: 'string', describe: 'e.g. reports/AB12' }),
  handler: async (a: Args) => {
    const { reportCommandHandler } = await import('./report/index.ts');
    await reportCommandHandler(String(a['run-dir']));
  },
};
