// `denpa release approve <gate-dir> --by NAME [--override WHY]` and
// `denpa release verify`: the sign-off half of a release decision (the
// recording half is `denpa gate --record`).
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunFailure } from '../../runtime/index.ts';
import { readReleaseLog } from './release-log.ts';
import { approveGate, DEFAULT_RELEASE_LOG, ReleaseRefused } from './sign-off.ts';

interface ReleaseArgs {
  action: string;
  'gate-dir'?: string;
  by?: string;
  override?: string;
  'release-log': string;
}

export const releaseCommand: CommandModule<object, ReleaseArgs> = {
  command: 'release <action> [gate-dir]',
  describe: 'Sign off a recorded gate sheet (approve), or check the release log (verify)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['approve', 'verify'] as const })
      .positional('gate-dir', { type: 'string', describe: 'the gate directory (reports/gate-<stamp>) recorded by denpa gate --record' })
      .option('by', { type: 'string', describe: 'approve: who approves the release' })
      .option('override', { type: 'string', describe: 'approve: why a NO-GO sheet is released anyway (required for NO-GO)' })
      .option('release-log', { type: 'string', default: DEFAULT_RELEASE_LOG, describe: 'the release log (JSON Lines, hash-chained)' }) as unknown as Argv<ReleaseArgs>,
  handler: async (args: ArgumentsCamelCase<ReleaseArgs>) => {
    const logFile = args['release-log'];
    if (args.action === 'verify') {
      const { verdict } = readReleaseLog(logFile);
      if (!verdict.ok) throw new RunFailure(`release log BROKEN at record ${verdict.brokenAt} (line ${verdict.line} of ${logFile}): ${verdict.reason}`, 1);
      process.stdout.write(`release log OK: ${verdict.count} records (${logFile})\n`);
      return;
    }
    if (!args['gate-dir']) throw new RunFailure('name the gate directory to approve', 2);
    if (!args.by) throw new RunFailure('--by <name> is required: who approves the release', 2);
    try {
      const r = approveGate(args['gate-dir'], logFile, { by: args.by, override: args.override }, Date.now());
      process.stdout.write(`${r.gate}: ${r.decision} ${r.override ? 'released by override' : 'approved'} by ${r.by} at ${r.at} (${logFile})\n`);
    } catch (err) {
      if (err instanceof ReleaseRefused) throw new RunFailure(`not approved: ${err.message}`, 1);
      throw err;
    }
  },
};
