/**
 * A run that could not be made (bad options, a port in use, a missing
 * binary): the CLI prints its one-line message and exits with `exitCode`.
 * A failed threshold is not a RunFailure: it exits 99 through the verdict.
 */
export class RunFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'RunFailure';
    this.exitCode = exitCode;
  }
}
