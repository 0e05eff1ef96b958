import { RunFailure } from '../../runtime/index.ts';

// Errors of the judge room (the threshold grammar's own error lives in
// threshold.ts). Each is a RunFailure with a stable code.

/** A baseline file that cannot be read or does not have the baseline shape; names file and key. */
export class BaselineInvalidError extends RunFailure {
  readonly code = 'HARNESS_ERR_BASELINE_INVALID' as const;
  constructor(path: string, detail: string) {
    super(`baseline ${path}: ${detail}`);
    this.name = 'BaselineInvalidError';
  }
}

/** A scenario name that cannot be a file name under reports/baselines/. */
export class BaselineNameError extends RunFailure {
  readonly code = 'HARNESS_ERR_BASELINE_NAME' as const;
  constructor(scenario: string) {
    super(`scenario name "${scenario}" cannot name a baseline file`);
    this.name = 'BaselineNameError';
  }
}
