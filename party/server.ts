/**
 * Worker entry (docs/PROTOCOL.md H1–H3, A1–A10): gives every request an id,
 * authenticates it, and hands it to the caller's own Brain — the room is
 * derived from the verified identity, never from anything the client names
 * (G4), and no room is reached, so none is created or woken, before that
 * identity is verified (G8). Static assets (the web app) are served by the
 * platform before this code runs; only `/api/*` reaches it.
 */
import { MCP_CALLBACK_PATH } from "./api/mcp-routes.ts";
import { stateKey, verifyState } from "./mcp/oauth-state.ts";
import { getServerByName } from "partyserver";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { configOf } from "./config.ts";
import { authConfig, authenticate, isDevelopment, signDevToken, UserIdSchema } from "./auth.ts";
import { ticketKey, verifyTicket } from "./core/tickets.ts";
import { admitDevLogin } from "./dev-login.ts";
import { errorResponse, json, parseJson, readBody, secure, TRUSTED } from "./http.ts";
import { configureLog, describeError, log } from "./log.ts";
import { refuseSocket } from "./socket-refusal.ts";

export { Brain } from "./brain.ts";
export { ArchitectWorkflow } from "./architect/workflow.ts";

const DevLoginSchema = z.strictObject({ userId: UserIdSchema });

export default {
  async fetch(request, env): Promise<Response> {
    configureLog(configOf(env).logLevel);
    const requestId = uuidv7();
    const started = Date.now();
    const url = new URL(request.url);
    let userId: string | undefined;
    let response: Response;
    try {
      const routed = await route(request, env, url, requestId);
      userId = routed.userId;
      response = routed.response;
    } catch (error) {
      log("error", { event: "worker.failed", requestId, detail: describeError(error) });
      response = errorResponse("internal", "internal error", requestId);
    }
    // A body we refused unread is drained, so the runtime is not left with a half-read stream.
    if (request.body && !request.bodyUsed) await request.body.cancel().catch(() => {});
    log(response.status >= 500 ? "error" : "info", {
      event: "http.request",
      requestId,
      userId,
      method: request.method,
      path: url.pathname,
      status: response.status,
      durationMs: Date.now() - started,
    });
    // W1: on every API response, the room's streams and socket upgrades included.
    return secure(response);
  },
} satisfies ExportedHandler<Env>;

type Routed = { response: Response; userId?: string };

async function route(request: Request, env: Env, url: URL, requestId: string): Promise<Routed> {
  const path = url.pathname;
  if (!path.startsWith("/api/")) return { response: errorResponse("not_found", "not found", requestId) };

  const config = authConfig(env);
  if (!config.ok) {
    log("error", { event: "config.invalid", requestId, detail: config.error.message });
    return { response: errorResponse("internal", "server authentication is not configured", requestId) };
  }

  if (path === "/api/v1/dev/login") {
    // A5: absent — not merely forbidden — outside development.
    if (!isDevelopment(env) || request.method !== "POST") {
      return { response: errorResponse("not_found", `no route ${request.method} ${path}`, requestId) };
    }
    const wait = admitDevLogin(configOf(env).devLoginsPerMinute);
    if (wait !== null) return { response: errorResponse("rate_limited", "too many development logins; try again later", requestId, wait) };
    const text = await readBody(request);
    if (!text.ok) return { response: errorResponse(text.error.code, text.error.message, requestId) };
    const body = parseJson(text.value);
    const input = body.ok ? DevLoginSchema.safeParse(body.value) : null;
    if (!input?.success) return { response: errorResponse("invalid_request", "expected {\"userId\": string}", requestId) };
    const token = await signDevToken(input.data.userId, config.value);
    return { response: json({ token, userId: input.data.userId }, 200, requestId), userId: input.data.userId };
  }

  if (path === "/api/v1/socket") {
    // A3, A7: sockets authenticate with a ticket whose mac and expiry are checked here, before any room is
    // touched (G8); the user's room then checks single use (A4).
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return { response: errorResponse("invalid_request", "expected a WebSocket upgrade", requestId) };
    }
    const ticket = url.searchParams.get("ticket") ?? "";
    const verified = await verifyTicket(await ticketKey(config.value.ticketSecret), ticket, Date.now());
    const userId = verified.ok && UserIdSchema.safeParse(verified.value.userId).success ? verified.value.userId : null;
    if (userId === null) {
      const reason = verified.ok ? "socket ticket names no valid user" : verified.error.message;
      log("warn", { event: "socket.refused", requestId, code: "unauthorized", detail: reason });
      return { response: refuseSocket(reason, requestId) };
    }
    return { response: await toRoom(request, env, userId, requestId), userId };
  }

  if (path === MCP_CALLBACK_PATH && request.method === "GET") {
    // M13: a browser redirected by an MCP server's authorization server carries no bearer token. Its signed
    // `state` names the user; the mac and expiry are checked here, before any room is touched (G8).
    const verified = await verifyState(await stateKey(config.value.ticketSecret), url.searchParams.get("state") ?? "", Date.now());
    const userId = verified.ok && UserIdSchema.safeParse(verified.value.userId).success ? verified.value.userId : null;
    if (userId === null) return { response: errorResponse("unauthorized", verified.ok ? "OAuth state is not valid" : verified.error.message, requestId) };
    return { response: await toRoom(request, env, userId, requestId), userId };
  }

  const auth = await authenticate(request.headers.get("authorization"), config.value);
  if (!auth.ok) return { response: errorResponse(auth.error.code, auth.error.message, requestId) };
  return { response: await toRoom(request, env, auth.value.userId, requestId), userId: auth.value.userId };
}

/** Forwards to the user's room with trusted headers; anything the client sent under those names is dropped. */
async function toRoom(request: Request, env: Env, userId: string, requestId: string): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const name of Object.values(TRUSTED)) headers.delete(name);
  for (const name of [...headers.keys()]) if (name.startsWith("x-partykit-")) headers.delete(name);
  headers.set(TRUSTED.userId, userId);
  headers.set(TRUSTED.requestId, requestId);
  const stub = await getServerByName(env.Brain, userId);
  const forwarded = new Request(request, { headers });
  const response = await stub.fetch(forwarded);
  if (response.webSocket) {
    return new Response(null, { status: 101, webSocket: response.webSocket, headers: { "x-request-id": requestId } });
  }
  if (response.status >= 500 && !(response.headers.get("content-type") ?? "").startsWith("application/json")) {
    // E3: whatever the room library put in a 5xx body (partyserver puts a stack there) stays in the logs.
    await response.body?.cancel();
    return errorResponse("internal", "internal error", requestId);
  }
  const out = new Response(response.body, response);
  out.headers.set("x-request-id", requestId);
  return out;
}
