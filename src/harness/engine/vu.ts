// One virtual user: its own instance of the script (init code run once per
// VU), its state, and running one iteration with k6's iteration metrics.

import type { BundledScript } from './bundle.ts';
import { UnsupportedApiError } from './errors.ts';
import { createK6Modules, createOpen } from './k6-modules/index.ts';
import type { Scenario } from './options.ts';
import { type EngineRuntime, type VuState, newVuState } from './runtime.ts';

export type IterationOutcome =
  | { readonly state: 'completed' }
  | { readonly state: 'failed'; readonly error: unknown }
  /** The scenario hit its hard stop while the iteration ran: no iteration metrics, as in k6. */
  | { readonly state: 'interrupted' };

export class Vu {
  readonly state: VuState;
  readonly exports: Record<string, unknown>;
  private dataCopy: unknown;
  private dataReady = false;

  constructor(
    private readonly rt: EngineRuntime,
    script: BundledScript,
    idInTest: number,
    env: Record<string, string>,
  ) {
    this.state = newVuState(idInTest);
    const modules = createK6Modules(rt, this.state);
    const k6 = (name: string): Record<string, unknown> => {
      const m = modules.get(name);
      if (!m) throw new UnsupportedApiError(`the module "${name}"`);
      return m;
    };
    this.exports = script.factory(k6, { ...env }, createOpen(rt, this.state));
  }

  /** Enter a scenario: fixes the tags every sample of this VU carries. */
  enterScenario(s: Scenario, globalTags: Readonly<Record<string, string>>, scenarioStartMs: number): void {
    this.state.scenario = s;
    this.state.scenarioStartMs = scenarioStartMs;
    this.state.iterationInScenario = -1;
    this.state.scenarioTags = { ...globalTags, ...s.tags, scenario: s.name };
    this.state.phase = 'run';
  }

  /** This VU's copy of the setup data (JSON, made once per VU as k6 does). */
  data(serialisedSetupData: string | undefined): unknown {
    if (!this.dataReady) {
      this.dataCopy = serialisedSetupData === undefined ? undefined : JSON.parse(serialisedSetupData);
      this.dataReady = true;
    }
    return this.dataCopy;
  }

  /**
   * Run one iteration of `fnName`. `intendedStartMs` is when the schedule
   * wanted it to start (arrival-rate) or its actual start (VU executors).
   * `stillCounts()` tells, at the end, whether the scenario has not been hard-stopped.
   */
  async iterate(fnName: string, setupData: string | undefined, intendedStartMs: number, iterationInTest: number, stillCounts: () => boolean): Promise<IterationOutcome> {
    const rt = this.rt;
    const st = this.state;
    const fn = this.exports[fnName] as ((data: unknown) => unknown) | undefined;
    st.iterationInScenario++;
    st.iterationInInstance++;
    st.iterationInTest = iterationInTest;
    st.groupPath = '';
    st.intendedStartMs = intendedStartMs;
    const t0 = rt.now();
    st.startMs = t0;
    let outcome: IterationOutcome;
    try {
      await (fn as (data: unknown) => unknown).call(undefined, this.data(setupData));
      if (st.pendingSleeps.size > 0) await Promise.all([...st.pendingSleeps]);
      outcome = { state: 'completed' };
    } catch (error) {
      if (st.pendingSleeps.size > 0) await Promise.all([...st.pendingSleeps]);
      outcome = { state: 'failed', error };
    }
    st.groupPath = '';
    if (!stillCounts()) return { state: 'interrupted' };
    const t1 = rt.now();
    const tags = { ...st.scenarioTags, ...st.tags, group: '' };
    rt.emit(rt.builtin.iterations, 1, tags);
    rt.emit(rt.builtin.iteration_duration, t1 - t0, tags);
    rt.emit(rt.builtin.iteration_duration_intended, t1 - Math.min(intendedStartMs, t0), tags);
    return outcome;
  }
}
