// A service child of the harness, started through startService from the
// sources (as under vitest): the simulator child gets its V8 flags, reports
// its endpoints, and is gone after stop().
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { liveServiceCount, startService, type ServiceProcess } from '../../../../src/harness/orchestrate/index.ts';
import { SIMULATOR_NODE_FLAGS } from '../../../../src/harness/orchestrate/service-process.ts';

describe('startService', () => {
  let running: ServiceProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('starts the simulator child with its V8 flags and stops it', async () => {
    running = await startService('sim', { seed: 5, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0 });
    expect(running.endpoints.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const cmdline = (await readFile(`/proc/${running.pid}/cmdline`, 'utf8')).split('\0');
    for (const flag of SIMULATOR_NODE_FLAGS) expect(cmdline).toContain(flag);
    expect((await fetch(`${running.endpoints.controlUrl}/healthz`)).status).toBe(200);
    await running.stop();
    running = undefined;
    expect(liveServiceCount()).toBe(0);
  });

  it('gives the sink child no simulator flags', async () => {
    running = await startService('sink', { port: 0 });
    const cmdline = (await readFile(`/proc/${running.pid}/cmdline`, 'utf8')).split('\0');
    for (const flag of SIMULATOR_NODE_FLAGS) expect(cmdline).not.toContain(flag);
  });
});
