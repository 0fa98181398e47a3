/**
 * Typed errors shared by the HTTP API and the socket protocol
 * (docs/PROTOCOL.md E1–E4).
 */
import { z } from "zod";

/** Error codes and the HTTP status each maps to (E2). The one list of codes: `ErrorCodeSchema` is derived from its keys. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  /** V2: a body in a format the route does not take (audio other than V2's containers). */
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  /** V17: a feature whose provider is not configured here; the message names the setting. */
  not_configured: 501,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** `Object.keys` is typed `string[]` by design; this guard narrows it without a cast. */
const isErrorCode = (key: string): key is ErrorCode => Object.hasOwn(ERROR_STATUS, key);

/** One of the codes of ERROR_STATUS (E2); anything else is refused, so a client can switch over it exhaustively. */
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS).filter(isErrorCode));

/** The JSON body of every HTTP error response (E1). */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    /** For programs: one of E2's codes. */
    code: ErrorCodeSchema,
    /** For people; never a stack trace or internal detail (E3). */
    message: z.string(),
    /** The id the room logged the failure under; also the `x-request-id` header (H1). */
    requestId: z.string(),
    /** Seconds to wait before retrying; only with `rate_limited`. */
    retryAfter: z.number().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An expected failure, carried as a value (STYLE.md 5). */
export type AppError = { code: ErrorCode; message: string; retryAfter?: number };

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, retryAfter?: number): Result<never> => ({
  ok: false,
  error: retryAfter === undefined ? { code, message } : { code, message, retryAfter },
});
