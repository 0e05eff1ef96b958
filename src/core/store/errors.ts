// Errors of the store layer, each with a stable code.

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** The store was closed; nothing was written. */
export class StoreClosedError extends StoreError {
  override readonly code = 'STORE_ERR_CLOSED' as const;
  constructor() {
    super('STORE_ERR_CLOSED', 'the store is closed');
    this.name = 'StoreClosedError';
  }
}

/** A message id already exists; the whole insert was refused. */
export class DuplicateMessageIdError extends StoreError {
  override readonly code = 'STORE_ERR_DUPLICATE_ID' as const;
  constructor(id: string) {
    super('STORE_ERR_DUPLICATE_ID', `message id ${id} already exists`);
    this.name = 'DuplicateMessageIdError';
  }
}

/** The database was written by a newer denpa (unknown migration version). */
export class StoreVersionError extends StoreError {
  override readonly code = 'STORE_ERR_VERSION' as const;
  constructor(found: number, known: number) {
    super('STORE_ERR_VERSION', `database schema version ${found} is newer than this build knows (${known})`);
    this.name = 'StoreVersionError';
  }
}

/** The data directory or database file cannot be opened. */
export class StoreOpenError extends StoreError {
  override readonly code = 'STORE_ERR_OPEN' as const;
  constructor(path: string, cause: string) {
    super('STORE_ERR_OPEN', `cannot open the store at ${path}: ${cause}`);
    this.name = 'StoreOpenError';
  }
}

/** A message handed to the store breaks its contract (e.g. parts.length !== segments). */
export class InvalidMessageError extends StoreError {
  override readonly code = 'STORE_ERR_INVALID_MESSAGE' as const;
  constructor(detail: string) {
    super('STORE_ERR_INVALID_MESSAGE', detail);
    this.name = 'InvalidMessageError';
  }
}

/** Another core holds the data directory: nothing was opened, recovered or sent. */
export class DataDirLockedError extends StoreError {
  override readonly code = 'STORE_ERR_LOCKED' as const;
  constructor(dataDir: string) {
    super('STORE_ERR_LOCKED', `data dir ${dataDir} is held by another denpa core; one core per data dir`);
    this.name = 'DataDirLockedError';
  }
}
