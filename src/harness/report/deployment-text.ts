// How the reports name a run's deployment. Pure.
import type { RunDeployment } from '../run-result/index.ts';

/** "1 core node on SQLite", "2 core nodes on PostgreSQL (local cluster), round-robin proxy in front". */
export function describeDeployment(d: RunDeployment): string {
  const nodes = `${d.nodes} core node${d.nodes === 1 ? '' : 's'}`;
  if (d.store === 'sqlite') return `${nodes} on SQLite`;
  return `${nodes} on PostgreSQL (${d.externalStore ? 'given server' : 'local cluster'})${d.nodes > 1 ? ', round-robin proxy in front' : ''}`;
}
