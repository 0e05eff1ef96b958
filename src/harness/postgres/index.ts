// A throwaway local PostgreSQL for a run (and for the tests).
export { havePostgres, postgresBinDir, startPostgres, type PostgresCluster } from './cluster.ts';
