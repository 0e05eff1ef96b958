import { describe, expect, it } from 'vitest';
import { K6_EXIT, k6Outcome } from '../../../../src/harness/k6-binary/exit-code.ts';

describe('k6 exit codes', () => {
  it.each([
    [0, { state: 'passed', exitCode: 0 }],
    [99, { state: 'failed', exitCode: 99, reason: 'thresholds' }],
    [110, { state: 'failed', exitCode: 99, reason: 'marked_failed' }],
  ])('k6 exit %i is a verdict', (code, expected) => {
    expect(k6Outcome(code)).toEqual(expected);
  });

  it.each([
    [104, 'HARNESS_ERR_K6_INVALID_CONFIG'],
    [107, 'HARNESS_ERR_K6_SCRIPT_EXCEPTION'],
    [108, 'HARNESS_ERR_K6_SCRIPT_ABORTED'],
    [105, 'HARNESS_ERR_K6_INTERRUPTED'],
    [100, 'HARNESS_ERR_K6_TIMEOUT'],
    [101, 'HARNESS_ERR_K6_TIMEOUT'],
    [103, 'HARNESS_ERR_K6_FAILED'],
    [109, 'HARNESS_ERR_K6_FAILED'],
    [1, 'HARNESS_ERR_K6_FAILED'],
  ])('k6 exit %i is a run that could not be made: %s', (code, errorCode) => {
    const outcome = k6Outcome(code);
    expect(outcome.state).toBe('broken');
    if (outcome.state === 'broken') {
      expect(outcome.code).toBe(errorCode);
      expect(outcome.reason).toContain(String(code));
    }
  });

  it('a k6 killed by a signal is interrupted', () => {
    expect(k6Outcome(null, 'SIGKILL')).toEqual({ state: 'broken', code: 'HARNESS_ERR_K6_INTERRUPTED', reason: 'k6 was killed by SIGKILL' });
  });

  it('carries k6\'s own names for its codes', () => {
    expect(K6_EXIT.ThresholdsHaveFailed).toBe(99);
    expect(K6_EXIT.InvalidConfig).toBe(104);
    expect(K6_EXIT.ScriptException).toBe(107);
    expect(K6_EXIT.ScriptAborted).toBe(108);
    const failed = k6Outcome(109);
    expect(failed.state === 'broken' && failed.reason).toContain('GoPanic');
  });
});
