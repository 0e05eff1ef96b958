// The egress room: which addresses the core may call, checked at accept
// time (callback-url.ts) and after DNS at connect time (checked-connect.ts).
export { egressPolicy, egressPolicyOf, checkAddress, checkHost, parseAddress, refusal, allowEntryProblem, DEFAULT_EGRESS_ALLOW, type EgressPolicy, type EgressVerdict, type AddressRange } from './address-policy.ts';
export { callbackUrlProblem } from './callback-url.ts';
export { checkedConnector, checkedLookup, type Resolve } from './checked-connect.ts';
export { EgressRefusedError } from './errors.ts';
