import { RunFailure } from '../../runtime/index.ts';

// Errors of the run-result room. Each is a RunFailure with a stable code.

/** summary.json missing, unreadable, or not a RunResult; names the file and the key. */
export class SummaryInvalidError extends RunFailure {
  readonly code = 'HARNESS_ERR_SUMMARY_INVALID' as const;
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'SummaryInvalidError';
  }
}
