import { describe, expect, it } from 'vitest';
import { MAX_CORE_NODES, deploymentLabel, parseStore, resolveDeployment } from '../../../../src/harness/orchestrate/deployment.ts';
import { describeDeployment } from '../../../../src/harness/report/deployment-text.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';

const local = { gateway: 'denpa', external: false };

function failure(f: () => unknown): RunFailure {
  try {
    f();
  } catch (err) {
    if (err instanceof RunFailure) return err;
    throw err;
  }
  throw new Error('expected a RunFailure');
}

describe('deployment', () => {
  it('defaults to one core on SQLite', () => {
    expect(resolveDeployment(local)).toEqual({ nodes: 1, store: { kind: 'sqlite' } });
  });

  it('takes N nodes on a local cluster or on a given server', () => {
    expect(resolveDeployment({ ...local, coreNodes: 3, store: 'postgres' })).toEqual({ nodes: 3, store: { kind: 'postgres' } });
    expect(resolveDeployment({ ...local, coreNodes: 2, store: 'postgres://denpa@127.0.0.1:5432/denpa' })).toEqual({ nodes: 2, store: { kind: 'postgres', url: 'postgres://denpa@127.0.0.1:5432/denpa' } });
    expect(resolveDeployment({ ...local, store: 'postgres' })).toEqual({ nodes: 1, store: { kind: 'postgres' } });
  });

  it('refuses several nodes without PostgreSQL, with exit code 2', () => {
    const e = failure(() => resolveDeployment({ ...local, coreNodes: 2 }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('--core-nodes 2 needs --store postgres (or --store postgres://…): several core nodes share one PostgreSQL database; an SQLite file belongs to one core');
  });

  it('refuses node counts outside 1..MAX_CORE_NODES and non-integers', () => {
    for (const n of [0, -1, 1.5, MAX_CORE_NODES + 1]) expect(failure(() => resolveDeployment({ ...local, coreNodes: n, store: 'postgres' })).message).toMatch(/^--core-nodes .*: expected an integer from 1 to 4/);
  });

  it('refuses a deployment with --target or another gateway', () => {
    expect(failure(() => resolveDeployment({ ...local, coreNodes: 2, store: 'postgres', external: true })).message).toMatch(/with --target the deployment is the one you point at/);
    expect(failure(() => resolveDeployment({ ...local, store: 'postgres', gateway: 'kannel' })).message).toBe('--store postgres is for our core (--gateway denpa), not kannel');
    // The defaults are no request: --target with them is fine.
    expect(resolveDeployment({ ...local, coreNodes: 1, store: 'sqlite', external: true }).nodes).toBe(1);
  });

  it('parses the store and refuses anything else', () => {
    expect(parseStore('sqlite')).toEqual({ kind: 'sqlite' });
    expect(parseStore('postgresql://u:p@h/d')).toEqual({ kind: 'postgres', url: 'postgresql://u:p@h/d' });
    expect(failure(() => parseStore('mysql://x')).message).toMatch(/^--store mysql:\/\/x: expected sqlite, postgres/);
  });

  it('names the deployment without the store URL', () => {
    const label = deploymentLabel({ nodes: 2, store: { kind: 'postgres', url: 'postgres://u:secret@h/d' } });
    expect(label).toEqual({ nodes: 2, store: 'postgres', externalStore: true });
    expect(describeDeployment(label)).toBe('2 core nodes on PostgreSQL (given server), round-robin proxy in front');
    expect(describeDeployment(deploymentLabel({ nodes: 1, store: { kind: 'sqlite' } }))).toBe('1 core node on SQLite');
    expect(describeDeployment(deploymentLabel({ nodes: 1, store: { kind: 'postgres' } }))).toBe('1 core node on PostgreSQL (local cluster)');
  });
});
