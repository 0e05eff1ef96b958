// Reading k6's progress from its stdout. When stdout is not a terminal, k6
// prints a block every second:
//
//   running (01m02.0s), 012/064 VUs, 1240 complete and 0 interrupted iterations
//   otp      [  32% ] 010/016 VUs  0m19.8s/1m00s  20.00 iters/s
//   notice   [  32% ] 002/016 VUs  0m19.8s/1m00s  10.00 iters/s
//   <blank line>
//
// The parser takes chunks as they come (a line may be split anywhere) and
// yields one K6Progress per block. Pure: no timers, no I/O.

export interface K6ScenarioProgress {
  name: string;
  /** 0..100 as k6 shows it. */
  percent: number;
  /**
   * The rate k6 shows for arrival-rate executors, iterations/s: the
   * configured (target) rate at this moment, not what was achieved.
   */
  targetItersPerSecond?: number;
  /** @deprecated the same value as targetItersPerSecond (a target, not an achieved rate). */
  itersPerSecond?: number;
}

export interface K6Progress {
  elapsedMs: number;
  activeVus: number;
  maxVus: number;
  completeIterations: number;
  interruptedIterations: number;
  /** Completed iterations per second since the previous block (since the start for the first). */
  achievedItersPerSecond: number;
  scenarios: K6ScenarioProgress[];
}

const RUNNING = /^(?:running|paused) \(([0-9dhms.]+)\), (\d+)\/(\d+) VUs, (\d+) complete and (\d+) interrupted iterations/;
const SCENARIO = /^(\S+)\s+(?:\S+\s+)?\[\s*(\d+(?:\.\d+)?)%\s*\](.*)$/;
const ITERS_PER_S = /(\d+(?:\.\d+)?) iters\/s/;

/** k6's fixed-length duration text (`05.0s`, `1m02.0s`, `01h02m03.0s`, `1d00h00m00.0s`) in ms. */
export function parseK6Duration(text: string): number | undefined {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((v) => (v === undefined ? 0 : Number(v))) as [number, number, number, number];
  return Math.round((((d * 24 + h) * 60 + min) * 60 + s) * 1000);
}

export class K6ProgressParser {
  private partial = '';
  private current: K6Progress | undefined;
  private previous = { elapsedMs: 0, completeIterations: 0 };

  /** Feeds a chunk of stdout; returns the blocks it completed. */
  push(chunk: string): K6Progress[] {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    const done: K6Progress[] = [];
    for (const line of lines) this.line(line, done);
    return done;
  }

  /** End of stream: returns the last block if one was open. */
  end(): K6Progress[] {
    const done: K6Progress[] = [];
    if (this.partial !== '') this.line(this.partial, done);
    this.partial = '';
    this.flush(done);
    return done;
  }

  private flush(done: K6Progress[]): void {
    if (this.current) done.push(this.current);
    this.current = undefined;
  }

  private line(raw: string, done: K6Progress[]): void {
    const line = raw.trim();
    const running = RUNNING.exec(line);
    if (running) {
      this.flush(done);
      const elapsedMs = parseK6Duration(running[1] ?? '') ?? 0;
      const completeIterations = Number(running[4]);
      const spanMs = elapsedMs - this.previous.elapsedMs;
      const achievedItersPerSecond = spanMs > 0 ? ((completeIterations - this.previous.completeIterations) * 1000) / spanMs : 0;
      this.previous = { elapsedMs, completeIterations };
      this.current = {
        elapsedMs,
        activeVus: Number(running[2]),
        maxVus: Number(running[3]),
        completeIterations,
        interruptedIterations: Number(running[5]),
        achievedItersPerSecond,
        scenarios: [],
      };
      return;
    }
    if (!this.current) return;
    if (line === '') {
      this.flush(done);
      return;
    }
    const scenario = SCENARIO.exec(line);
    if (scenario) {
      const rate = ITERS_PER_S.exec(scenario[3] ?? '');
      this.current.scenarios.push({
        name: scenario[1] ?? '',
        percent: Number(scenario[2]),
        ...(rate ? { targetItersPerSecond: Number(rate[1]), itersPerSecond: Number(rate[1]) } : {}),
      });
    }
  }
}
