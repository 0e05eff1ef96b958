import { RunFailure } from '../../runtime/index.ts';

// Errors of the delivery-metrics room. Each is a RunFailure (the CLI prints
// its one line and exits 2: the run's result could not be made) with a
// stable code.

export class LedgerUnreachableError extends RunFailure {
  readonly code = 'HARNESS_ERR_LEDGER_UNREACHABLE' as const;
  constructor(url: string, cause: string) {
    super(`simulator ledger unreachable at ${url}: ${cause}`);
    this.name = 'LedgerUnreachableError';
  }
}

export class LedgerAnswerError extends RunFailure {
  readonly code = 'HARNESS_ERR_LEDGER_ANSWER' as const;
  constructor(detail: string) {
    super(`simulator ledger ${detail}`);
    this.name = 'LedgerAnswerError';
  }
}

/** The ledger's cursor did not move forward, or it has more pages than the bound. */
export class LedgerPagingError extends RunFailure {
  readonly code = 'HARNESS_ERR_LEDGER_PAGING' as const;
  constructor(detail: string) {
    super(`simulator ledger ${detail}`);
    this.name = 'LedgerPagingError';
  }
}
