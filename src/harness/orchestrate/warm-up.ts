// A short warm-up before the measured run: a freshly started core answers
// its first requests slowly (JIT, lazy modules, first SQLite pages, first
// SMPP submits), and on a busy CI machine that stall lasted seconds and
// decided the API latency SLAs of whichever scenario ran first. The
// harness sends a few messages of its own first, under a separate run id,
// so nothing of the warm-up is counted in the run.
import { withProbe } from '../../probe/index.ts';
import type { TrafficFixture } from '../../../scenarios/lib/fixture.ts';
import type { GatewayAdapter } from '../../../scenarios/lib/gateway/index.ts';

/**
 * The warm-up's run id, never judged: the run's with another first
 * character, 'W' (or 'X' when the run's own id starts with 'W': run ids come
 * from the clock, and one starting with 'W' once made the warm-up's 40
 * messages count as 40 duplicates of the run's first 40).
 */
export function warmUpRunId(runId: string): string {
  return `${runId.startsWith('W') ? 'X' : 'W'}${runId.slice(1)}`;
}

export interface WarmUpOptions {
  /** The gateway under test, as the scenarios reach it. */
  adapter: GatewayAdapter;
  sinkUrl: string;
  runId: string;
  fixture: TrafficFixture;
  messages: number;
  /** Requests in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
}

/** Sends `messages` OTPs from the fixture; returns how many were accepted. Never throws. */
export async function warmUp(o: WarmUpOptions): Promise<number> {
  const pool = o.fixture.messages.otp;
  if (o.messages <= 0 || pool.length === 0) return 0;
  const runId = warmUpRunId(o.runId);
  let next = 0;
  let accepted = 0;
  const worker = async (): Promise<void> => {
    // Bounded: each turn takes one of `messages` sequence numbers.
    for (let seq = next++; seq < o.messages; seq = next++) {
      const entry = pool[seq % pool.length];
      if (!entry) continue;
      const req = o.adapter.request({ to: entry.to, text: withProbe(entry.text, { runId, seq, category: 'otp', sentAtMs: Date.now() }), category: 'otp', runId, seq, sinkUrl: o.sinkUrl });
      try {
        const res = await fetch(req.url, { method: req.method, headers: req.headers, ...(req.body === null ? {} : { body: req.body }), signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
        if (o.adapter.accepted({ status: res.status, body: await res.text() })) accepted++;
      } catch {
        // A warm-up failure is not the run's business: the run itself will tell.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 4) }, worker));
  return accepted;
}
