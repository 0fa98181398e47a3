import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, api } from "../../web/lib/api.ts";

/** Answers every fetch with this body and status; the web's `call` runs as in a browser. */
function respond(status: number, body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(body, { status, headers })));
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal("localStorage", {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
  vi.stubGlobal("location", { assign: vi.fn() });
});
afterEach(() => vi.unstubAllGlobals());

describe("Web — HTTP responses are parsed, never cast", () => {
  it("[A3] a well-formed body is returned as its schema's type", async () => {
    const ticket = { ticket: "YWxpY2U.abc", expiresAt: "2026-11-21T09:01:00.000Z", path: "/api/v1/socket" };
    respond(201, JSON.stringify(ticket));
    expect(await api.socketTicket()).toEqual(ticket);
  });

  it("[E1] an error body becomes an ApiError with the server's code and request id", async () => {
    respond(429, JSON.stringify({ error: { code: "rate_limited", message: "too many writes", requestId: "req-1", retryAfter: 3 } }));
    const error = await failure(api.undo("turn-1"));
    expect(error.status).toBe(429);
    expect(error.body).toEqual({ code: "rate_limited", message: "too many writes", requestId: "req-1", retryAfter: 3 });
  });

  const unexpected: [string, number, string][] = [
    ["a success body of the wrong shape", 200, JSON.stringify({ ticket: 42 })],
    ["a body that is not JSON", 200, "<html>502 Bad Gateway</html>"],
    ["an error body of the wrong shape", 500, JSON.stringify({ message: "oops" })],
    ["an error with a code outside E2", 418, JSON.stringify({ error: { code: "teapot", message: "x", requestId: "r" } })],
    ["an empty body", 502, ""],
  ];
  for (const [name, status, body] of unexpected) {
    it(`[E1] ${name} becomes ApiError internal "unexpected response from the server", not a crash`, async () => {
      respond(status, body, { "x-request-id": "req-9" });
      const error = await failure(api.socketTicket());
      expect(error.status).toBe(status);
      expect(error.body).toEqual({ code: "internal", message: "unexpected response from the server", requestId: "req-9" });
      expect(error.message).toBe("unexpected response from the server");
    });
  }
});
