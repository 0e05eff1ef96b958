// The deployment a local run starts: how many core nodes, on which store.
// Pure: validated once from the options (--core-nodes, --store), named on
// every report and sheet the run writes.
//
//   1 node,  sqlite            the default: one core, its embedded SQLite file
//   1 node,  postgres          one core on a local throwaway PostgreSQL cluster
//   N nodes, postgres          N cores on one database, the round-robin proxy in front
//   N nodes, postgres://url    the same on a server that already runs
import { RunFailure } from '../../runtime/index.ts';
import type { RunDeployment } from '../run-result/index.ts';

/**
 * The local core's contract with each carrier: 2 binds of 15 submit_sm/s,
 * 30 per carrier. Small on purpose: a load a 2-core CI machine can drive
 * (tens of messages per second) must be able to fill the links, or the
 * promotion blast would never make OTPs compete for them. With N nodes the
 * contract is N times this (each node's share of the bind limit is 2 binds),
 * so a run across node counts measures how the core scales, not a carrier
 * contract that stays the same.
 */
export const LOCAL_LINK = { binds: 2, tpsPerBind: 15 } as const;

export type StoreChoice = { kind: 'sqlite' } | { kind: 'postgres'; /** undefined = a local cluster started for the run */ url?: string };

export interface Deployment {
  nodes: number;
  store: StoreChoice;
}

/**
 * The simulator lets one system_id hold 8 binds at once and every local node
 * holds LOCAL_LINK.binds of them per carrier, so more nodes than this would
 * be refused binds by the simulator, not judged.
 */
export const MAX_CORE_NODES = Math.floor(8 / LOCAL_LINK.binds);

export const SINGLE_NODE: Deployment = { nodes: 1, store: { kind: 'sqlite' } };

/** `sqlite`, `postgres` or a postgres:// URL. */
export function parseStore(text: string): StoreChoice {
  if (text === 'sqlite') return { kind: 'sqlite' };
  if (text === 'postgres') return { kind: 'postgres' };
  if (/^postgres(ql)?:\/\/\S+$/.test(text)) return { kind: 'postgres', url: text };
  throw new RunFailure(`--store ${text}: expected sqlite, postgres (a local throwaway cluster) or a postgres://user@host:port/database URL`);
}

export interface DeploymentInput {
  coreNodes?: number;
  store?: string;
  gateway: string;
  /** --target: a deployment that is not started here. */
  external: boolean;
}

export function resolveDeployment(o: DeploymentInput): Deployment {
  const nodes = o.coreNodes ?? 1;
  const store = parseStore(o.store ?? 'sqlite');
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_CORE_NODES) {
    throw new RunFailure(`--core-nodes ${nodes}: expected an integer from 1 to ${MAX_CORE_NODES} (the simulator allows 8 binds per system_id; each node binds ${LOCAL_LINK.binds} per carrier)`);
  }
  const asked = o.coreNodes !== undefined && o.coreNodes !== 1 ? `--core-nodes ${nodes}` : store.kind === 'postgres' ? `--store ${o.store === 'postgres' ? 'postgres' : 'postgres://…'}` : undefined;
  if (asked && o.external) throw new RunFailure(`${asked} describes a deployment denpa starts here; with --target the deployment is the one you point at`);
  if (asked && o.gateway !== 'denpa') throw new RunFailure(`${asked} is for our core (--gateway denpa), not ${o.gateway}`);
  if (nodes > 1 && store.kind === 'sqlite') {
    throw new RunFailure(`--core-nodes ${nodes} needs --store postgres (or --store postgres://…): several core nodes share one PostgreSQL database; an SQLite file belongs to one core`);
  }
  return { nodes, store };
}

/** What the reports say about a deployment (never the store URL: it may carry a password). */
export function deploymentLabel(d: Deployment): RunDeployment {
  return { nodes: d.nodes, store: d.store.kind, externalStore: d.store.kind === 'postgres' && d.store.url !== undefined };
}
