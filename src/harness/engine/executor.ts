// Running one scenario with its executor's k6 semantics, on a clock.
//
// Arrival-rate executors start iteration i at base + offset(i), where base is
// the run start + startTime and offset comes from the pure schedule: timers
// only wake the loop, they never accumulate drift. An iteration due while no
// VU is free is not queued: it is counted in dropped_iterations, and a new VU
// is initialised in the background if maxVUs allows (k6 does the same).
// VU executors loop each VU back to back. After the regular duration,
// iterations in flight get gracefulStop to finish; the rest are interrupted
// (abandoned, and not counted as iterations).

import type { Clock, TimerHandle } from '../../runtime/index.ts';
import type { Scenario } from './options.ts';
import { type ArrivalSchedule, arrivalRateAt, constantArrivalSchedule, rampingArrivalSchedule, rampingVuSteps } from './schedule.ts';
import type { IterationOutcome, Vu } from './vu.ts';

export type ScenarioPhase = { readonly state: 'waiting' } | { readonly state: 'running'; readonly sinceMs: number } | { readonly state: 'stopping'; readonly sinceMs: number } | { readonly state: 'done'; readonly atMs: number };

/** What a scenario needs from the run. */
export interface ScenarioHost {
  readonly clock: Clock;
  readonly runStartMs: number;
  readonly setupData: string | undefined;
  /** Initialise one more VU for this scenario (runs the script's init code). */
  newVu(): Vu;
  enter(vu: Vu, scenarioStartMs: number): void;
  dropped(): void;
  outcome(vu: Vu, outcome: IterationOutcome): void;
  /** A VU initialised during the run (maxVUs growth) failed its init code. */
  initFailed(error: unknown): void;
}

interface IterationToken {
  interrupted: boolean;
  /** Resolves when the iteration is cut. */
  readonly cut: Promise<void>;
  readonly release: () => void;
}

function iterationToken(): IterationToken {
  let release: () => void = () => undefined;
  const cut = new Promise<void>((r) => (release = r));
  return { interrupted: false, cut, release };
}

export class ScenarioRun {
  phase: ScenarioPhase = { state: 'waiting' };
  started = 0;
  completed = 0;
  dropped = 0;
  interrupted = 0;
  inFlight = 0;
  readonly planned: number | null;
  private readonly vus: Vu[] = [];
  private readonly free: Vu[] = [];
  private growing = 0;
  private growthBlocked = false;
  private activeLoops = 0;
  private aborted = false;
  private hardStopped = false;
  private iterationInTest = 0;
  private readonly timers = new Set<TimerHandle>();
  private readonly wakers = new Set<() => void>();
  private idleWaiters: (() => void)[] = [];
  private scenarioStartMs = 0;
  private readonly schedule: ArrivalSchedule | undefined;

  constructor(
    readonly scenario: Scenario,
    private readonly host: ScenarioHost,
    initialVus: Vu[],
  ) {
    this.vus.push(...initialVus);
    this.free.push(...initialVus);
    const s = scenario;
    this.schedule =
      s.executor === 'constant-arrival-rate' ? constantArrivalSchedule(s.rate, s.timeUnitMs, s.durationMs) : s.executor === 'ramping-arrival-rate' ? rampingArrivalSchedule(s.startRate, s.timeUnitMs, s.stages) : undefined;
    this.planned = this.schedule ? this.schedule.planned : s.executor === 'per-vu-iterations' ? s.vus * s.iterations : s.executor === 'shared-iterations' ? s.iterations : null;
  }

  get base(): number {
    return this.host.runStartMs + this.scenario.startTimeMs;
  }

  /** VUs initialised for this scenario. */
  get initialisedVus(): number {
    return this.vus.length;
  }

  /** VUs active now (k6's `vus`): all activated VUs for arrival-rate, looping VUs otherwise. */
  get activeVus(): number {
    if (this.phase.state === 'waiting' || this.phase.state === 'done') return 0;
    return this.schedule ? this.vus.length : this.activeLoops;
  }

  /** Target arrival rate (per second) now, for arrival-rate executors. */
  targetRate(nowMs: number): number | null {
    const s = this.scenario;
    if (this.phase.state !== 'running') return s.executor.endsWith('arrival-rate') ? 0 : null;
    if (s.executor === 'constant-arrival-rate') return (s.rate * 1000) / s.timeUnitMs;
    if (s.executor === 'ramping-arrival-rate') return arrivalRateAt(s.startRate, s.timeUnitMs, s.stages, nowMs - this.base);
    return null;
  }

  /** Run the scenario to its end (regular part, then graceful stop). */
  async run(): Promise<void> {
    await this.waitUntil(this.base);
    if (this.aborted) return this.finish();
    const now = this.host.clock.now();
    this.scenarioStartMs = now;
    this.phase = { state: 'running', sinceMs: now };
    for (const vu of this.vus) this.host.enter(vu, now);
    await this.regularPart();
    this.phase = { state: 'stopping', sinceMs: this.host.clock.now() };
    if (this.inFlight > 0 && !this.aborted) {
      await Promise.race([this.idle(), this.waitUntil(this.host.clock.now() + this.scenario.gracefulStopMs)]);
    }
    this.finish();
  }

  /** Stop now (abort): no graceful stop. */
  abort(): void {
    this.aborted = true;
    for (const t of this.timers) this.host.clock.clearTimeout(t);
    this.timers.clear();
    for (const w of [...this.wakers]) w();
    this.wakers.clear();
  }

  private finish(): void {
    this.hardStopped = true;
    this.interrupted += this.inFlight;
    for (const t of this.timers) this.host.clock.clearTimeout(t);
    this.timers.clear();
    this.phase = { state: 'done', atMs: this.host.clock.now() };
  }

  private regularPart(): Promise<void> {
    const s = this.scenario;
    switch (s.executor) {
      case 'constant-arrival-rate':
        return this.arrivals(s.durationMs);
      case 'ramping-arrival-rate':
        return this.arrivals(s.stages.reduce((a, st) => a + st.durationMs, 0));
      case 'constant-vus': {
        const end = this.base + s.durationMs;
        for (const vu of this.vus) void this.loop(vu, () => this.host.clock.now() < end);
        return this.waitUntil(end);
      }
      case 'ramping-vus':
        return this.rampingVus(s.stages.reduce((a, st) => a + st.durationMs, 0));
      case 'per-vu-iterations': {
        const end = this.scenarioStartMs + s.maxDurationMs;
        const loops = this.vus.map((vu) => {
          let left = s.iterations;
          return this.loop(vu, () => left-- > 0 && this.host.clock.now() < end);
        });
        return Promise.race([Promise.all(loops).then(() => undefined), this.waitUntil(end)]);
      }
      case 'shared-iterations': {
        const end = this.scenarioStartMs + s.maxDurationMs;
        let left = s.iterations;
        const loops = this.vus.map((vu) => this.loop(vu, () => left-- > 0 && this.host.clock.now() < end));
        return Promise.race([Promise.all(loops).then(() => undefined), this.waitUntil(end)]);
      }
    }
  }

  // --- arrival-rate -------------------------------------------------------

  private arrivals(totalMs: number): Promise<void> {
    const schedule = this.schedule as ArrivalSchedule;
    const base = this.base;
    const clock = this.host.clock;
    return new Promise<void>((resolve) => {
      this.wakers.add(resolve);
      let next = schedule.next();
      const tick = (afterYield: boolean): void => {
        if (this.aborted) return resolve();
        const now = clock.now();
        // Start everything due by now, each with its own intended start.
        while (next !== undefined && base + next <= now) {
          if (this.free.length === 0 && !afterYield) {
            // Due iterations pile up when the event loop stalled; VUs whose
            // iterations have finished (answers already in the socket
            // buffers) free up once we let I/O and promise callbacks run.
            // Yield once per wake before counting iterations dropped.
            setImmediate(() => tick(true));
            return;
          }
          this.launch(base + next);
          next = schedule.next();
        }
        if (next === undefined) {
          void this.waitUntil(base + totalMs).then(resolve);
          return;
        }
        this.setTimer(() => tick(false), base + next - now);
      };
      tick(false);
    });
  }

  private launch(intendedMs: number): void {
    const vu = this.free.pop();
    if (!vu) {
      this.dropped++;
      this.host.dropped();
      this.growLater();
      return;
    }
    void this.runOn(vu, intendedMs).then(() => {
      if (!this.hardStopped) this.free.push(vu);
    });
  }

  private growLater(): void {
    const s = this.scenario;
    const max = s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate' ? s.maxVUs : 0;
    if (this.growthBlocked || this.vus.length + this.growing >= max) return;
    this.growing++;
    setImmediate(() => {
      this.growing--;
      if (this.aborted || this.hardStopped) return;
      let vu: Vu;
      try {
        vu = this.host.newVu();
      } catch (err) {
        // Init code that fails now failed for the first VUs too (the run
        // would not have started); keep going with the VUs we have.
        this.host.initFailed(err);
        this.growthBlocked = true;
        return;
      }
      this.host.enter(vu, this.scenarioStartMs);
      this.vus.push(vu);
      this.free.push(vu);
    });
  }

  // --- VU loops -----------------------------------------------------------

  private async loop(vu: Vu, more: () => boolean): Promise<void> {
    this.activeLoops++;
    try {
      while (!this.aborted && !this.hardStopped && this.phase.state === 'running' && more()) {
        await this.runOn(vu, this.host.clock.now());
        // Yield to timers and I/O even if the iteration never awaited anything.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.activeLoops--;
    }
  }

  private rampingVus(totalMs: number): Promise<void> {
    const s = this.scenario;
    if (s.executor !== 'ramping-vus') return Promise.resolve();
    const end = this.base + totalMs;
    let target = 0;
    const looping = new Set<number>();
    const running = new Map<number, IterationToken>();
    const clock = this.host.clock;
    const loopVu = async (idx: number): Promise<void> => {
      const vu = this.vus[idx] as Vu;
      this.activeLoops++;
      try {
        while (!this.aborted && !this.hardStopped && this.phase.state === 'running' && idx < target && clock.now() < end) {
          const token = iterationToken();
          running.set(idx, token);
          const iteration = this.runOn(vu, clock.now(), token);
          await Promise.race([iteration, token.cut]);
          running.delete(idx);
          if (token.interrupted) {
            // The VU is not reused until its abandoned iteration is over.
            await iteration;
            break;
          }
          await new Promise<void>((r) => setImmediate(r));
        }
      } finally {
        this.activeLoops--;
      }
    };
    const apply = (vus: number): void => {
      const before = target;
      target = vus;
      for (let i = 0; i < Math.min(target, this.vus.length); i++) {
        if (looping.has(i)) continue;
        looping.add(i);
        const idx = i;
        void loopVu(idx).then(() => looping.delete(idx));
      }
      // VUs above the new target finish their iteration within gracefulRampDown, else are interrupted.
      for (let i = target; i < before; i++) {
        const token = running.get(i);
        if (!token) continue;
        this.setTimer(() => {
          if (running.get(i) === token && i >= target) this.interrupt(token);
        }, s.gracefulRampDownMs);
      }
    };
    for (const step of rampingVuSteps(s.startVUs, s.stages)) {
      const at = this.base + step.atMs;
      if (at <= clock.now()) apply(step.vus);
      else this.setTimer(() => apply(step.vus), at - clock.now());
    }
    return this.waitUntil(end);
  }

  /** Give up on one running iteration (gracefulRampDown exceeded): counted interrupted, not completed. */
  private interrupt(token: IterationToken): void {
    if (token.interrupted) return;
    token.interrupted = true;
    this.inFlight--;
    this.interrupted++;
    token.release();
    this.notifyIdle();
  }

  // --- plumbing -------------------------------------------------------------

  private async runOn(vu: Vu, intendedMs: number, token?: IterationToken): Promise<void> {
    this.inFlight++;
    this.started++;
    const n = this.iterationInTest++;
    const outcome = await vu.iterate(this.scenario.exec, this.host.setupData, intendedMs, n, () => !this.hardStopped && !token?.interrupted);
    if (token?.interrupted) return; // already counted when it was cut
    this.inFlight--;
    if (outcome.state !== 'interrupted') {
      this.completed++;
      this.host.outcome(vu, outcome);
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.inFlight !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private setTimer(fn: () => void, ms: number): void {
    const h: TimerHandle = this.host.clock.setTimeout(() => {
      this.timers.delete(h);
      fn();
    }, ms);
    this.timers.add(h);
  }

  /** Resolves at `atMs` on the clock, or at once on abort. */
  private waitUntil(atMs: number): Promise<void> {
    if (this.aborted) return Promise.resolve();
    const now = this.host.clock.now();
    if (atMs <= now) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.wakers.delete(wake);
        resolve();
      };
      // Node's timers run on a coarser clock than performance.now() and can
      // fire a fraction of a millisecond early: wait out the rest, so that a
      // 1 s scenario never ends at 999.8 ms.
      const arm = (): void => {
        const left = atMs - this.host.clock.now();
        if (left > 0 && !this.aborted) this.setTimer(arm, Math.max(1, Math.ceil(left)));
        else wake();
      };
      this.wakers.add(wake);
      this.setTimer(arm, atMs - now);
    });
  }
}
