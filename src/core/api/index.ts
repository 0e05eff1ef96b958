// The HTTP API room: plugins, routes, schemas and errors.
export { ApiError, API_ERRORS, problemType, fieldError, validationError, type ApiErrorCode, type FieldError } from './errors.ts';
export { problem, clientErrorHandler, frameworkErrorHandler, problemOf, toApiError, PROBLEM_CONTENT_TYPE, type Problem } from './problem.ts';
export { jsonBody } from './json-body.ts';
export { queryEncoding, badlyEncodedParameter } from './query-encoding.ts';
export { auth, TenantKeys, authenticateRequest, type Tenant, type IssuedKeyLookup } from './auth.ts';
export { typeboxValidatorCompiler, fieldName } from './validation.ts';
export { acceptMessage, concatReference, type Acceptance, type AcceptContext } from './acceptance.ts';
export { parseTime } from './time-input.ts';
export { messageRoutes, type MessageRoutesOptions } from './routes/messages.ts';
export { acceptRoutes, type AcceptRoutesOptions } from './routes/accept-routes.ts';
export { lookupRoutes, type LookupRoutesOptions } from './routes/lookup-routes.ts';
export { operationRoutes, type OperationRoutesOptions, type ReadinessProbe, type ReadinessCheck } from './routes/operations.ts';
export * as schemas from './schemas.ts';
