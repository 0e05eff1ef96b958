// The `denpa` command line. Each subcommand lives beside the part it drives
// and is imported only when chosen, so `denpa sim` never loads the core.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RunFailure } from './runtime/failure.ts';


async function main(argv: string[]): Promise<void> {
  const [sim, core, harness, k6, operator, audit, release] = await Promise.all([
    import('../simulator/command.ts'),
    import('./core/command.ts'),
    import('./harness/command.ts'),
    import('./harness/k6-binary/command.ts'),
    import('./core/operator/command.ts'),
    import('./core/audit/command.ts'),
    import('./harness/release/command.ts'),
  ]);
  await yargs(argv)
    .scriptName('denpa')
    .usage('$0 <command> [options]\n\nSMS delivery core, carrier simulator and load-test harness for Japan.')
    .command(sim.simCommand)
    .command(core.coreCommand)
    .command(harness.runCommand)
    .command(harness.gateCommand)
    .command(harness.capacityCommand)
    .command(harness.reportCommand)
    .command(k6.k6Command)
    .command(operator.operatorCommand)
    .command(audit.auditCommand)
    .command(release.releaseCommand)
    .demandCommand(1, 'Name a command: sim, core, run, gate, capacity, report, k6, operator, audit, release.')
    .strict()
    .recommendCommands()
    .help()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new RunFailure(msg);
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch((err: unknown) => {
  const code = err instanceof RunFailure ? err.exitCode : 2;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`denpa: ${message.split('\n')[0]}\n`);
  if (process.env.DENPA_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exitCode = code;
});
