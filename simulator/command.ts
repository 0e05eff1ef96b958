// `denpa sim`: start the three fake SMSCs and the control API, print where
// they listen, run until SIGINT/SIGTERM, then shut down cleanly.
import type { CommandModule } from 'yargs';
import { RunFailure } from '../src/runtime/index.ts';
import { SMSCS } from './carrier.ts';
import { SimulatorError } from './errors.ts';
import { DEFAULT_CONTROL_PORT, DEFAULT_PORTS, startSimulator } from './index.ts';

interface SimArgs {
  seed?: number;
  config?: string;
  host: string;
  'docomo-port': number;
  'au-port': number;
  'softbank-port': number;
  'aggregator-port': number;
  'control-port': number;
  'ported-share'?: number;
  log: boolean;
}

export const simCommand: CommandModule<object, SimArgs> = {
  command: 'sim',
  describe: 'Run the carrier simulator: fake SMSCs for docomo, au and SoftBank plus the control API',
  builder: (y) =>
    y
      .option('seed', { type: 'number', describe: 'seed for every random decision (default: config file seed, else 1)' })
      .option('config', { type: 'string', describe: 'JSON profile file (see docs/simulator.md)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
      .option('docomo-port', { type: 'number', default: DEFAULT_PORTS.docomo })
      .option('au-port', { type: 'number', default: DEFAULT_PORTS.au })
      .option('softbank-port', { type: 'number', default: DEFAULT_PORTS.softbank })
      .option('aggregator-port', { type: 'number', default: DEFAULT_PORTS.aggregator, describe: 'the aggregator SMSC (the second route, to every carrier)' })
      .option('control-port', { type: 'number', default: DEFAULT_CONTROL_PORT })
      .option('ported-share', { type: 'number', describe: 'share of ported numbers, 0..1 (default 0.05)' })
      .option('log', { type: 'boolean', default: false, describe: 'log control API requests' }) as never,
  handler: async (args) => {
    let sim;
    try {
      sim = await startSimulator({
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args.config !== undefined ? { configFile: args.config } : {}),
        ...(args['ported-share'] !== undefined ? { portedShare: args['ported-share'] } : {}),
        host: args.host,
        ports: { docomo: args['docomo-port'], au: args['au-port'], softbank: args['softbank-port'], aggregator: args['aggregator-port'] },
        controlPort: args['control-port'],
        logger: args.log,
      });
    } catch (err) {
      if (err instanceof SimulatorError) throw new RunFailure(err.message.replace(/\n/g, '; '));
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new RunFailure(`cannot listen: ${e.message}`);
      throw err;
    }
    const out = process.stdout;
    out.write(`denpa sim: seed ${sim.seed}\n`);
    for (const c of SMSCS) out.write(`  ${c.padEnd(10)} SMPP     ${sim.host}:${sim.ports[c]}\n`);
    out.write(`  control  HTTP     ${sim.controlUrl}  (OpenAPI: ${sim.controlUrl}/openapi.json)\n`);
    const running = sim;
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        out.write(`denpa sim: ${signal}, shutting down\n`);
        // Bounded: sessions that do not close in time are destroyed by the exit.
        const deadline = setTimeout(() => resolve(), 8_000);
        deadline.unref();
        void running.close().finally(() => {
          clearTimeout(deadline);
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
};
