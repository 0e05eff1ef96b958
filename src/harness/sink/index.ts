// The callback sink: receives the gateway's signed status callbacks.
export { startSink, buildSinkApp, SinkOptionsSchema, type Sink, type SinkOptions } from './server.ts';
export { CallbackLedger, type CallbackEvent, type SeqFinal, type SinkRunSnapshot, type CallbackLedgerLimits } from './callback-ledger.ts';
export {
  FINAL_STATUSES,
  FAILURE_STATUSES,
  type FinalStatus,
  isFinalStatus,
  parseClientRef,
} from './callback-status.ts';
export { signBody, verifySignature } from './signature.ts';
export { SinkOptionError, SinkListenError } from './errors.ts';
