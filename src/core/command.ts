// `denpa core`: run the delivery core until SIGTERM/SIGINT, then shut down
// gracefully (stop accepting, drain in-flight submits, close binds).
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { RunFailure, SeededRandom } from '../runtime/index.ts';
import { ConfigError, loadConfigFile, resolveConfig, type CoreConfig } from './config/index.ts';

interface CoreArgs {
  config?: string;
  'data-dir'?: string;
  port?: number;
  host?: string;
  seed?: number;
}

/** The config file (or the embedded default) with the command-line overrides applied and validated. */
export function coreConfigFromArgs(args: CoreArgs): CoreConfig {
  const base = loadConfigFile(args.config);
  const source = args.config ?? '<default>';
  const merged = {
    ...base,
    http: { ...base.http, ...(args.port !== undefined ? { port: args.port } : {}), ...(args.host !== undefined ? { host: args.host } : {}) },
    store: { ...base.store, ...(args['data-dir'] !== undefined ? { dataDir: args['data-dir'] } : {}) },
  };
  return resolveConfig(merged, `${source} + command line`);
}

export const coreCommand: CommandModule<object, CoreArgs> = {
  command: 'core',
  describe: 'Run the delivery core: HTTP API -> SQLite -> SMPP to docomo, au, softbank',
  builder: (y: Argv) =>
    y
      .option('config', { type: 'string', describe: 'JSON config file (default: built-in, pointing at `denpa sim` defaults)' })
      .option('data-dir', { type: 'string', describe: 'Directory for the SQLite store (overrides store.dataDir)' })
      .option('port', { type: 'number', describe: 'HTTP port (overrides http.port; 0 = any free port)' })
      .option('host', { type: 'string', describe: 'HTTP host (overrides http.host)' })
      .option('seed', { type: 'number', describe: 'Seed for back-off jitter (default: from the clock)' }) as unknown as Argv<CoreArgs>,
  handler: async (args: ArgumentsCamelCase<CoreArgs>) => {
    let config: CoreConfig;
    try {
      config = coreConfigFromArgs(args);
    } catch (err) {
      if (err instanceof ConfigError) throw new RunFailure(`invalid config: ${err.problems.join('; ')}`, 2);
      throw err;
    }
    const { startCore } = await import('./index.ts');
    let core: Awaited<ReturnType<typeof startCore>>;
    try {
      core = await startCore(config, args.seed !== undefined ? { random: new SeededRandom(args.seed) } : {});
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new RunFailure(`port ${config.http.port} on ${config.http.host} is in use`, 2);
      if (typeof e.code === 'string' && e.code.startsWith('STORE_ERR_')) throw new RunFailure(e.message, 2);
      throw err;
    }
    const carriers = Object.entries(config.carriers)
      .map(([name, c]) => `${name} ${c.host}:${c.port} x${c.binds}`)
      .join(', ');
    process.stderr.write(`denpa core listening on ${core.url} (data ${config.store.dataDir}; SMPP ${carriers})\n`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          process.stderr.write(`denpa core: ${signal} again, exiting without draining\n`);
          process.exit(1);
        }
        stopping = true;
        process.stderr.write(`denpa core: ${signal}, shutting down (draining in-flight submits)\n`);
        core
          .close()
          .catch((err: unknown) => process.stderr.write(`denpa core: shutdown error: ${(err as Error).message}\n`))
          .finally(() => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            resolve();
          });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // A dead delivery thread would leave the core accepting and never delivering: stop, and let the supervisor restart it.
      void core.deliveryFailed.then((err) => {
        if (stopping) return;
        process.stderr.write(`denpa core: the delivery thread failed (${err.message}); shutting down\n`);
        process.exitCode = 1;
        stop('SIGTERM');
      });
    });
    process.stderr.write('denpa core stopped\n');
  },
};
