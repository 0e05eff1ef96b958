// The status-callback room: signing, back-off and the outbox sender.
export { signBody, verifySignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './signature.ts';
export { retryDelay, decideRetry, type CallbackRetryPolicy, type RetryDecision } from './backoff.ts';
export { FAILURES_BEFORE_BACKOFF, afterFailure, afterSuccess, atTime, inFlightBound, isOriginFailure, type OriginHealth } from './origin-health.ts';
export { CallbackSender, type CallbackSenderOptions, type CallbackPolicy, type CallbackPost, type PostResult, type RoundResult } from './sender.ts';
