// Errors of the simulator layer. Each has a stable literal `code` and, where
// it crosses HTTP, the status the control API answers with.

export type SimulatorErrorCode =
  | 'SIM_ERR_CONFIG'
  | 'SIM_ERR_INVALID_PROFILE'
  | 'SIM_ERR_UNKNOWN_CARRIER'
  | 'SIM_ERR_FAULT_NOT_FOUND'
  | 'SIM_ERR_INVALID_NUMBER'
  | 'SIM_ERR_INVALID_REQUEST';

export interface FieldProblem {
  /** Dotted path of the offending key, e.g. `carriers.au.latency.p99`. */
  field: string;
  message: string;
}

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;
  readonly status: number;
  readonly errors: FieldProblem[];
  constructor(code: SimulatorErrorCode, status: number, message: string, errors: FieldProblem[] = []) {
    super(message);
    this.name = 'SimulatorError';
    this.code = code;
    this.status = status;
    this.errors = errors;
  }
}

/** A configuration file that does not parse or validate; the message names the file and key. */
export class ConfigError extends SimulatorError {
  constructor(message: string, errors: FieldProblem[] = []) {
    super('SIM_ERR_CONFIG', 400, message, errors);
    this.name = 'ConfigError';
  }
}

/** A profile (or profile patch) that fails validation; `errors` names each key. */
export class InvalidProfileError extends SimulatorError {
  constructor(errors: FieldProblem[]) {
    super('SIM_ERR_INVALID_PROFILE', 400, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    this.name = 'InvalidProfileError';
  }
}

export class UnknownCarrierError extends SimulatorError {
  constructor(name: string) {
    super('SIM_ERR_UNKNOWN_CARRIER', 404, `unknown carrier ${JSON.stringify(name)} (docomo, au, softbank)`, [{ field: 'carrier', message: 'must be docomo, au or softbank' }]);
    this.name = 'UnknownCarrierError';
  }
}

export class FaultNotFoundError extends SimulatorError {
  constructor(id: string) {
    super('SIM_ERR_FAULT_NOT_FOUND', 404, `no fault with id ${JSON.stringify(id)}`, [{ field: 'id', message: 'no such fault' }]);
    this.name = 'FaultNotFoundError';
  }
}

export class InvalidNumberError extends SimulatorError {
  constructor(field: string, value: string) {
    super('SIM_ERR_INVALID_NUMBER', 400, `${field}: ${JSON.stringify(value)} is not a Japanese mobile number (0[6789]0XXXXXXXX or +81[6789]0XXXXXXXX, not 0800)`, [
      { field, message: 'must be a Japanese mobile number 0[6789]0XXXXXXXX or +81[6789]0XXXXXXXX, not 0800 (toll-free)' },
    ]);
    this.name = 'InvalidNumberError';
  }
}
