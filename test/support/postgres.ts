// A throwaway PostgreSQL cluster for the tests that run the store on
// PostgreSQL: Debian's server binaries (scripts/ensure-test-tools.sh installs
// the `postgresql` package), a data directory in a temporary directory, a
// free loopback port, and the cluster stopped and removed by the test that
// started it. initdb refuses to run as root, so as root the cluster runs as
// the `postgres` system user (runuser) in a directory handed to it.
//
// The cluster runs with fsync off: it lives for one test file and a crash of
// the machine loses nothing a test needs. What the store's durability rests
// on (COMMIT returns after the WAL is written, synchronous_commit = on) is
// the server's default and is not changed here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

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
  /** Stops the server (immediate shutdown) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a cluster; rejects (having cleaned up) when initdb or pg_ctl fails. */
export async function startPostgres(): Promise<PostgresCluster> {
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
    if (started) {
      started = false;
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await exec('initdb', ['-D', data, '-U', 'denpa', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    started = true;
    await exec('pg_ctl', ['-D', data, '-l', path.join(root, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
  } catch (err) {
    const log = fs.existsSync(path.join(root, 'server.log')) ? fs.readFileSync(path.join(root, 'server.log'), 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`could not start PostgreSQL: ${(err as Error).message}${log ? `\n${log}` : ''}`);
  }
  const adminUrl = `postgres://denpa@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    adminUrl,
    async createDatabase() {
      const name = `denpa_test_${++databases}`;
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

/** Rows of one query ($1, $2, ... parameters) on a database of a cluster, on a connection of its own. */
export async function queryDatabase<T>(url: string, sql: string, args: readonly unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, [...args])).rows as T[];
  } finally {
    await client.end();
  }
}
