// What a run against a gateway that silently discards some messages and
// reports a failure for the others must show, whatever the gateway's API:
// messages_lost is exactly the discarded ones, a reported failure is no loss.
import { expect } from 'vitest';
import type { RunOutcome } from '../../src/harness/orchestrate/index.ts';

export function expectLossOf(outcome: RunOutcome, discarded: ReadonlySet<string>, failed: ReadonlySet<string>): void {
  expect(outcome.result.delivery?.details.lost).toBe(discarded.size);
  expect(outcome.result.delivery?.metrics.messages_lost?.values.count).toBe(discarded.size);
  expect(outcome.result.delivery?.details.reportedFailedUnseen).toBe(failed.size);
  expect(outcome.exitCode).toBe(99);
  const lost = outcome.result.verdict.thresholds.find((t) => t.metric === 'messages_lost');
  expect(lost).toMatchObject({ state: 'failed', figure: discarded.size });
}
