// The tests' throwaway PostgreSQL cluster is the harness's own
// (src/harness/postgres/cluster.ts): `denpa run --store postgres` starts the
// same one, so there is one way to start it.
import pg from 'pg';

export { havePostgres, postgresBinDir, startPostgres, type PostgresCluster } from '../../src/harness/postgres/cluster.ts';

/** Rows of one query on a test database, on a connection of its own. */
export async function queryDatabase<T>(url: string, sql: string, args: readonly unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, [...args])).rows as T[];
  } finally {
    await client.end();
  }
}
