// Executors on fake time: VUs are stand-ins whose iterations last a fixed
// number of ms on the ManualClock, so starts, drops and stops are exact.

import { describe, expect, it } from 'vitest';
import { ScenarioRun, type ScenarioHost } from '../../../../src/harness/engine/executor.ts';
import { resolveOptions, type Scenario } from '../../../../src/harness/engine/options.ts';
import type { IterationOutcome, Vu } from '../../../../src/harness/engine/vu.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

interface Start {
  vu: number;
  atMs: number;
  intendedMs: number;
}

function harness(scenarioOptions: Record<string, unknown>, iterationMs: number, vus: number) {
  const clock = new ManualClock(0);
  const scenario = resolveOptions({ scenarios: { s: scenarioOptions } }).scenarios[0] as Scenario;
  const starts: Start[] = [];
  let dropped = 0;
  let nextId = 1;
  const makeVu = (): Vu => {
    const id = nextId++;
    return {
      iterate: (_fn: string, _data: unknown, intendedMs: number, _n: number, stillCounts: () => boolean): Promise<IterationOutcome> => {
        starts.push({ vu: id, atMs: clock.now(), intendedMs });
        return new Promise((resolve) => {
          clock.setTimeout(() => resolve(stillCounts() ? { state: 'completed' } : { state: 'interrupted' }), iterationMs);
        });
      },
    } as unknown as Vu;
  };
  const host: ScenarioHost = {
    clock,
    runStartMs: 0,
    setupData: undefined,
    newVu: makeVu,
    enter: () => undefined,
    dropped: () => dropped++,
    outcome: () => undefined,
    initFailed: () => undefined,
  };
  const run = new ScenarioRun(scenario, host, Array.from({ length: vus }, makeVu));
  let finished = false;
  const done = run.run().then(() => {
    finished = true;
  });
  /** Advance fake time in small steps, letting promise callbacks run between steps. */
  const advance = async (ms: number, step = 5): Promise<void> => {
    const flush = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
    };
    await flush();
    for (let t = 0; t < ms && !finished; t += step) {
      clock.advance(step);
      await flush();
    }
  };
  return { clock, run, starts, advance, done, dropped: () => dropped, finished: () => finished };
}

describe('constant-arrival-rate on fake time', () => {
  it('starts one iteration every 100 ms at rate 10/1s, each with its exact intended start', async () => {
    const h = harness({ executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2 }, 30, 2);
    await h.advance(1200);
    await h.done;
    expect(h.starts.map((s) => s.intendedMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // Timers fire at their due time on fake time: each start is exactly on schedule.
    for (const s of h.starts) expect(s.atMs).toBe(s.intendedMs);
    expect(h.dropped()).toBe(0);
    expect(h.run.completed).toBe(10);
  });

  it('drops (does not queue) an iteration due while every VU is busy', async () => {
    // 2 VUs, iterations of 250 ms, one due every 100 ms:
    // 0:A 100:B 200:drop 300:A 400:B 500:drop 600:A 700:B 800:drop 900:A
    const h = harness({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 2, gracefulStop: '1s' }, 250, 2);
    await h.advance(2500);
    await h.done;
    expect(h.starts.map((s) => s.intendedMs)).toEqual([0, 100, 300, 400, 600, 700, 900]);
    expect(h.dropped()).toBe(3);
    expect(h.run.dropped).toBe(3);
    expect(h.run.started).toBe(7);
  });

  it('gracefulStop: iterations still running after it are interrupted, not completed', async () => {
    const h = harness({ executor: 'constant-arrival-rate', rate: 2, duration: '1s', preAllocatedVUs: 2, gracefulStop: '100ms' }, 800, 2);
    await h.advance(3000);
    await h.done;
    // Starts at 0 (ends 800) and 500 (would end 1300, after 1000 + 100).
    expect(h.run.started).toBe(2);
    expect(h.run.completed).toBe(1);
    expect(h.run.interrupted).toBe(1);
    expect(h.run.phase.state).toBe('done');
  });

  it('startTime delays the first start', async () => {
    const h = harness({ executor: 'constant-arrival-rate', rate: 5, duration: '1s', startTime: '2s', preAllocatedVUs: 1 }, 10, 1);
    await h.advance(3500);
    await h.done;
    expect(h.starts[0]?.intendedMs).toBe(2000);
    expect(h.starts.map((s) => s.intendedMs)).toEqual([2000, 2200, 2400, 2600, 2800]);
  });
});

describe('ramping-arrival-rate on fake time', () => {
  it('follows the linear ramp (0 -> 10/s over 2 s: starts at sqrt(2k)*sqrt(1/5) s)', async () => {
    const h = harness({ executor: 'ramping-arrival-rate', startRate: 0, preAllocatedVUs: 3, stages: [{ target: 10, duration: '2s' }] }, 10, 3);
    await h.advance(2600);
    await h.done;
    // r(t) = 5t per s; area = 2.5 t^2 = k  =>  t = sqrt(k / 2.5)
    expect(h.starts).toHaveLength(10);
    h.starts.forEach((s, i) => expect(s.intendedMs).toBeCloseTo(Math.sqrt((i + 1) / 2.5) * 1000, 6));
  });
});

describe('VU executors on fake time', () => {
  it('constant-vus loops each VU back to back until the duration', async () => {
    const h = harness({ executor: 'constant-vus', vus: 2, duration: '1s' }, 200, 2);
    await h.advance(1600, 1);
    await h.done;
    // Each VU: 0, 200, 400, 600, 800 -> 5 iterations each.
    expect(h.run.completed).toBe(10);
    expect(new Set(h.starts.map((s) => s.vu))).toEqual(new Set([1, 2]));
  });

  it('per-vu-iterations runs exactly N per VU; shared-iterations shares the total', async () => {
    const a = harness({ executor: 'per-vu-iterations', vus: 3, iterations: 4 }, 10, 3);
    await a.advance(500, 1);
    await a.done;
    expect(a.run.completed).toBe(12);
    for (const id of [1, 2, 3]) expect(a.starts.filter((s) => s.vu === id)).toHaveLength(4);
    const b = harness({ executor: 'shared-iterations', vus: 3, iterations: 7 }, 10, 3);
    await b.advance(500, 1);
    await b.done;
    expect(b.run.completed).toBe(7);
  });

  it('maxDuration cuts per-vu-iterations short', async () => {
    const h = harness({ executor: 'per-vu-iterations', vus: 1, iterations: 100, maxDuration: '1s', gracefulStop: '0s' }, 300, 1);
    await h.advance(2000, 1);
    await h.done;
    // Starts at 0, 300, 600, 900; the one at 900 is interrupted at 1000.
    expect(h.run.started).toBe(4);
    expect(h.run.completed).toBe(3);
  });

  it('ramping-vus raises the number of looping VUs step by step', async () => {
    const h = harness({ executor: 'ramping-vus', startVUs: 0, stages: [{ target: 2, duration: '1s' }, { target: 2, duration: '1s' }], gracefulStop: '0s' }, 100, 2);
    await h.advance(2500, 1);
    await h.done;
    const firstByVu = new Map<number, number>();
    for (const s of h.starts) if (!firstByVu.has(s.vu)) firstByVu.set(s.vu, s.atMs);
    expect(firstByVu.get(1)).toBe(500);
    expect(firstByVu.get(2)).toBe(1000);
  });

  it('ramping-vus: a VU ramped down finishes within gracefulRampDown or is interrupted', async () => {
    // 2 VUs for 1 s, then down to 0 at once; iterations last 700 ms, gracefulRampDown 200 ms.
    const h = harness(
      { executor: 'ramping-vus', startVUs: 2, stages: [{ target: 2, duration: '1s' }, { target: 0, duration: '0s' }, { target: 0, duration: '2s' }], gracefulRampDown: '200ms', gracefulStop: '0s' },
      700,
      2,
    );
    await h.advance(4000, 1);
    await h.done;
    // Each VU: 0-700 done, 700-1400 cut at 1000 + 200.
    expect(h.run.started).toBe(4);
    expect(h.run.completed).toBe(2);
    expect(h.run.interrupted).toBe(2);
  });
});

