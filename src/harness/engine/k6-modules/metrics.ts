// k6/metrics for the built-in engine: Counter, Gauge, Rate, Trend with
// `.add(value, tags)`. As in k6, metrics are declared in the init context;
// every VU declares the same names, which resolve to one shared metric.

import type { EngineRuntime, VuState } from '../runtime.ts';
import { vuTags } from '../runtime.ts';
import type { LiveMetric } from '../metric-registry.ts';
import type { MetricType } from '../../thresholds/index.ts';

export function createMetricsModule(rt: EngineRuntime, vu: VuState): Record<string, unknown> {
  function make(type: MetricType) {
    return class {
      readonly name: string;
      private readonly metric: LiveMetric;
      constructor(name: string, isTime = false) {
        if (vu.phase !== 'init') throw new Error(`metrics must be declared in the init context (new ${type}("${name}"))`);
        this.name = name;
        this.metric = rt.registry.define(name, type, type === 'trend' && isTime ? 'time' : 'default');
      }
      add(value: number | boolean, tags?: Record<string, string>): boolean {
        if (vu.phase === 'init') throw new Error(`${this.name}.add() cannot be called in the init context`);
        const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (Number.isNaN(v)) throw new TypeError(`${this.name}.add(${JSON.stringify(value)}): not a number`);
        rt.emit(this.metric, v, tags ? { ...vuTags(vu), ...tags } : vuTags(vu));
        return true;
      }
    };
  }
  const mod: Record<string, unknown> = { Counter: make('counter'), Gauge: make('gauge'), Rate: make('rate'), Trend: make('trend') };
  mod.default = mod;
  return mod;
}

export const METRICS_SUPPORTED = ['Counter', 'Gauge', 'Rate', 'Trend'] as const;
