// k6/execution for the built-in engine: scenario, vu, test and instance info.

import { TestAbortedError } from '../errors.ts';
import { plannedScenarioMs } from '../options.ts';
import type { EngineRuntime, VuState } from '../runtime.ts';

export function createExecutionModule(rt: EngineRuntime, vu: VuState): Record<string, unknown> {
  const scenario = {
    get name() {
      return vu.scenario?.name ?? '';
    },
    get executor() {
      return vu.scenario?.executor ?? '';
    },
    get startTime() {
      return vu.scenarioStartMs;
    },
    /** Share of the scenario's planned time elapsed, 0..1 (for iteration executors: of maxDuration). */
    get progress() {
      const sc = vu.scenario;
      if (!sc) return 0;
      const planned = plannedScenarioMs(sc);
      return planned > 0 ? Math.min(1, Math.max(0, (rt.now() - vu.scenarioStartMs) / planned)) : 1;
    },
    get iterationInInstance() {
      return vu.iterationInTest;
    },
    get iterationInTest() {
      return vu.iterationInTest;
    },
  };
  const vuInfo = {
    get idInInstance() {
      return vu.idInTest;
    },
    get idInTest() {
      return vu.idInTest;
    },
    get iterationInInstance() {
      return vu.iterationInInstance;
    },
    get iterationInScenario() {
      return vu.iterationInScenario;
    },
    get tags() {
      return vu.tags;
    },
    metrics: {
      get tags() {
        return vu.tags;
      },
      metadata: {},
    },
  };
  const test = {
    abort(reason?: string): never {
      rt.abortTest(reason ?? '');
      // Stop the calling iteration too, as k6 does.
      throw new TestAbortedError(reason ?? '');
    },
    get options() {
      return rt.options;
    },
  };
  const instance = {
    get vusActive() {
      return rt.stats.vusActive;
    },
    get vusInitialized() {
      return rt.stats.vusInitialized;
    },
    get iterationsCompleted() {
      return rt.stats.iterationsCompleted;
    },
    get iterationsInterrupted() {
      return rt.stats.iterationsInterrupted;
    },
    get currentTestRunDuration() {
      return rt.runStartMs ? rt.now() - rt.runStartMs : 0;
    },
  };
  const exec = { scenario, vu: vuInfo, test, instance };
  return { ...exec, default: exec };
}

export const EXECUTION_SUPPORTED = ['scenario', 'vu', 'test', 'instance'] as const;
