// `denpa operator add|list`: operator accounts on a data directory, with or
// without a core running on it. This is how the first admin comes to be:
// whoever may write the data directory already holds everything the core
// holds, so the command line needs no login; every use is in the audit
// trail as cli:<os user>. The password comes from an environment variable
// (never an argument, which `ps` would show) or from stdin.
import os from 'node:os';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunFailure, SystemClock } from '../../runtime/index.ts';
import { AuditTrail } from '../audit/index.ts';
import { OperatorAccounts, NAME_PATTERN, DEFAULT_ACCOUNT_POLICY } from './accounts.ts';
import { openOpsDb } from './ops-db.ts';
import { passwordProblems } from './password.ts';
import { isRole, ROLES } from './roles.ts';

interface OperatorArgs {
  action: string;
  name?: string;
  role?: string;
  'data-dir': string;
  'password-env': string;
  system?: string;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new RunFailure('no password: set DENPA_OPERATOR_PASSWORD (or --password-env) or pipe it on stdin', 2);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(c);
    size += c.length;
    if (size > 4096) throw new RunFailure('the password on stdin is longer than 4096 bytes', 2);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const operatorCommand: CommandModule<object, OperatorArgs> = {
  command: 'operator <action> [name]',
  describe: 'Operator accounts on a data directory: add (the first admin, too) or list',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['add', 'list'] as const, describe: 'add an account or list them' })
      .positional('name', { type: 'string', describe: 'the operator name (add)' })
      .option('role', { type: 'string', choices: [...ROLES], describe: 'the role (add)' })
      .option('data-dir', { type: 'string', demandOption: true, describe: "the core's data directory (store.dataDir)" })
      .option('password-env', { type: 'string', default: 'DENPA_OPERATOR_PASSWORD', describe: 'environment variable holding the password; unset: read stdin' })
      .option('system', { type: 'string', describe: 'system name in the audit record (default denpa-cli@<host>)' }) as unknown as Argv<OperatorArgs>,
  handler: async (args: ArgumentsCamelCase<OperatorArgs>) => {
    const db = openOpsDb(args['data-dir']);
    try {
      const clock = new SystemClock();
      const accounts = new OperatorAccounts(db, clock, DEFAULT_ACCOUNT_POLICY);
      if (args.action === 'list') {
        for (const a of accounts.list()) process.stdout.write(`${a.name}\t${a.role}\tcreated ${new Date(a.createdAt).toISOString()} by ${a.createdBy}${a.lockedUntil && a.lockedUntil > clock.now() ? '\tLOCKED' : ''}\n`);
        return;
      }
      const name = args.name ?? '';
      if (!new RegExp(NAME_PATTERN).test(name)) throw new RunFailure(`operator name ${JSON.stringify(name)} must match ${NAME_PATTERN}`, 2);
      if (!isRole(args.role)) throw new RunFailure(`--role must be one of ${ROLES.join(', ')}`, 2);
      const password = process.env[args['password-env']] ?? (await readStdin());
      const problems = passwordProblems(password);
      if (problems.length > 0) throw new RunFailure(`the password ${problems.join(' and ')}`, 2);
      const who = `cli:${os.userInfo().username}`;
      const audit = new AuditTrail(db, args.system ?? `denpa-cli@${os.hostname()}`);
      try {
        await accounts.add({ name, role: args.role, password }, who);
      } catch (err) {
        audit.append({ at: clock.now(), who, from: 'cli', system: audit.system, action: 'operator.add', params: { name, role: args.role }, outcome: 'refused', detail: (err as Error).message });
        throw new RunFailure((err as Error).message, 2);
      }
      audit.append({ at: clock.now(), who, from: 'cli', system: audit.system, action: 'operator.add', params: { name, role: args.role }, outcome: 'ok' });
      process.stdout.write(`added ${name} (${args.role})\n`);
    } finally {
      db.close();
    }
  },
};
