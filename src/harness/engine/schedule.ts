// When iterations should start and how many VUs should run, as pure functions
// of the options: tested on numbers, driven at run time by a clock.
//
// Arrival times follow k6 exactly:
// - constant-arrival-rate: iteration i (0-based) at i * timeUnit / rate,
//   while that is before the duration (rate 10 per 1s: 0, 100, ..., 900 ms).
// - ramping-arrival-rate: the rate r(t) is linear within each stage, from the
//   previous target (startRate first) to the stage target; iteration k
//   (1-based) starts when the area under r reaches k (k6's `cal`), so a
//   constant stage of 10/s starts at 100, 200, ... ms.
// - ramping-vus: the VU count moves by one at a time, the k-th change of a
//   stage at stageStart + k * duration / |target - from|.

import type { Stage } from './options.ts';

/** Offsets (ms from the scenario start) of iteration starts; `undefined` when exhausted. */
export interface ArrivalSchedule {
  next(): number | undefined;
  /** Iterations the schedule plans in total. */
  readonly planned: number;
}

export function constantArrivalSchedule(rate: number, timeUnitMs: number, durationMs: number): ArrivalSchedule {
  const period = timeUnitMs / rate;
  const planned = Math.max(0, Math.ceil(durationMs / period - 1e-9));
  let i = 0;
  return {
    planned,
    next() {
      if (i >= planned) return undefined;
      return i++ * period;
    },
  };
}

// Float sums of stage areas land a hair under integers (9.999999999 for 10).
const EPSILON = 1e-9;

export function rampingArrivalSchedule(startRate: number, timeUnitMs: number, stages: readonly Stage[]): ArrivalSchedule {
  // Rates in iterations per millisecond.
  const segments: { start: number; dur: number; from: number; to: number; doneBefore: number; endCount: number }[] = [];
  let from = startRate / timeUnitMs;
  let stageStart = 0;
  let endCount = 0;
  for (const st of stages) {
    const to = st.target / timeUnitMs;
    const doneBefore = endCount;
    endCount += st.durationMs * ((to - from) / 2 + from);
    segments.push({ start: stageStart, dur: st.durationMs, from, to, doneBefore, endCount });
    from = to;
    stageStart += st.durationMs;
  }
  const planned = Math.max(0, Math.floor(endCount + EPSILON));
  let k = 1;
  let seg = 0;
  return {
    planned,
    next() {
      while (seg < segments.length) {
        const s = segments[seg] as (typeof segments)[number];
        if (k > s.endCount + EPSILON) {
          seg++;
          continue;
        }
        const done = k - s.doneBefore;
        k++;
        if (s.from === s.to) return s.start + done / s.to;
        // Solve from*x + (to-from)*x^2/(2*dur) = done for x in [0, dur].
        const disc = Math.max(0, s.dur * (s.from * s.from * s.dur + 2 * done * (s.to - s.from)));
        return s.start + (s.from * s.dur - Math.sqrt(disc)) / (s.from - s.to);
      }
      return undefined;
    },
  };
}

/** Instantaneous arrival rate (iterations per second) `atMs` after the scenario start. */
export function arrivalRateAt(startRate: number, timeUnitMs: number, stages: readonly Stage[], atMs: number): number {
  let from = startRate;
  let t0 = 0;
  for (const st of stages) {
    if (atMs < t0 + st.durationMs) {
      const f = st.durationMs === 0 ? 1 : (atMs - t0) / st.durationMs;
      return ((from + (st.target - from) * f) * 1000) / timeUnitMs;
    }
    from = st.target;
    t0 += st.durationMs;
  }
  return 0;
}

export interface VuStep {
  readonly atMs: number;
  readonly vus: number;
}

/** Every change of the VU count of a ramping-vus scenario, in time order (first entry: startVUs at 0). */
export function rampingVuSteps(startVUs: number, stages: readonly Stage[]): VuStep[] {
  const steps: VuStep[] = [{ atMs: 0, vus: startVUs }];
  let from = startVUs;
  let t0 = 0;
  for (const st of stages) {
    const target = Math.round(st.target);
    const diff = target - from;
    const n = Math.abs(diff);
    const sign = Math.sign(diff);
    for (let i = 1; i <= n; i++) {
      steps.push({ atMs: st.durationMs === 0 ? t0 : t0 + (i * st.durationMs) / n, vus: from + sign * i });
    }
    from = target;
    t0 += st.durationMs;
  }
  return steps;
}

/** VUs a ramping-vus scenario runs `atMs` after its start. */
export function rampingVusAt(startVUs: number, stages: readonly Stage[], atMs: number): number {
  let vus = startVUs;
  for (const s of rampingVuSteps(startVUs, stages)) {
    if (s.atMs > atMs) break;
    vus = s.vus;
  }
  return vus;
}
