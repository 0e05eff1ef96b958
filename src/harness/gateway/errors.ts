import { RunFailure } from '../../runtime/index.ts';

// Errors of the gateway layer (adapters' configs, the embedded Kannel). Each
// is a RunFailure (exit 2: the run could not be made) with a stable code.

/** The http adapter's config file fails its schema; names the key by its JSON path. */
export class GatewayConfigError extends RunFailure {
  readonly code = 'HARNESS_ERR_GATEWAY_CONFIG' as const;
  constructor(
    readonly file: string,
    readonly path: string,
    detail: string,
  ) {
    super(`gateway config ${file}: ${path || '/'}: ${detail}`);
    this.name = 'GatewayConfigError';
  }
}

/** Kannel's bearerbox or smsbox is not installed. */
export class KannelMissingError extends RunFailure {
  readonly code = 'HARNESS_ERR_KANNEL_MISSING' as const;
  constructor(binary: string) {
    super(`Kannel's ${binary} not found: install Debian's kannel package (sudo apt-get install kannel) or set KANNEL_BIN to the folder holding bearerbox and smsbox`);
    this.name = 'KannelMissingError';
  }
}

/** Kannel started but did not become ready (smsbox up, every carrier's SMPP link online). */
export class KannelStartError extends RunFailure {
  readonly code = 'HARNESS_ERR_KANNEL_START' as const;
  constructor(detail: string) {
    super(`Kannel did not start: ${detail}`);
    this.name = 'KannelStartError';
  }
}
