// Every error the HTTP API can answer, with a stable code and its status.
// They are rendered as application/problem+json (RFC 9457) by problem.ts.

export interface FieldError {
  /** JSON path of the offending field, e.g. `messages[3].to` or `header:idempotency-key`. */
  readonly field: string;
  readonly message: string;
}

export const API_ERRORS = {
  API_ERR_VALIDATION: { status: 400, title: 'Request failed validation', slug: 'validation' },
  API_ERR_BAD_JSON: { status: 400, title: 'Body is not valid JSON', slug: 'bad-json' },
  API_ERR_BAD_ENCODING: { status: 400, title: 'Body is not valid UTF-8', slug: 'bad-encoding' },
  API_ERR_MALFORMED: { status: 400, title: 'Malformed HTTP request', slug: 'malformed' },
  API_ERR_UNAUTHORIZED: { status: 401, title: 'Missing or unknown API key', slug: 'unauthorized' },
  API_ERR_FORBIDDEN: { status: 403, title: 'Message belongs to another tenant', slug: 'forbidden' },
  API_ERR_ROLE_REQUIRED: { status: 403, title: 'Your operator role does not allow this', slug: 'role-required' },
  API_ERR_OWN_REQUEST: { status: 403, title: 'A change request needs a second person', slug: 'own-request' },
  API_ERR_NOT_FOUND: { status: 404, title: 'Not found', slug: 'not-found' },
  API_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', slug: 'method-not-allowed' },
  API_ERR_TIMEOUT: { status: 408, title: 'Request not received in time', slug: 'timeout' },
  API_ERR_NOT_CANCELABLE: { status: 409, title: 'Message can no longer be canceled', slug: 'not-cancelable' },
  API_ERR_CONFLICT: { status: 409, title: 'Conflicts with the current state', slug: 'conflict' },
  API_ERR_REQUEST_EXPIRED: { status: 409, title: 'The change request expired', slug: 'request-expired' },
  API_ERR_TOO_LARGE: { status: 413, title: 'Request body too large', slug: 'too-large' },
  API_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Content-Type must be application/json', slug: 'unsupported-media-type' },
  API_ERR_IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency-Key reused with a different request', slug: 'idempotency-mismatch' },
  API_ERR_OPTED_OUT: { status: 422, title: 'The recipient opted out of promotions', slug: 'opted-out' },
  API_ERR_LOCKED: { status: 423, title: 'Account locked after repeated failed logins', slug: 'locked' },
  API_ERR_RATE_LIMITED: { status: 429, title: 'Rate limit exceeded', slug: 'rate-limited' },
  API_ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large', slug: 'headers-too-large' },
  API_ERR_INTERNAL: { status: 500, title: 'Internal error', slug: 'internal' },
  API_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable', slug: 'unavailable' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Problem type URI for a code: stable, documented in docs/core-api.md. */
export function problemType(code: ApiErrorCode): string {
  return `urn:denpa:problem:${API_ERRORS[code].slug}`;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly title: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ApiErrorCode, detail?: string, errors?: readonly FieldError[], headers: Record<string, string> = {}) {
    const def = API_ERRORS[code];
    super(detail ?? def.title);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = def.status;
    this.title = def.title;
    this.errors = errors;
    this.headers = headers;
  }
}

/** A 400 naming one field. */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError('API_ERR_VALIDATION', `${field} ${message}`, [{ field, message }]);
}

/** A 400 naming every field in `errors`. */
export function validationError(errors: readonly FieldError[]): ApiError {
  return new ApiError('API_ERR_VALIDATION', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
}
