// The inbound room's door: mobile-originated messages (two-way SMS) as the
// core receives them: which tenant, whether an opt-out, recorded and
// forwarded through the callback outbox.
export { InboundReceiver, type InboundKind, type InboundReceiverOptions, type InboundSettings } from './inbound-receiver.ts';
export { addressKey, tenantByAddress, type InboundTenant } from './inbound-address.ts';
export { normaliseKeyword, optOutKeywordOf } from './opt-out-keyword.ts';
