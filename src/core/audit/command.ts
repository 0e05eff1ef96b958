// `denpa audit verify|export|rotate <data-dir>`: the audit trail from the
// command line, with or without a core running on the directory.
//   verify  checks the hash chain (and any archives, oldest first); exit 1 names the first broken record
//   export  writes records in [--since, --until) as JSON Lines, for a SIEM
//   rotate  moves records older than --before to an archive file, keeping an anchor
import fs from 'node:fs';
import os from 'node:os';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { parseTime } from '../api/time-input.ts';
import { RunFailure } from '../../runtime/index.ts';
import { openOpsDb, OPS_DB_FILE } from '../operator/ops-db.ts';
import { verifyFile, verifyTrail, type TrailVerdict } from './archive-check.ts';
import { AuditTrail } from './audit-trail.ts';

interface AuditArgs {
  action: string;
  'data-dir'?: string;
  archive?: string[];
  file?: string;
  since?: string;
  until?: string;
  before?: string;
  out?: string;
}

function instant(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const t = parseTime(value);
  if (t === undefined) throw new RunFailure(`${flag} ${value} is not an instant: give an RFC 3339 time such as 2026-06-01T00:00:00+09:00, or ms since the epoch`, 2);
  return t;
}

export function describeVerdict(v: TrailVerdict): string {
  if (!v.ok) return `audit trail BROKEN at record ${v.seq}${v.line > 0 ? ` (line ${v.line} of ${v.where})` : ` (${v.where})`}: ${v.reason}`;
  return v.records === 0 ? `audit trail OK: no records (${v.parts.join(', ')})` : `audit trail OK: ${v.records} records, ${v.first}..${v.last} (${v.parts.join(', ')})`;
}

function openTrail(dataDir: string | undefined): { trail: AuditTrail; close(): void } {
  if (!dataDir) throw new RunFailure('name the data directory (or --file for an export)', 2);
  if (!fs.existsSync(`${dataDir}/${OPS_DB_FILE}`)) throw new RunFailure(`${dataDir} has no ${OPS_DB_FILE}: not a data directory with an operator side`, 2);
  const db = openOpsDb(dataDir);
  return { trail: new AuditTrail(db, `denpa-cli@${os.hostname()}`), close: () => db.close() };
}

export const auditCommand: CommandModule<object, AuditArgs> = {
  command: 'audit <action> [data-dir]',
  describe: 'The audit trail: verify its hash chain, export it as JSON Lines, rotate old records to an archive',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['verify', 'export', 'rotate'] as const })
      .positional('data-dir', { type: 'string', describe: "the core's data directory" })
      .option('archive', { type: 'string', array: true, describe: 'verify: archives made by rotate, oldest first; rotate: the archive file to write' })
      .option('file', { type: 'string', describe: 'verify: a JSON Lines export or archive on its own' })
      .option('since', { type: 'string', describe: 'export: from this instant (inclusive)' })
      .option('until', { type: 'string', describe: 'export: to this instant (exclusive)' })
      .option('before', { type: 'string', describe: 'rotate: move records older than this' })
      .option('out', { type: 'string', describe: 'export: write here instead of stdout' }) as unknown as Argv<AuditArgs>,
  handler: async (args: ArgumentsCamelCase<AuditArgs>) => {
    if (args.action === 'verify') {
      let verdict: TrailVerdict;
      if (args.file) verdict = verifyFile(args.file);
      else {
        const { trail, close } = openTrail(args['data-dir']);
        try {
          verdict = verifyTrail(trail, args.archive ?? []);
        } finally {
          close();
        }
      }
      if (!verdict.ok) throw new RunFailure(describeVerdict(verdict), 1);
      process.stdout.write(`${describeVerdict(verdict)}\n`);
      return;
    }
    const { trail, close } = openTrail(args['data-dir']);
    try {
      if (args.action === 'export') {
        const since = instant(args.since, '--since', 0);
        const until = instant(args.until, '--until', Number.MAX_SAFE_INTEGER);
        const fd = args.out ? fs.openSync(args.out, 'w') : 1;
        let n = 0;
        try {
          for (const r of trail.records(since, until)) {
            fs.writeSync(fd, `${JSON.stringify(r)}\n`);
            n++;
          }
          if (args.out) fs.fsyncSync(fd);
        } finally {
          if (args.out) fs.closeSync(fd);
        }
        process.stderr.write(`exported ${n} records\n`);
        return;
      }
      const archive = args.archive?.[0];
      if (!archive || args.before === undefined) throw new RunFailure('rotate needs --before <instant> and --archive <new file>', 2);
      const before = instant(args.before, '--before', 0);
      const { moved, anchor } = trail.rotate(before, archive, Date.now());
      process.stdout.write(moved === 0 ? 'nothing older than --before; nothing moved\n' : `moved ${moved} records to ${archive}; the trail now starts after record ${anchor!.seq}\n`);
    } catch (err) {
      if (err instanceof RunFailure) throw err;
      throw new RunFailure((err as Error).message, 1);
    } finally {
      close();
    }
  },
};
