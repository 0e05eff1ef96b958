// What delivery logs through: pino's shape, narrowed.
export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** For callers that log nothing (tests, benches). */
export const SILENT: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };
