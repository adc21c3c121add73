/**
 * The one catalog of Switchyard's error codes. Startup errors exit non-zero with their message,
 * dynamic-configuration errors become element statuses, request-time errors map to the HTTP status here.
 */
export const ERRORS = {
  SY_ERR_STATIC_INVALID: { status: 0, text: 'invalid static configuration' },
  SY_ERR_STATIC_FILE: { status: 0, text: 'static configuration file cannot be read' },
  SY_ERR_DYNAMIC_INVALID: { status: 0, text: 'invalid dynamic configuration element' },
  SY_ERR_DYNAMIC_FILE: { status: 0, text: 'dynamic configuration file cannot be parsed' },
  SY_ERR_RULE_SYNTAX: { status: 0, text: 'invalid router rule' },
  SY_ERR_REF_MISSING: { status: 0, text: 'reference to an element that does not exist' },
  SY_ERR_REQUEST_BAD: { status: 400, text: 'Bad Request' },
  SY_ERR_REQUEST_NOT_FOUND: { status: 404, text: 'Not Found' },
  SY_ERR_REQUEST_METHOD: { status: 405, text: 'Method Not Allowed' },
  SY_ERR_UPSTREAM_UNAVAILABLE: { status: 503, text: 'Service Unavailable' },
  SY_ERR_UPSTREAM_BAD_GATEWAY: { status: 502, text: 'Bad Gateway' },
  SY_ERR_UPSTREAM_TIMEOUT: { status: 504, text: 'Gateway Timeout' },
  SY_ERR_CLIENT_CLOSED: { status: 499, text: 'Client Closed Request' },
  SY_ERR_INTERNAL: { status: 500, text: 'Internal Server Error' },
} as const;

/** A code from the catalog. */
export type ErrorCode = keyof typeof ERRORS;

/** An error carrying a catalog code; `where` names the file, element and key path when known. */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'SwitchyardError';
    this.code = code;
    this.status = ERRORS[code].status;
  }
}

/** Creates a SwitchyardError; a shorthand used at the boundaries. */
export function syError(code: ErrorCode, message: string): SwitchyardError {
  return new SwitchyardError(code, message);
}
