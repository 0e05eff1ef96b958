// Builds a core app on a ManualClock and a real SQLite store in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../../../src/runtime/index.ts';
import { buildApp } from '../../../../src/core/app.ts';
import { resolveConfig, type CoreConfig } from '../../../../src/core/config/index.ts';
import { CoreMetrics } from '../../../../src/core/metrics/index.ts';
import type { CarrierRouter } from '../../../../src/core/routing/index.ts';
import { openSqliteStore, type SqliteStore } from '../../../../src/core/store/index.ts';

export const KEY = 'denpa-dev-key';
export const OTHER_KEY = 'other-tenant-key';

export interface TestCore {
  app: FastifyInstance;
  store: SqliteStore;
  clock: ManualClock;
  metrics: CoreMetrics;
  config: CoreConfig;
  dataDir: string;
  /** Close the app and store; `keepData` leaves the directory for a reopen. */
  close(keepData?: boolean): Promise<void>;
}

export function testConfig(overrides: Record<string, unknown> = {}): CoreConfig {
  return resolveConfig(
    {
      http: { logLevel: 'silent' },
      tenants: [
        { name: 'default', keys: [KEY], callbackSecret: 'default-secret', rateLimit: { max: 100_000, windowMs: 60_000 } },
        { name: 'other', keys: [OTHER_KEY], callbackSecret: 'other-secret', rateLimit: { max: 100_000, windowMs: 60_000 } },
      ],
      ...overrides,
    },
    '<test>',
  );
}

export interface TestCoreOptions {
  config?: CoreConfig;
  dataDir?: string;
  /** The accept path's router, made on the test's clock and metrics (default: the prefix table alone). */
  router?: (clock: ManualClock, metrics: CoreMetrics) => CarrierRouter;
}

export async function startTestCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'denpa-api-'));
  const config = options.config ?? testConfig();
  const store = await openSqliteStore({ dataDir });
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 3, 0, 0));
  const metrics = new CoreMetrics();
  const router = options.router?.(clock, metrics);
  const app = await buildApp({ config, store, clock, metrics, logger: false, ...(router ? { router } : {}) });
  return {
    app,
    store,
    clock,
    metrics,
    config,
    dataDir,
    async close(keepData = false) {
      await app.close();
      await store.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function auth(key = KEY): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

export const otp = (over: Record<string, unknown> = {}) => ({ to: '090-1234-5678', text: 'Your code is 123456', category: 'otp', ...over });
