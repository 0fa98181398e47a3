/**
 * MCP servers over HTTP (docs/PROTOCOL.md M1, M2, M6, M13): add (connects and
 * lists tools during the call), list, trust, remove, and the OAuth callback.
 * Answers never carry headers or tokens. The callback carries no bearer token:
 * the worker let it through on its signed `state` alone, and the hub accepts
 * that state once.
 */
import { z } from "zod";
import { fail, type Result } from "../../shared/errors.ts";
import { McpServerInputSchema, McpServerPatchSchema } from "../../shared/mcp.ts";
import { errorResponse, json } from "../http.ts";
import type { McpHub } from "../mcp/hub.ts";
import { type ApiDeps, read, type Route, write } from "./route-table.ts";

export const MCP_CALLBACK_PATH = "/api/v1/mcp/oauth/callback";

const off = (): Result<never> => fail("not_found", "MCP servers are not available on this server");
const hubOf = (deps: ApiDeps): McpHub | null => deps.mcp ?? null;

const CallbackQuerySchema = z.object({
  code: z.string({ error: "code is required" }).min(1, "code is required").max(2_048, "code is too long"),
  state: z.string({ error: "state is required" }).min(1, "state is required").max(1_024, "state is too long"),
});

const answer = <T>(result: Result<T>, requestId: string, status = 200) =>
  result.ok ? json(result.value, status, requestId) : errorResponse(result.error.code, result.error.message, requestId, result.error.retryAfter);

export const MCP_ROUTES: readonly Route[] = [
  read({
    method: "GET",
    path: "/api/v1/mcp/servers",
    handle: ({ deps }) => {
      const hub = hubOf(deps);
      return hub ? json({ servers: hub.servers() }, 200, deps.requestId) : answer(off(), deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/mcp/servers",
    body: McpServerInputSchema,
    handle: async ({ deps, body, url, action }) => {
      const hub = hubOf(deps);
      if (!hub) return answer(off(), deps.requestId);
      const added = await hub.add(body, action, `${url.origin}${MCP_CALLBACK_PATH}`);
      return answer(added, deps.requestId, 201);
    },
  }),
  write({
    method: "PATCH",
    path: "/api/v1/mcp/servers/:serverId",
    body: McpServerPatchSchema,
    handle: ({ deps, params, body, action }) => {
      const hub = hubOf(deps);
      return answer(hub ? hub.setTrusted(params.serverId, body.trusted, action) : off(), deps.requestId);
    },
  }),
  write({
    method: "DELETE",
    path: "/api/v1/mcp/servers/:serverId",
    body: null,
    handle: ({ deps, params, action }) => {
      const hub = hubOf(deps);
      if (!hub) return answer(off(), deps.requestId);
      const removed = hub.remove(params.serverId, action);
      return removed.ok ? json({ id: params.serverId, removed: true }, 200, deps.requestId) : answer(removed, deps.requestId);
    },
  }),
  read({
    method: "GET",
    path: MCP_CALLBACK_PATH,
    query: CallbackQuerySchema,
    handle: async ({ deps, query }) => {
      const hub = hubOf(deps);
      if (!hub) return answer(off(), deps.requestId);
      const done = await hub.finishAuth(query.state, query.code, { actor: { kind: "user" }, correlationId: deps.requestId });
      if (!done.ok) return answer(done, deps.requestId);
      // The user's browser came here from the authorization server: back to Settings, where the server now shows as connected.
      return new Response(null, { status: 303, headers: { location: `/settings?mcp=${encodeURIComponent(done.value.status)}`, "x-request-id": deps.requestId, "cache-control": "no-store" } });
    },
  }),
];
