import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The closed set of error codes every function answers with. */
export const ERROR_CODES = {
  invalid_json: 400,
  invalid_body: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  /** A setting is missing or invalid: the message names the variable (see GET /ready). */
  misconfigured: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  /** Dotted path into the body, e.g. `alerts.0.labels.alertname`. */
  readonly field: string;
  readonly message: string;
}

/** `{ error: { code, message, requestId, fields? } }` — the one error body of every function. */
export interface ErrorEnvelope {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly requestId: string;
    readonly fields?: readonly FieldIssue[];
  };
}

/** A refusal the client can act on; senders decide retries from the status alone (5xx, 429). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly fields: readonly FieldIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: { fields?: readonly FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_CODES[code];
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string, fields?: readonly FieldIssue[]): ErrorEnvelope {
  return { error: { code, message, requestId, ...(fields && fields.length > 0 ? { fields } : {}) } };
}
