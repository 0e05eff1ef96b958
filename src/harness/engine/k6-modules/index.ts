// The k6 modules the built-in engine provides, with the members each supports.
// The bundler exports only supported members by name, so a named import of
// anything else fails when bundling; member access on a default or namespace
// import is checked against the same lists.

import type { EngineRuntime, VuState } from '../runtime.ts';
import { CORE_SUPPORTED, createCoreModule } from './core.ts';
import { createDataModule, createOpen, DATA_SUPPORTED } from './data.ts';
import { CRYPTO_SUPPORTED, ENCODING_SUPPORTED, createCryptoModule, createEncodingModule } from './encoding.ts';
import { createExecutionModule, EXECUTION_SUPPORTED } from './execution.ts';
import { createHttpModule, HTTP_SUPPORTED } from './http.ts';
import { createMetricsModule, METRICS_SUPPORTED } from './metrics.ts';

export { createOpen };

/** Module name -> members supported by name. */
export const K6_MODULES: Readonly<Record<string, readonly string[]>> = {
  k6: CORE_SUPPORTED,
  'k6/http': HTTP_SUPPORTED,
  'k6/metrics': METRICS_SUPPORTED,
  'k6/execution': EXECUTION_SUPPORTED,
  'k6/data': DATA_SUPPORTED,
  'k6/crypto': CRYPTO_SUPPORTED,
  'k6/encoding': ENCODING_SUPPORTED,
};

/** The short name scripts conventionally give a module's default import (for messages: `http.batch`). */
export function moduleShortName(module: string): string {
  return module === 'k6' ? 'k6' : module === 'k6/execution' ? 'exec' : module.slice(3);
}

/** Build the module objects of one VU (fresh per VU: module state stays per VU, as in k6). */
export function createK6Modules(rt: EngineRuntime, vu: VuState): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ['k6', createCoreModule(rt, vu)],
    ['k6/http', createHttpModule(rt, vu)],
    ['k6/metrics', createMetricsModule(rt, vu)],
    ['k6/execution', createExecutionModule(rt, vu)],
    ['k6/data', createDataModule(rt, vu)],
    ['k6/crypto', createCryptoModule()],
    ['k6/encoding', createEncodingModule()],
  ]);
}
