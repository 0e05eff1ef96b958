// The door to the simulator: start it (tests, the harness, `denpa sim`).
//
//   const sim = await startSimulator({ seed: 7, ports: { docomo: 0, au: 0, softbank: 0 }, controlPort: 0 });
//   sim.ports.docomo; sim.controlUrl; await sim.close();
import { Type, type Static } from '@sinclair/typebox';
import { SystemClock, type Clock } from '../src/runtime/index.ts';
import { SMSCS, type SmscName } from './carrier.ts';
import { DEFAULT_PORTED_SHARE, loadConfigFile, resolveConfig, type SimulatorConfig } from './config.ts';
import { buildControlApp } from './control/app.ts';
import { ConfigError } from './errors.ts';
import { schemaProblems } from './profile.ts';
import { Simulator } from './simulator.ts';

export const DEFAULT_PORTS: Record<SmscName, number> = { docomo: 2775, au: 2776, softbank: 2777, aggregator: 2778 };
export const DEFAULT_CONTROL_PORT = 8775;
export const DEFAULT_SEED = 1;

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** The JSON part of the options (what the harness passes across processes). */
export const SimulatorOptions = Type.Object(
  {
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'fixes every random decision; default: the config file seed, else 1' })),
    configFile: Type.Optional(Type.String({ minLength: 1, description: 'path of a JSON profile file' })),
    config: Type.Optional(Type.Unknown({ description: 'the same content as a config file, inline' })),
    portedShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'default 127.0.0.1' })),
    ports: Type.Optional(Type.Object({ docomo: Type.Optional(Port), au: Type.Optional(Port), softbank: Type.Optional(Port), aggregator: Type.Optional(Port) }, { additionalProperties: false })),
    controlPort: Type.Optional(Port),
    receiptResponseTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, description: 'deliver_sm_resp wait before a receipt is re-sent; default 10000' })),
    logger: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SimulatorOptions = Static<typeof SimulatorOptions> & {
  /** Fake time for tests; default the system clock. */
  clock?: Clock;
};

export interface RunningSimulator {
  ports: Record<SmscName, number>;
  controlUrl: string;
  host: string;
  seed: number;
  /** The running simulator, for in-process tests. */
  simulator: Simulator;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const { clock: givenClock, ...json } = options;
  const problems = schemaProblems(SimulatorOptions, json, '');
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `simulator options: ${p.field || '(root)'}: ${p.message}`).join('\n'), problems);
  let config: SimulatorConfig;
  if (json.configFile !== undefined && json.config !== undefined) throw new ConfigError('simulator options: give configFile or config, not both');
  if (json.configFile !== undefined) config = loadConfigFile(json.configFile);
  else config = resolveConfig(json.config ?? {}, 'config');
  const clock = givenClock ?? new SystemClock();
  const host = json.host ?? '127.0.0.1';
  const seed = json.seed ?? config.seed ?? DEFAULT_SEED;
  const ports = Object.fromEntries(SMSCS.map((c) => [c, json.ports?.[c] ?? DEFAULT_PORTS[c]])) as Record<SmscName, number>;
  const simulator = await Simulator.start({
    seed,
    portedShare: json.portedShare ?? config.portedShare ?? DEFAULT_PORTED_SHARE,
    profiles: config.profiles,
    host,
    ports,
    clock,
    receiptResponseTimeoutMs: json.receiptResponseTimeoutMs ?? 10_000,
  });
  let app;
  try {
    app = await buildControlApp(simulator, { logger: json.logger ?? false });
    await app.listen({ host, port: json.controlPort ?? DEFAULT_CONTROL_PORT });
  } catch (err) {
    await simulator.close();
    await app?.close();
    throw err;
  }
  const address = app.server.address();
  const controlPort = typeof address === 'object' && address ? address.port : (json.controlPort ?? DEFAULT_CONTROL_PORT);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    ports: simulator.ports,
    controlUrl: `http://${urlHost}:${controlPort}`,
    host,
    seed,
    simulator,
    close() {
      closing ??= Promise.all([app.close(), simulator.close()]).then(() => undefined);
      return closing;
    },
  };
}

export { Simulator } from './simulator.ts';
export { buildControlApp } from './control/app.ts';
export { type CarrierName, CARRIERS, type SmscName, SMSCS, AGGREGATOR, type Route } from './carrier.ts';
export { type CarrierProfile, defaultProfile } from './profile.ts';
export { type NumberRecord, type HandsetFate, canonicalNumber, homeCarrierOf } from './numbering.ts';
export { type RunSummary } from './ledger.ts';
export { type ProbeView } from './probe-records.ts';
export { type Fault, type FaultKind, FAULT_KINDS } from './fault-schedule.ts';
export { SimulatorError, ConfigError } from './errors.ts';
