// The run's first step after the services are up: draw recipients from the
// simulator's number ranges, ask the simulator which carrier and fate each
// has, and write the traffic fixture the scenario's VUs will read.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buildFixture, candidateNumbers, type Recipient, type TrafficFixture } from '../../../scenarios/lib/fixture.ts';
import { RunFailure } from '../../runtime/index.ts';
import { isCarrier } from '../../domain/index.ts';
import type { SimulatorControl } from './control-client.ts';

const FATES = new Set(['deliverable', 'unreachable', 'undeliverable']);

export interface FixtureStepOptions {
  runId: string;
  seed: number;
  path: string;
  /** Distinct recipients drawn (default 600). */
  recipients?: number;
  /**
   * Leave ported numbers out (default false: they are sent, as real traffic
   * has them). A gateway that routes by prefix alone sends them to the wrong
   * SMSC, which refuses them (ESME_RINVDSTADR): that is a finding about the
   * gateway, so the default judges MNP handling rather than hiding it.
   */
  excludePorted?: boolean;
  poolSize?: number;
}

export async function writeTrafficFixture(sim: SimulatorControl, options: FixtureStepOptions): Promise<{ fixture: TrafficFixture; recipients: Recipient[] }> {
  const candidates = candidateNumbers(options.seed, options.recipients ?? 600);
  const found = await sim.lookup(candidates);
  if (found.length !== candidates.length) throw new RunFailure(`simulator looked up ${found.length} of ${candidates.length} numbers`);
  const recipients: Recipient[] = [];
  found.forEach((r, i) => {
    if (!isCarrier(r.carrier) || !FATES.has(r.fate)) throw new RunFailure(`simulator lookup of ${candidates[i]} gave carrier ${r.carrier}, fate ${r.fate}`);
    if (r.ported && options.excludePorted === true) return;
    recipients.push({ to: candidates[i] as string, number: r.number, carrier: r.carrier as Recipient['carrier'], fate: r.fate, ported: r.ported });
  });
  if (recipients.length === 0) throw new RunFailure('no recipient left for the fixture after the simulator lookup');
  const fixture = buildFixture({ runId: options.runId, seed: options.seed, recipients, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  await mkdir(dirname(options.path), { recursive: true });
  await writeFile(options.path, JSON.stringify(fixture));
  return { fixture, recipients };
}
