// k6's process exit codes (go.k6.io/k6 errext/exitcodes, v1.x) and what each
// means to denpa: 0 every threshold held, 99 a threshold failed (a verdict,
// not a crash), anything else a run that could not be made.
import type { K6ErrorCode } from './errors.ts';

export const K6_EXIT = {
  OK: 0,
  CloudTestRunFailed: 97,
  CloudFailedToGetProgress: 98,
  ThresholdsHaveFailed: 99,
  SetupTimeout: 100,
  TeardownTimeout: 101,
  GenericTimeout: 102,
  ScriptStoppedFromRESTAPI: 103,
  InvalidConfig: 104,
  ExternalAbort: 105,
  CannotStartRESTAPI: 106,
  ScriptException: 107,
  ScriptAborted: 108,
  GoPanic: 109,
  MarkedAsFailed: 110,
} as const;

/** denpa's exit code for a failed verdict (as k6's ThresholdsHaveFailed). */
export const VERDICT_FAILED_EXIT_CODE = 99;

export type K6Outcome =
  /** k6 finished; every threshold held. */
  | { state: 'passed'; exitCode: 0 }
  /** k6 finished; a threshold failed, or the script called test.fail(). The summary is valid. */
  | { state: 'failed'; exitCode: 99; reason: 'thresholds' | 'marked_failed' }
  /** The run could not be made or was cut short: no verdict. */
  | { state: 'broken'; code: K6ErrorCode; reason: string };

/** Maps k6's exit code (or the signal that ended it) to denpa's meaning. Pure. */
export function k6Outcome(exitCode: number | null, signal?: string | null): K6Outcome {
  if (exitCode === null) {
    return { state: 'broken', code: 'HARNESS_ERR_K6_INTERRUPTED', reason: `k6 was killed by ${signal ?? 'a signal'}` };
  }
  switch (exitCode) {
    case K6_EXIT.OK:
      return { state: 'passed', exitCode: 0 };
    case K6_EXIT.ThresholdsHaveFailed:
      return { state: 'failed', exitCode: 99, reason: 'thresholds' };
    case K6_EXIT.MarkedAsFailed:
      return { state: 'failed', exitCode: 99, reason: 'marked_failed' };
    case K6_EXIT.InvalidConfig:
      return { state: 'broken', code: 'HARNESS_ERR_K6_INVALID_CONFIG', reason: 'k6 rejected the scenario\'s configuration (exit 104)' };
    case K6_EXIT.ScriptException:
      return { state: 'broken', code: 'HARNESS_ERR_K6_SCRIPT_EXCEPTION', reason: 'the scenario threw an exception in init, setup or teardown (k6 exit 107)' };
    case K6_EXIT.ScriptAborted:
      return { state: 'broken', code: 'HARNESS_ERR_K6_SCRIPT_ABORTED', reason: 'the scenario aborted the test with test.abort() (k6 exit 108)' };
    case K6_EXIT.ExternalAbort:
      return { state: 'broken', code: 'HARNESS_ERR_K6_INTERRUPTED', reason: 'k6 was interrupted by a signal (exit 105)' };
    case K6_EXIT.SetupTimeout:
    case K6_EXIT.TeardownTimeout:
    case K6_EXIT.GenericTimeout:
      return { state: 'broken', code: 'HARNESS_ERR_K6_TIMEOUT', reason: `k6 timed out (exit ${exitCode}: ${exitName(exitCode)})` };
    default:
      return { state: 'broken', code: 'HARNESS_ERR_K6_FAILED', reason: `k6 failed (exit ${exitCode}${exitName(exitCode) ? `: ${exitName(exitCode)}` : ''})` };
  }
}

function exitName(code: number): string {
  for (const [name, value] of Object.entries(K6_EXIT)) if (value === code) return name;
  return '';
}
