// Building the HTTP app from injected parts, so tests drive it with
// `app.inject` on a ManualClock and any Store, and `startCore` wires the
// real ones. Each plugin names the plugins it depends on, so fastify
// refuses a registration order that would break one (a route plugin
// before auth, say) at startup instead of at the first request.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Clock } from '../runtime/index.ts';
import { auth, clientErrorHandler, frameworkErrorHandler, jsonBody, queryEncoding, messageRoutes, operationRoutes, problem, TenantKeys, typeboxValidatorCompiler, type ReadinessProbe } from './api/index.ts';
import type { CoreConfig } from './config/index.ts';
import { SendWindowPolicy } from './dispatch/index.ts';
import type { CoreMetrics } from './metrics/index.ts';
import { routerFromConfig, type CarrierRouter } from './routing/index.ts';
import { opsRoutes, type OpsSide } from './operator/index.ts';
import { createMessageId, type NewMessage, type Store } from './store/index.ts';

export interface AppDeps {
  readonly config: CoreConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly metrics: CoreMetrics;
  /** Carrier-link (and other) readiness checks for /readyz. */
  readonly readiness?: ReadinessProbe;
  /** Message ids; defaults to time-ordered ULIDs from the store room. */
  readonly newId?: (nowMs: number) => string;
  /** A pino logger config or false (tests). Defaults to config.http.logLevel. */
  readonly logger?: boolean | { level: string };
  /** A ready pino logger shared with the rest of the core (wins over `logger`). */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Finds each number's serving carrier at accept; default: the prefix table alone (startCore passes the config's number lookup). */
  readonly router?: CarrierRouter;
  /** Called after messages are durably stored (startCore wakes their carrier queues). */
  readonly onAccepted?: (messages: readonly NewMessage[]) => void;
  /** The operator side (/v1/ops and issued tenant keys); absent = tenant API only. */
  readonly ops?: OpsSide;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.loggerInstance
      ? { loggerInstance: deps.loggerInstance }
      : { logger: deps.logger ?? (config.http.logLevel === 'silent' ? false : { level: config.http.logLevel }) }),
    bodyLimit: config.http.bodyLimitBytes,
    // Hostile clients: no slow-loris, bounded headers, bounded JSON depth via the body limit.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Two info lines per request cost more than the request itself at
    // thousands per second; errors are logged by the problem handler.
    logController: new LogController({ disableRequestLogging: !config.http.requestLogging }),
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);

  await app.register(problem);
  await app.register(jsonBody);
  await app.register(queryEncoding);
  const ops = deps.ops;
  await app.register(auth, {
    keys: new TenantKeys(config.tenants, ops ? (key) => ops.desk.keys.tenantOf(key) : undefined, ops ? (name) => ops.desk.tenants.added(name) : undefined),
  });
  // One policy for the accept path, given the added tenants' windows whenever they change.
  const windows = SendWindowPolicy.fromConfig(config);
  ops?.desk.tenants.listen((added) => windows.setAddedTenants(added));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'denpa delivery core',
        version: '1',
        description: 'SMS delivery for Japan: accept over HTTP, store durably, deliver over SMPP to docomo, au and SoftBank.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // Graceful close: requests in flight when close() starts are answered, and
  // their keep-alive connections are then closed so close() does not wait
  // for the idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback-style hooks: an async hook costs a promise per request on the hot path.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.observeHttp(request.routeOptions.url ?? 'unknown', request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  await app.register(operationRoutes, { store: deps.store, metrics: deps.metrics, ...(deps.readiness ? { readiness: deps.readiness } : {}) });
  if (ops) await app.register(opsRoutes, ops);
  await app.register(messageRoutes, {
    store: deps.store,
    clock: deps.clock,
    config,
    metrics: deps.metrics,
    newId: deps.newId ?? ((now) => createMessageId(now)),
    windows,
    router: deps.router ?? routerFromConfig({ ...config, numberLookup: { ...config.numberLookup, kind: 'none' } }, deps.clock),
    ...(deps.onAccepted ? { onAccepted: deps.onAccepted } : {}),
  });
  await app.ready();
  return app;
}
