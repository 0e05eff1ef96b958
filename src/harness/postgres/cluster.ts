// A throwaway PostgreSQL cluster, for the tests that run the store on
// PostgreSQL and for `denpa run --store postgres`: Debian's server binaries
// (scripts/ensure-test-tools.sh installs the `postgresql` package), a data
// directory in a temporary directory, a free loopback port, and the cluster
// stopped and removed by whoever started it. initdb refuses to run as root,
// so as root the cluster runs as the `postgres` system user (runuser) in a
// directory handed to it.
//
// Tests run it with fsync off: it lives for one test file and a crash of the
// machine loses nothing a test needs. A harness run keeps fsync on (`fsync:
// true`), so the throughput it judges pays for the flushes a real server
// makes. What the store's durability rests on (COMMIT returns after the WAL
// is written, synchronous_commit = on) is the server's default either way.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../gateway/kannel-process.ts';

const run = promisify(execFile);
const LIB = '/usr/lib/postgresql';

/** The newest installed server's bin directory (with initdb and pg_ctl), if any. */
export function postgresBinDir(): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(LIB);
  } catch {
    return undefined;
  }
  const usable = versions
    .filter((v) => fs.existsSync(path.join(LIB, v, 'bin', 'initdb')) && fs.existsSync(path.join(LIB, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return usable[0] === undefined ? undefined : path.join(LIB, usable[0], 'bin');
}

/**
 * Whether the PostgreSQL tests can run. Without the binaries: in CI
 * (CI=true) that is a broken runner and throws; elsewhere the suite skips and
 * says why in one line on stderr.
 */
export function havePostgres(suite: string): boolean {
  if (postgresBinDir() !== undefined) return true;
  const reason = `no PostgreSQL server binaries under ${LIB}/*/bin (apt-get install postgresql; scripts/ensure-test-tools.sh does)`;
  if (process.env.CI === 'true') throw new Error(`${suite}: ${reason}`);
  process.stderr.write(`${suite} skipped: ${reason}\n`);
  return false;
}

export interface PostgresCluster {
  /** postgres://denpa@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  readonly adminUrl: string;
  /** A new, empty database; resolves with its URL. */
  createDatabase(): Promise<string>;
  /** The server's process id (the postmaster). */
  readonly pid: number;
  /** Stops the server (immediate shutdown) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

// pg_ctl runs the server detached from us, so nothing would stop it if this
// process died without calling stop(): a second Ctrl-C (process.exit) or an
// uncaught error. 'exit' handlers run synchronously, hence execFileSync.
const liveClusters = new Map<string, () => void>();
let exitHookInstalled = false;
function stopAtExit(root: string, stopNow: () => void): void {
  liveClusters.set(root, stopNow);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const f of liveClusters.values()) f();
  });
}

export interface StartPostgresOptions {
  /** Flush the WAL to disk (default false: a test cluster). */
  fsync?: boolean;
}

/** Starts a cluster; rejects (having cleaned up) when initdb or pg_ctl fails. */
export async function startPostgres(o: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(`no PostgreSQL server binaries under ${LIB}/*/bin`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-pg-'));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    fs.chownSync(root, Number(stdout.trim()), Number(gid.trim()));
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout: 60_000 }) : run(path.join(bin, tool), args, { timeout: 60_000 });
  const port = await freePort();
  let started = false;
  const stop = async (): Promise<void> => {
    liveClusters.delete(root);
    if (started) {
      started = false;
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  stopAtExit(root, () => {
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...args], { timeout: 10_000, stdio: 'ignore' });
      else execFileSync(path.join(bin, 'pg_ctl'), args, { timeout: 10_000, stdio: 'ignore' });
    } catch {
      // Not running (any more): nothing to stop.
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  try {
    await exec('initdb', ['-D', data, '-U', 'denpa', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 ${o.fsync ? '' : '-c fsync=off -c full_page_writes=off '}-c max_connections=200`;
    started = true;
    await exec('pg_ctl', ['-D', data, '-l', path.join(root, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
  } catch (err) {
    const log = fs.existsSync(path.join(root, 'server.log')) ? fs.readFileSync(path.join(root, 'server.log'), 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`could not start PostgreSQL: ${(err as Error).message}${log ? `\n${log}` : ''}`);
  }
  const adminUrl = `postgres://denpa@127.0.0.1:${port}/postgres`;
  const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let databases = 0;
  return {
    adminUrl,
    pid,
    async createDatabase() {
      const name = `denpa_${++databases}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://denpa@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}
