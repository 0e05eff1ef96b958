// The k6 exit code of a run that ran to its end (errors that stop a run from
// being made carry their own code). Pure: the run's end, whether setup() or
// teardown() threw, and how many thresholds failed decide it, in k6's order.

import { EXIT_CODE, type EngineExitCode } from './errors.ts';
import type { RunEnd } from './result.ts';

export interface RunVerdictInput {
  readonly end: RunEnd;
  /** setup() or teardown() threw (its message), or undefined. */
  readonly scriptError: string | undefined;
  readonly failedThresholds: number;
}

export function runExitCode({ end, scriptError, failedThresholds }: RunVerdictInput): EngineExitCode {
  if (end.state === 'aborted' && end.by === 'script') return EXIT_CODE.SCRIPT_ABORTED;
  if (end.state === 'aborted' && end.by === 'signal') return EXIT_CODE.EXTERNAL_ABORT;
  if (scriptError !== undefined) return EXIT_CODE.SCRIPT_EXCEPTION;
  if (failedThresholds > 0 || (end.state === 'aborted' && end.by === 'threshold')) return EXIT_CODE.THRESHOLDS_FAILED;
  return EXIT_CODE.OK;
}
