// A core node's identity on a shared store. The default id is the host name
// and the process id: unique among live processes on one network, and a
// restarted process is a new node (its predecessor's in-flight work is taken
// back when that predecessor's lease expires). Give `node.id` in the config
// for an id that survives restarts: the node then takes its own in-flight
// work back at start, without waiting for the lease.
import os from 'node:os';
import type { NodeIdentity } from './types.ts';

/** How long a node's claims hold without a heartbeat (it beats every third of this). */
export const DEFAULT_LEASE_MS = 15_000;

export function defaultNodeId(): string {
  return `${os.hostname()}-${process.pid}`;
}

export function nodeIdentity(id: string | undefined, leaseMs: number | undefined): NodeIdentity {
  return { id: id ?? defaultNodeId(), leaseMs: leaseMs ?? DEFAULT_LEASE_MS };
}
