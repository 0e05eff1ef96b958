// The release room: the gate sheet as a recorded, signed-off release decision.
export { buildIdentity, distHash, type BuildIdentity } from './build-identity.ts';
export { readReleaseLog, appendRelease, decideApproval, signOffOf, type ReleaseRecord, type GateRecord, type ApprovalRecord, type ChainedRelease, type ReleaseLog, type SignOff } from './release-log.ts';
export { recordGate, approveGate, gateName, ReleaseRefused, DEFAULT_RELEASE_LOG } from './sign-off.ts';
