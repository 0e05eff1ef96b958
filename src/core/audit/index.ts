// The audit room: the tamper-evident record of operator actions.
export { AuditTrail, type AuditEvent, type AuditOutcome, type AuditRecord, type ChainedAuditRecord, type AuditAnchor, type AuditVerdict } from './audit-trail.ts';
export { verifyFile, verifyTrail, startOf, type TrailVerdict } from './archive-check.ts';
