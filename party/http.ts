/**
 * HTTP helpers shared by the worker entry and the room: JSON responses,
 * typed errors with the request id (docs/PROTOCOL.md E1–E4), capped body
 * reads (H2) and the security headers of every API response (W1).
 */
import { ERROR_STATUS, type ErrorBody, type ErrorCode, fail, ok, type Result } from "../shared/errors.ts";

/** Largest request body accepted, in bytes (H2). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Headers the worker sets when it forwards a request to a room; stripped from client requests. */
export const TRUSTED = { userId: "x-mc-user-id", requestId: "x-mc-request-id" } as const;

/**
 * Security headers of every `/api/*` response (W1). An API response is data, never a
 * page: its policy allows nothing to load or run, and no site may frame it. The web
 * app's own headers are in public/_headers.
 */
export const API_SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

/** Sets the API security headers on a response whose headers are mutable (one the worker built). */
export function secure(response: Response): Response {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

export function json(body: unknown, status: number, requestId: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.set("x-request-id", requestId);
  h.set("cache-control", "no-store");
  return secure(new Response(JSON.stringify(body), { status, headers: h }));
}

export function errorResponse(code: ErrorCode, message: string, requestId: string, retryAfter?: number): Response {
  const body: ErrorBody = { error: { code, message, requestId } };
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) {
    body.error.retryAfter = retryAfter;
    headers["retry-after"] = String(retryAfter);
  }
  return json(body, ERROR_STATUS[code], requestId, headers);
}

/** Reads the body as text, refusing more than `max` bytes before reading them all (H2). */
export async function readBody(request: Request, max = MAX_BODY_BYTES): Promise<Result<string>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return fail("too_large", `body exceeds ${max} bytes`);
  if (!request.body) return ok("");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return fail("too_large", `body exceeds ${max} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return ok(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return fail("invalid_request", "body is not valid UTF-8");
  }
}

/** Parses a JSON body; never throws. */
export function parseJson(text: string): Result<unknown> {
  if (text.trim() === "") return fail("invalid_request", "body must be a JSON object");
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail("invalid_request", "body is not valid JSON");
  }
}
