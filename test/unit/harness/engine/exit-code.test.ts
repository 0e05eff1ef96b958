import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../../../src/harness/engine/errors.ts';
import { runExitCode } from '../../../../src/harness/engine/exit-code.ts';
import type { RunEnd } from '../../../../src/harness/engine/result.ts';

const completed: RunEnd = { state: 'completed' };
const aborted = (by: 'threshold' | 'script' | 'signal'): RunEnd => ({ state: 'aborted', by, reason: 'r', atMs: 1000 });

describe('runExitCode', () => {
  it('is 0 when the run completed with no script error and every threshold held', () => {
    expect(runExitCode({ end: completed, scriptError: undefined, failedThresholds: 0 })).toBe(EXIT_CODE.OK);
  });

  it('is 99 when a threshold failed at the end', () => {
    expect(runExitCode({ end: completed, scriptError: undefined, failedThresholds: 2 })).toBe(EXIT_CODE.THRESHOLDS_FAILED);
    expect(EXIT_CODE.THRESHOLDS_FAILED).toBe(99);
  });

  it('is 99 when an abortOnFail threshold stopped the run, even if the final figures hold', () => {
    expect(runExitCode({ end: aborted('threshold'), scriptError: undefined, failedThresholds: 0 })).toBe(99);
  });

  it('is 107 when setup() or teardown() threw, before any threshold verdict', () => {
    expect(runExitCode({ end: completed, scriptError: 'setup() threw: x', failedThresholds: 0 })).toBe(107);
    expect(runExitCode({ end: completed, scriptError: 'teardown() threw: x', failedThresholds: 3 })).toBe(107);
    expect(runExitCode({ end: aborted('threshold'), scriptError: 'teardown() threw: x', failedThresholds: 1 })).toBe(107);
  });

  it('is 108 when the script called exec.test.abort(), whatever else happened', () => {
    expect(runExitCode({ end: aborted('script'), scriptError: undefined, failedThresholds: 0 })).toBe(108);
    expect(runExitCode({ end: aborted('script'), scriptError: 'setup() threw: x', failedThresholds: 4 })).toBe(108);
  });

  it('is 105 when the run was stopped from outside, whatever else happened', () => {
    expect(runExitCode({ end: aborted('signal'), scriptError: undefined, failedThresholds: 0 })).toBe(105);
    expect(runExitCode({ end: aborted('signal'), scriptError: 'setup() threw: x', failedThresholds: 4 })).toBe(105);
  });
});
