import { describe, expect, it } from 'vitest';
import { K6Error, RUN_NOT_MADE_EXIT_CODE, type K6ErrorCode } from '../../../../src/harness/k6-binary/errors.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';

describe('K6Error', () => {
  it.each<[K6ErrorCode, number | undefined, number]>([
    ['HARNESS_ERR_K6_NOT_FOUND', undefined, RUN_NOT_MADE_EXIT_CODE],
    ['HARNESS_ERR_K6_BUNDLE', undefined, 2],
    ['HARNESS_ERR_K6_BAD_ARGUMENT', undefined, 2],
    ['HARNESS_ERR_K6_INVALID_CONFIG', 104, 104],
    ['HARNESS_ERR_K6_SCRIPT_EXCEPTION', 107, 107],
    ['HARNESS_ERR_K6_SCRIPT_ABORTED', 108, 108],
    ['HARNESS_ERR_K6_INTERRUPTED', 105, 105],
  ])('%s (k6 exit %s) makes the CLI exit %i', (code, k6Exit, cliExit) => {
    const err = new K6Error(code, 'why', k6Exit);
    expect(err).toBeInstanceOf(RunFailure);
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(cliExit);
    expect(err.k6ExitCode).toBe(k6Exit);
    expect(err.name).toBe('K6Error');
    expect(err.message).toBe('why');
  });
});
