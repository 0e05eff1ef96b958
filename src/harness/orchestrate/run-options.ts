// The options of one run, validated once at the edge (the CLI or a test)
// into a resolved object that carries the clock.
import { resolve, basename, extname } from 'node:path';
import { existsSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RunFailure, SystemClock, type Clock } from '../../runtime/index.ts';
import { runIdFrom, isRunId } from '../../probe/index.ts';
import type { ProgressMode } from './progress-line.ts';
import type { EngineChoice } from './engine-runner.ts';
import type { SharedServices } from './local-stack.ts';
import { resolveDeployment, type Deployment } from './deployment.ts';
import { loadHttpGatewayConfig } from '../gateway/http-config.ts';
import type { GatewayName, HttpGatewayConfig } from '../../../scenarios/lib/gateway/index.ts';

export const RunOptionsSchema = Type.Object(
  {
    scenario: Type.String({ minLength: 1, description: 'path of the scenario script' }),
    engine: Type.Union([Type.Literal('builtin'), Type.Literal('k6'), Type.Literal('auto')], { default: 'auto' }),
    seed: Type.Integer({ minimum: 0, maximum: 0xffffffff, default: 1 }),
    runId: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{4}$' })),
    durationScale: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 1 }),
    rateScale: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 1 }),
    out: Type.String({ minLength: 1, default: 'reports' }),
    gateway: Type.Union([Type.Literal('denpa'), Type.Literal('kannel'), Type.Literal('jasmin'), Type.Literal('http')], { default: 'denpa', description: 'how messages are sent and callbacks read' }),
    gatewayConfig: Type.Optional(Type.String({ minLength: 1, description: "the http adapter's JSON config file" })),
    target: Type.Optional(Type.String({ pattern: '^https?://' })),
    sim: Type.Optional(Type.String({ pattern: '^https?://' })),
    apiKey: Type.String({ minLength: 1, default: 'denpa-dev-key' }),
    callbackSecret: Type.Optional(Type.String({ minLength: 1 })),
    sinkHost: Type.String({ minLength: 1, default: '127.0.0.1' }),
    sinkPort: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
    reset: Type.Boolean({ default: true, description: 'POST /v1/reset to the simulator before the run' }),
    warmUp: Type.Integer({ minimum: 0, maximum: 10_000, default: 40, description: 'messages sent before the run, under another run id, to warm the gateway up' }),
    excludePorted: Type.Boolean({ default: false, description: 'leave ported numbers out of the fixture (by default they are sent: MNP handling is judged)' }),
    settleTimeout: Type.Number({ minimum: 0, maximum: 3600, default: 30, description: 'seconds to wait for the delivery tail' }),
    otpDeadline: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 10, description: 'seconds' }),
    progress: Type.Union([Type.Literal('auto'), Type.Literal('tty'), Type.Literal('lines'), Type.Literal('off')], { default: 'auto' }),
    coreNodes: Type.Number({ default: 1, description: 'core nodes started here (more than 1 needs store postgres)' }),
    store: Type.String({ minLength: 1, default: 'sqlite', description: "the local core's store: sqlite, postgres (a throwaway local cluster) or a postgres:// URL" }),
    env: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), { default: {}, description: 'extra __ENV for the script (k6 -e)' }),
  },
  { additionalProperties: false },
);
export type RunOptionsInput = Partial<Static<typeof RunOptionsSchema>> & { scenario: string };

export interface ResolvedRunOptions {
  scenarioPath: string;
  /** Basename without extension, e.g. `otp-steady`. */
  scenario: string;
  engine: EngineChoice;
  /** auto = builtin (the gate's embedded default) instead of "k6 when installed". */
  preferBuiltin: boolean;
  seed: number;
  runId: string;
  durationScale: number;
  rateScale: number;
  outDir: string;
  runDir: string;
  /** The gateway's adapter; denpa and kannel can be started here, jasmin and http need --target. */
  gateway: GatewayName;
  /** The http adapter's validated config. */
  httpConfig?: HttpGatewayConfig;
  /** The core nodes started here and their store (1 node on SQLite unless --core-nodes/--store). */
  deployment: Deployment;
  target?: { coreUrl: string; simUrl: string };
  apiKey: string;
  callbackSecret?: string;
  sinkHost: string;
  sinkPort: number;
  reset: boolean;
  /** Ported numbers left out of the fixture (default: sent, so MNP handling is judged). */
  excludePorted: boolean;
  /** Messages sent (and not judged) before the run. */
  warmUp: number;
  settleTimeoutMs: number;
  otpDeadlineMs: number;
  progress: ProgressMode | 'auto';
  /** Extra __ENV for the script; the harness's own keys (CORE_URL, RUN_ID, ...) win. */
  env: Record<string, string>;
  clock: Clock;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  /** A simulator and sink kept running across runs (the gate); local runs only. */
  shared?: SharedServices;
}

export interface ResolveExtras {
  shared?: SharedServices;
  clock?: Clock;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
  preferBuiltin?: boolean;
  /** Source of the run id when none is given (default: the clock in 10 ms steps, wrapping after ~4.7 h). */
  runIdSource?: number;
}

export function resolveRunOptions(input: RunOptionsInput, extras: ResolveExtras = {}): ResolvedRunOptions {
  const raw = Value.Default(RunOptionsSchema, Value.Clean(RunOptionsSchema, structuredClone(input)));
  if (!Value.Check(RunOptionsSchema, raw)) {
    const e = Value.Errors(RunOptionsSchema, raw).First();
    throw new RunFailure(`option --${(e?.path ?? '/').replace(/^\//, '') || '?'}: ${e?.message ?? 'invalid'}`);
  }
  const o = raw as Static<typeof RunOptionsSchema>;
  const scenarioPath = resolve(o.scenario);
  if (!existsSync(scenarioPath)) throw new RunFailure(`scenario ${o.scenario} not found`);
  if ((o.target === undefined) !== (o.sim === undefined)) throw new RunFailure('--target and --sim go together: give both (staging) or neither (local)');
  if ((o.gateway === 'jasmin' || o.gateway === 'http') && o.target === undefined) {
    throw new RunFailure(`--gateway ${o.gateway} needs --target (and --sim): denpa starts only its own core or Kannel itself`);
  }
  if (o.gateway === 'http' && o.gatewayConfig === undefined) throw new RunFailure('--gateway http needs --gateway-config file.json');
  if (o.gateway !== 'http' && o.gatewayConfig !== undefined) throw new RunFailure(`--gateway-config is for --gateway http, not ${o.gateway}`);
  if ((o.gateway === 'kannel' || o.gateway === 'jasmin') && o.target !== undefined && !o.apiKey.includes(':')) {
    throw new RunFailure(`--gateway ${o.gateway} with --target needs --api-key username:password`);
  }
  const deployment = resolveDeployment({ coreNodes: o.coreNodes, store: o.store, gateway: o.gateway, external: o.target !== undefined });
  const httpConfig = o.gatewayConfig === undefined ? undefined : loadHttpGatewayConfig(resolve(o.gatewayConfig));
  const clock = extras.clock ?? new SystemClock();
  const runId = o.runId ?? runIdFrom(extras.runIdSource ?? Math.floor(clock.now() / 10));
  if (!isRunId(runId)) throw new RunFailure(`run id ${runId} is not four characters [0-9A-Z]`);
  const outDir = resolve(o.out);
  return {
    scenarioPath,
    scenario: basename(scenarioPath, extname(scenarioPath)),
    engine: o.engine,
    preferBuiltin: extras.preferBuiltin ?? false,
    seed: o.seed,
    runId,
    durationScale: o.durationScale,
    rateScale: o.rateScale,
    outDir,
    runDir: resolve(outDir, runId),
    gateway: o.gateway,
    ...(httpConfig ? { httpConfig } : {}),
    deployment,
    ...(o.target && o.sim ? { target: { coreUrl: o.target, simUrl: o.sim } } : {}),
    apiKey: o.apiKey,
    ...(o.callbackSecret ? { callbackSecret: o.callbackSecret } : {}),
    sinkHost: o.sinkHost,
    sinkPort: o.sinkPort,
    reset: o.reset,
    excludePorted: o.excludePorted,
    warmUp: o.warmUp,
    settleTimeoutMs: o.settleTimeout * 1000,
    otpDeadlineMs: o.otpDeadline * 1000,
    progress: o.progress,
    env: o.env,
    clock,
    stderr: extras.stderr ?? process.stderr,
    ...(extras.signal ? { signal: extras.signal } : {}),
    ...(extras.shared && !o.target ? { shared: extras.shared } : {}),
  };
}
