// The operator room: accounts and roles, sessions, tenant keys, four-eyes
// change requests, off-hours alerts and the /v1/ops API.
export { ROLES, isRole, roleAtLeast, seesPersonalData, type Role } from './roles.ts';
export { hashPassword, verifyPassword, passwordProblems, DEFAULT_COST, type ScryptCost } from './password.ts';
export { maskNumber, maskedBody, bodyFor, numberFor, redactParams, OTP_BODY_WITHHELD } from './masking.ts';
export { WorkingHoursSchema, withinWorkingHours, localTime, isTimeZone, type WorkingHours } from './working-hours.ts';
export { openOpsDb, OPS_DB_FILE, type OpsDb } from './ops-db.ts';
export { OperatorAccounts, DEFAULT_ACCOUNT_POLICY, NAME_PATTERN, type OperatorAccount, type AccountPolicy, type LoginOutcome } from './accounts.ts';
export { TenantKeyTable, keyDigest, type TenantKeyInfo, type IssuedKey } from './tenant-key-table.ts';
export { ChangeRequests, CHANGE_KINDS, type ChangeAction, type ChangeRequest, type RequestState } from './change-requests.ts';
export { OpsDesk, type OpsActions, type OpsDeskOptions } from './desk.ts';
export { OffHoursWatch, type OffHoursAlert, type OffHoursOptions } from './off-hours.ts';
export { opsRoutes, type OpsRoutesOptions } from './routes/ops-plugin.ts';
export { buildOpsSide, systemName, type OpsSide, type OpsSideDeps } from './ops-side.ts';
