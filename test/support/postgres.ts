// The tests' throwaway PostgreSQL cluster is the harness's own
// (src/harness/postgres/cluster.ts): `denpa run --store postgres` starts the
// same one, so there is one way to start it.
export { havePostgres, postgresBinDir, startPostgres, type PostgresCluster } from '../../src/harness/postgres/cluster.ts';
