/**
 * Typed errors shared by the HTTP API and the socket protocol
 * (docs/PROTOCOL.md E1–E4).
 */

/** Error codes and the HTTP status each maps to. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The JSON body of every HTTP error response. */
export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    /** Seconds to wait before retrying; only with `rate_limited`. */
    retryAfter?: number;
  };
};

/** An expected failure, carried as a value (STYLE.md 5). */
export type AppError = { code: ErrorCode; message: string; retryAfter?: number };

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, retryAfter?: number): Result<never> => ({
  ok: false,
  error: retryAfter === undefined ? { code, message } : { code, message, retryAfter },
});
