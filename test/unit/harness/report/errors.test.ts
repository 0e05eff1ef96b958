// Every error of the judge, report, sink and delivery rooms: a stable literal
// code, a RunFailure (one line, exit 2 from the CLI), a name and a message.
import { describe, expect, it } from 'vitest';
import { LedgerAnswerError, LedgerPagingError, LedgerUnreachableError } from '../../../../src/harness/delivery/index.ts';
import { BaselineInvalidError, BaselineNameError } from '../../../../src/harness/judge/index.ts';
import { SummaryInvalidError } from '../../../../src/harness/run-result/index.ts';
import { SinkListenError, SinkOptionError } from '../../../../src/harness/sink/index.ts';
import { RunFailure } from '../../../../src/runtime/index.ts';

describe('harness report-side errors', () => {
  it.each([
    { error: new LedgerUnreachableError('http://127.0.0.1:8775/v1/ledger/runs/AB12/probes', 'ECONNREFUSED'), code: 'HARNESS_ERR_LEDGER_UNREACHABLE', name: 'LedgerUnreachableError', message: 'simulator ledger unreachable at http://127.0.0.1:8775/v1/ledger/runs/AB12/probes: ECONNREFUSED' },
    { error: new LedgerAnswerError('answered 500 for u'), code: 'HARNESS_ERR_LEDGER_ANSWER', name: 'LedgerAnswerError', message: 'simulator ledger answered 500 for u' },
    { error: new LedgerPagingError('cursor did not advance (after=5, next=5)'), code: 'HARNESS_ERR_LEDGER_PAGING', name: 'LedgerPagingError', message: 'simulator ledger cursor did not advance (after=5, next=5)' },
    { error: new BaselineInvalidError('reports/baselines/x.json', 'figures[0].value must be a finite number'), code: 'HARNESS_ERR_BASELINE_INVALID', name: 'BaselineInvalidError', message: 'baseline reports/baselines/x.json: figures[0].value must be a finite number' },
    { error: new BaselineNameError('../x'), code: 'HARNESS_ERR_BASELINE_NAME', name: 'BaselineNameError', message: 'scenario name "../x" cannot name a baseline file' },
    { error: new SummaryInvalidError('r/AB12/summary.json', 'runId must be a string'), code: 'HARNESS_ERR_SUMMARY_INVALID', name: 'SummaryInvalidError', message: 'r/AB12/summary.json: runId must be a string' },
    { error: new SinkOptionError('/port', 'Expected integer to be less or equal to 65535'), code: 'HARNESS_ERR_SINK_OPTION', name: 'SinkOptionError', message: 'sink option /port: Expected integer to be less or equal to 65535' },
    { error: new SinkListenError('127.0.0.1', 8790, 'EADDRINUSE'), code: 'HARNESS_ERR_SINK_LISTEN', name: 'SinkListenError', message: 'sink could not listen on 127.0.0.1:8790: EADDRINUSE' },
  ])('$code', ({ error, code, name, message }) => {
    expect(error).toBeInstanceOf(RunFailure);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
    expect(error.message).not.toContain('\n');
  });
});
