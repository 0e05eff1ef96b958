import { RunFailure } from '../../runtime/index.ts';

// Errors of the callback sink. Each is a RunFailure with a stable code.

/** An option of startSink that fails its schema; names the option. */
export class SinkOptionError extends RunFailure {
  readonly code = 'HARNESS_ERR_SINK_OPTION' as const;
  constructor(path: string, message: string) {
    super(`sink option ${path}: ${message}`);
    this.name = 'SinkOptionError';
  }
}

/** The sink could not listen (port in use, address not local). */
export class SinkListenError extends RunFailure {
  readonly code = 'HARNESS_ERR_SINK_LISTEN' as const;
  constructor(host: string, port: number, cause: string) {
    super(`sink could not listen on ${host}:${port}: ${cause}`);
    this.name = 'SinkListenError';
  }
}
