import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../../src/harness/engine/duration.ts';
import { EngineConfigError } from '../../../../src/harness/engine/errors.ts';
import { initialVUs, maxScenarioSpanMs, resolveOptions } from '../../../../src/harness/engine/options.ts';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['2.5s', 2500],
    ['1h2m3s4ms', 3_723_004],
    ['10', 10_000],
    [250, 250],
  ])('%j -> %d ms', (v, ms) => expect(parseDuration(v, 'x')).toBe(ms));

  it.each(['', '30 s', 'abc', '1x', -1, '5m junk'])('rejects %j naming the option', (v) => {
    expect(() => parseDuration(v, 'options.scenarios.a.duration')).toThrow(/options\.scenarios\.a\.duration/);
  });
});

describe('resolveOptions', () => {
  it('applies k6 defaults to arrival-rate scenarios', () => {
    const r = resolveOptions({ scenarios: { otp: { executor: 'constant-arrival-rate', rate: 50, duration: '1m', preAllocatedVUs: 10 } } });
    expect(r.scenarios[0]).toMatchObject({
      name: 'otp',
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnitMs: 1000,
      durationMs: 60_000,
      preAllocatedVUs: 10,
      maxVUs: 10,
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      exec: 'default',
    });
    expect(r.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
  });

  it('applies defaults to the other executors', () => {
    const r = resolveOptions({
      scenarios: {
        a: { executor: 'ramping-arrival-rate', preAllocatedVUs: 2, stages: [{ target: 10, duration: '10s' }] },
        b: { executor: 'constant-vus', duration: '5s' },
        c: { executor: 'ramping-vus', stages: [{ target: 3, duration: '1s' }] },
        d: { executor: 'per-vu-iterations' },
        e: { executor: 'shared-iterations', vus: 2, iterations: 10, exec: 'other', startTime: '2s', tags: { k: 'v' }, env: { A: 1 } },
      },
    });
    const [a, b, c, d, e] = r.scenarios;
    expect(a).toMatchObject({ startRate: 0, timeUnitMs: 1000, maxVUs: 2 });
    expect(b).toMatchObject({ vus: 1, durationMs: 5000 });
    expect(c).toMatchObject({ startVUs: 1, gracefulRampDownMs: 30_000 });
    expect(d).toMatchObject({ vus: 1, iterations: 1, maxDurationMs: 600_000 });
    expect(e).toMatchObject({ exec: 'other', startTimeMs: 2000, tags: { k: 'v' }, env: { A: '1' } });
    expect(initialVUs(c as never)).toBe(3);
    expect(maxScenarioSpanMs(b as never)).toBe(35_000);
  });

  it('maps the shortcut options to one "default" scenario as k6 does', () => {
    expect(resolveOptions({}).scenarios[0]).toMatchObject({ name: 'default', executor: 'per-vu-iterations', vus: 1, iterations: 1 });
    expect(resolveOptions({ vus: 5, duration: '10s' }).scenarios[0]).toMatchObject({ executor: 'constant-vus', vus: 5, durationMs: 10_000 });
    expect(resolveOptions({ vus: 2, iterations: 8 }).scenarios[0]).toMatchObject({ executor: 'shared-iterations', vus: 2, iterations: 8 });
    expect(resolveOptions({ stages: [{ target: 4, duration: '2s' }] }).scenarios[0]).toMatchObject({ executor: 'ramping-vus', startVUs: 1 });
  });

  it('durationScale multiplies durations, startTime, stages and maxDuration, not gracefulStop or timeUnit', () => {
    const r = resolveOptions(
      {
        scenarios: {
          a: { executor: 'constant-arrival-rate', rate: 5, timeUnit: '2s', duration: '10s', startTime: '1s', preAllocatedVUs: 1, gracefulStop: '3s' },
          b: { executor: 'ramping-vus', stages: [{ target: 1, duration: '4s' }] },
          c: { executor: 'per-vu-iterations', maxDuration: '1m' },
        },
      },
      3,
    );
    expect(r.scenarios[0]).toMatchObject({ durationMs: 30_000, startTimeMs: 3000, gracefulStopMs: 3000, timeUnitMs: 2000, rate: 5 });
    expect(r.scenarios[1]).toMatchObject({ stages: [{ target: 1, durationMs: 12_000 }] });
    expect(r.scenarios[2]).toMatchObject({ maxDurationMs: 180_000 });
  });

  it.each([
    [{ scenarios: { a: { executor: 'nope' } } }, 'options.scenarios.a.executor'],
    [{ scenarios: { a: { executor: 'constant-arrival-rate', duration: '1s', preAllocatedVUs: 1 } } }, 'options.scenarios.a.rate is required'],
    [{ scenarios: { a: { executor: 'constant-arrival-rate', rate: 1, duration: '1s' } } }, 'preAllocatedVUs is required'],
    [{ scenarios: { a: { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 5, maxVUs: 2 } } }, 'maxVUs (2) is less than preAllocatedVUs (5)'],
    [{ scenarios: { a: { executor: 'constant-vus', vus: 1 } } }, 'options.scenarios.a.duration'],
    [{ scenarios: { a: { executor: 'ramping-vus', stages: [] } } }, 'stages must be a non-empty list'],
    [{ scenarios: { a: { executor: 'shared-iterations', vus: 5, iterations: 2 } } }, 'iterations (2) must be at least vus (5)'],
    [{ scenarios: { 'a b': { executor: 'per-vu-iterations' } } }, 'scenario name "a b"'],
    [{ scenarios: { a: { executor: 'per-vu-iterations', vus: 1.5 } } }, 'vus must be an integer'],
    [{ summaryTrendStats: ['avg', 'p95'] }, 'summaryTrendStats'],
  ])('rejects %j naming the key', (opts, msg) => {
    expect(() => resolveOptions(opts)).toThrow(EngineConfigError);
    expect(() => resolveOptions(opts)).toThrow(msg);
  });

  it('rejects a bad durationScale', () => {
    expect(() => resolveOptions({}, 0)).toThrow('durationScale');
  });
});
