// The HTTP API room: plugins, routes, schemas and errors.
export { ApiError, API_ERRORS, problemType, fieldError, type ApiErrorCode, type FieldError } from './errors.ts';
export { problem, frameworkErrorHandler, problemOf, toApiError, PROBLEM_CONTENT_TYPE, type Problem } from './problem.ts';
export { jsonBody } from './json-body.ts';
export { auth, TenantKeys, authenticateRequest, type Tenant } from './auth.ts';
export { typeboxValidatorCompiler, fieldName } from './validation.ts';
export { acceptMessage, concatReference, parseTime, type Acceptance, type AcceptContext } from './acceptance.ts';
export { messageRoutes, type MessageRoutesOptions } from './routes/messages.ts';
export { operationRoutes, type OperationRoutesOptions, type ReadinessProbe, type ReadinessCheck } from './routes/operations.ts';
export * as schemas from './schemas.ts';
