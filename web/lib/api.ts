/** Typed calls to the HTTP API (docs/PROTOCOL.md). Errors become ApiError with the server's code and request id. */
import type { BrainState, LedgerEvent, Memory, Message, Preferences, PreferencesPatch } from "../../shared/domain.ts";
import type { ErrorBody } from "../../shared/errors.ts";

const TOKEN_KEY = "micro-cos.token";

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value === null) localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value);
  },
};

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody["error"];
  constructor(status: number, body: ErrorBody["error"]) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  const device = localStorage.getItem("micro-cos.device");
  if (device) headers["x-device-id"] = device;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as unknown;
  if (res.status === 401 && path !== "/api/v1/dev/login" && session.token) {
    // The session expired or was revoked: back to sign-in (the outbox stays for this user).
    session.token = null;
    location.assign("/login");
  }
  if (!res.ok) throw new ApiError(res.status, (json as ErrorBody).error);
  return json as T;
}

export const api = {
  devLogin: (userId: string) => call<{ token: string; userId: string }>("POST", "/api/v1/dev/login", { userId }),
  state: () => call<BrainState>("GET", "/api/v1/state"),
  events: (since = 0, limit = 200) => call<{ events: LedgerEvent[]; lastEventSeq: number }>("GET", `/api/v1/events?since=${since}&limit=${limit}`),
  history: (before?: string) => call<{ messages: Message[]; nextBefore: string | null }>("GET", `/api/v1/messages?limit=50${before ? `&before=${encodeURIComponent(before)}` : ""}`),
  pin: (pin: { type: Memory["type"]; key: string; value: string }) => call<Memory>("POST", "/api/v1/memory/pin", pin),
  unpin: (memoryId: string) => call<Memory>("POST", "/api/v1/memory/unpin", { memoryId }),
  preferences: (patch: PreferencesPatch) => call<Preferences>("PUT", "/api/v1/preferences", patch),
  proposal: (id: string, decision: "confirm" | "reject") => call<unknown>("POST", `/api/v1/proposals/${id}/${decision}`),
  undo: (turnId: string) => call<unknown>("POST", "/api/v1/undo", { turnId }),
  planItem: (date: string, itemId: string, action: "accept" | "reject") => call<unknown>("POST", "/api/v1/plan/items", { date, itemId, action }),
  socketTicket: () => call<{ ticket: string; expiresAt: string; path: string }>("POST", "/api/v1/socket/ticket"),
};
