// Errors of the built-in engine, each with a stable code and the k6 exit code
// a run ending with it returns (k6's `errext/exitcodes`).

/** k6 exit codes the engine reproduces. */
export const EXIT_CODE = {
  /** All thresholds held (or none). */
  OK: 0,
  /** ThresholdsHaveFailed: a threshold failed (at the end, or abortOnFail). */
  THRESHOLDS_FAILED: 99,
  /** ExternalAbort: the run was stopped from outside (signal). */
  EXTERNAL_ABORT: 105,
  /** InvalidConfig: bad options, a threshold on an unknown metric. */
  INVALID_CONFIG: 104,
  /** ScriptException: init code, setup() or teardown() threw. */
  SCRIPT_EXCEPTION: 107,
  /** ScriptAborted: exec.test.abort() was called. */
  SCRIPT_ABORTED: 108,
} as const;

export type EngineExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/** Options the engine cannot run: k6 exits 104. */
export class EngineConfigError extends Error {
  readonly code = 'HARNESS_ERR_ENGINE_CONFIG' as const;
  readonly exitCode = EXIT_CODE.INVALID_CONFIG;
  constructor(message: string) {
    super(message);
    this.name = 'EngineConfigError';
  }
}

/** A script uses a k6 module or API the built-in engine does not implement. */
export class UnsupportedApiError extends Error {
  readonly code = 'HARNESS_ERR_UNSUPPORTED_API' as const;
  readonly exitCode = EXIT_CODE.SCRIPT_EXCEPTION;
  readonly api: string;
  constructor(api: string, hint = '') {
    super(`the built-in engine does not support ${api}${hint ? `: ${hint}` : ''} (run with the real k6 binary, or change the script)`);
    this.name = 'UnsupportedApiError';
    this.api = api;
  }
}

/** The script could not be bundled (syntax error, missing file, remote import). */
export class ScriptBundleError extends Error {
  readonly code = 'HARNESS_ERR_SCRIPT_BUNDLE' as const;
  readonly exitCode = EXIT_CODE.SCRIPT_EXCEPTION;
  constructor(message: string) {
    super(message);
    this.name = 'ScriptBundleError';
  }
}

/** The script's init code threw: the run cannot start (k6 exits 107). */
export class ScriptInitError extends Error {
  readonly code = 'HARNESS_ERR_SCRIPT_INIT' as const;
  readonly exitCode = EXIT_CODE.SCRIPT_EXCEPTION;
  constructor(message: string) {
    super(message);
    this.name = 'ScriptInitError';
  }
}

/** `exec.test.abort()` inside a script: ends the run with 108. */
export class TestAbortedError extends Error {
  readonly code = 'HARNESS_ERR_TEST_ABORTED' as const;
  readonly exitCode = EXIT_CODE.SCRIPT_ABORTED;
  constructor(reason: string) {
    super(reason ? `test aborted: ${reason}` : 'test aborted');
    this.name = 'TestAbortedError';
  }
}

/** `fail(message)`: aborts the current iteration only (k6 semantics). */
export class IterationFailedError extends Error {
  readonly code = 'HARNESS_ERR_ITERATION_FAILED' as const;
  constructor(message: string) {
    super(message);
    this.name = 'IterationFailedError';
  }
}
