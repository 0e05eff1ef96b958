// The store's test suite runs on every backend: each test file wraps its
// tests in describeEachBackend(), which gives every test a store opened on an
// empty location (a temporary data directory; a
// new database on a throwaway PostgreSQL cluster started for the file) and
// removes it after. Without PostgreSQL's binaries the PostgreSQL half skips
// with a one-line reason (fails in CI: test/support/postgres.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { openStore, type NodeIdentity, type ServedStore } from '../../../../src/core/store/index.ts';
import { havePostgres, queryDatabase, startPostgres, type PostgresCluster } from '../../../support/postgres.ts';

export type BackendName = 'sqlite' | 'postgres';
export const STORE_BACKENDS: readonly { readonly name: BackendName }[] = [{ name: 'sqlite' }, { name: 'postgres' }];

export interface BackendContext {
  readonly name: BackendName;
  /** Opens (again) the store at this test's location; `node` names the core node opening it (several may, on PostgreSQL). */
  open(node?: NodeIdentity): Promise<ServedStore>;
  /** Rows in `table` at this test's location, read beside the store. */
  count(table: string): Promise<number>;
  /** Rows of a query ($1, $2, ... parameters) at this test's location, read beside the store. */
  query<T>(sql: string, args?: readonly unknown[]): Promise<T[]>;
}

/** Whether `name` can run here (registers nothing); prints the skip reason once when it cannot. */
export function backendAvailable(name: BackendName, suite: string): boolean {
  return name === 'sqlite' || havePostgres(suite);
}

/** Registers the hooks that give each test an empty location for `name`. Call inside the describe. */
export function useBackend(name: BackendName): BackendContext {
  let location = '';
  if (name === 'sqlite') {
    beforeEach(() => {
      location = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-store-'));
    });
    afterEach(() => fs.rmSync(location, { recursive: true, force: true }));
    return {
      name,
      open: (node) => openStore({ backend: 'sqlite', options: { dataDir: location, ...(node ? { node } : {}) } }),
      async count(table) {
        return (await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0;
      },
      async query<T>(sql: string, args: readonly unknown[] = []) {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(path.join(location, 'denpa.db'), { readonly: true });
        try {
          return db.prepare(sql.replace(/\$\d+/g, '?')).all(...args) as T[];
        } finally {
          db.close();
        }
      },
    };
  }
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    if (!cluster) throw new Error('the PostgreSQL cluster did not start');
    location = await cluster.createDatabase();
  });
  return {
    name,
    open: (node) => openStore({ backend: 'postgres', options: { url: location, ...(node ? { node } : {}) } }),
    async count(table) {
      return Number((await this.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
    },
    query: <T>(sql: string, args: readonly unknown[] = []) => queryDatabase<T>(location, sql, args),
  };
}

/** The store a test of describeEachBackend works on: opened before each test, closed after it (a test may reopen it). */
export interface StoreUnderTest {
  store: ServedStore;
}

/** A describe per backend (skipped with its reason where PostgreSQL is absent), each test with a fresh store in `t.store`. */
export function describeEachBackend(title: string, body: (t: StoreUnderTest, backend: BackendContext) => void): void {
  describe.each(STORE_BACKENDS)(`${title} on $name`, ({ name }) => {
    if (!backendAvailable(name, `${title} on ${name}`)) {
      it.skip('needs PostgreSQL', () => undefined);
      return;
    }
    const backend = useBackend(name);
    const t = {} as StoreUnderTest;
    beforeEach(async () => {
      t.store = await backend.open();
    });
    afterEach(async () => {
      await t.store.close();
    });
    body(t, backend);
  });
}
