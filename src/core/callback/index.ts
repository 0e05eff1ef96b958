// The status-callback room: signing, back-off and the outbox sender.
export { signBody, verifySignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './signature.ts';
export { retryDelay, decideRetry, type CallbackRetryPolicy, type RetryDecision } from './backoff.ts';
export { CallbackSender, type CallbackSenderOptions, type CallbackPolicy, type CallbackPost, type PostResult, type RoundResult } from './sender.ts';
