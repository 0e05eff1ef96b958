// Errors of the k6 room. Each is a RunFailure (the CLI prints its one-line
// message and exits with its code) with a stable literal `code`.
import { RunFailure } from '../../runtime/index.ts';

export type K6ErrorCode =
  | 'HARNESS_ERR_K6_NOT_FOUND'
  | 'HARNESS_ERR_K6_UNSUPPORTED_VERSION'
  | 'HARNESS_ERR_K6_BUNDLE'
  | 'HARNESS_ERR_K6_INVALID_CONFIG'
  | 'HARNESS_ERR_K6_SCRIPT_EXCEPTION'
  | 'HARNESS_ERR_K6_SCRIPT_ABORTED'
  | 'HARNESS_ERR_K6_INTERRUPTED'
  | 'HARNESS_ERR_K6_TIMEOUT'
  | 'HARNESS_ERR_K6_FAILED'
  | 'HARNESS_ERR_K6_NO_SUMMARY'
  | 'HARNESS_ERR_K6_BAD_ARGUMENT';

/** Exit code of the CLI for a run that could not be made before k6 ran (bad arguments, no k6, no bundle). */
export const RUN_NOT_MADE_EXIT_CODE = 2;

/**
 * When k6 itself stopped the run, the CLI exits with k6's own code (104
 * invalid configuration, 105 aborted from outside, 107 script exception,
 * 108 test.abort(), ...), as the built-in engine does (docs/operations.md).
 */
export class K6Error extends RunFailure {
  readonly code: K6ErrorCode;
  /** k6's own exit code when k6 ran and failed. */
  readonly k6ExitCode: number | undefined;
  constructor(code: K6ErrorCode, message: string, k6ExitCode?: number) {
    super(message, k6ExitCode ?? RUN_NOT_MADE_EXIT_CODE);
    this.name = 'K6Error';
    this.code = code;
    this.k6ExitCode = k6ExitCode;
  }
}
