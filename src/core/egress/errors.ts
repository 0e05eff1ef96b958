// Errors of the egress room, each with a stable code.

/** The core refused to connect: the address is internal and not allow-listed. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_ERR_REFUSED' as const;
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}
