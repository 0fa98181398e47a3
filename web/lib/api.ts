/** Typed calls to the HTTP API (docs/PROTOCOL.md H1–H9). */
import type { TaskAction } from "../../shared/commands.ts";
import type { BrainState, Task } from "../../shared/domain.ts";
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
  constructor(
    readonly status: number,
    readonly body: ErrorBody["error"],
  ) {
    super(`${body.code}: ${body.message} (request ${body.requestId})`);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new ApiError(res.status, (json as ErrorBody).error);
  return json as T;
}

export const api = {
  devLogin: (userId: string) => call<{ token: string; userId: string }>("POST", "/api/v1/dev/login", { userId }),
  state: () => call<BrainState>("GET", "/api/v1/state"),
  task: (action: TaskAction) => call<Task>("POST", "/api/v1/tasks", action),
  socketTicket: () => call<{ ticket: string; expiresAt: string; path: string }>("POST", "/api/v1/socket/ticket"),
};
