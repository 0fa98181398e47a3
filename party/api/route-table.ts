/**
 * The HTTP API's one declared surface (docs/PROTOCOL.md H14): a route is a
 * method, a path pattern, its input schemas, a handler and whether it writes.
 * Everything a route gets for being a write — the write rate limit (H10), the
 * `Idempotency-Key` merged with the body's `clientActionId` (H7), the
 * `X-Device-Id` attribution (H13) and the request id as correlation id (H1) —
 * is applied here, by the one dispatcher, never by a handler.
 */
import type * as Y from "yjs";
import type { z } from "zod";
import type { AgendaItem } from "../../shared/agenda.ts";
import { splitClientActionId } from "../../shared/commands.ts";
import type { Command } from "../../shared/commands.ts";
import type { Device, KnownDevice } from "../../shared/domain.ts";
import { ok, type Result } from "../../shared/errors.ts";
import type { ChatEngine } from "../chat/engine.ts";
import type { Applied, CommandContext } from "../core/commands.ts";
import type { Ids } from "../core/inputs.ts";
import type { Ledger } from "../core/ledger.ts";
import type { McpHub } from "../mcp/hub.ts";
import type { DataPort } from "../data/room-data.ts";
import type { PushApi } from "../push/push-api.ts";
import type { Calendar } from "../calendar/calendar.ts";
import type { SearchIndexer } from "../search/indexer.ts";
import type { VoiceApi } from "../voice/jobs.ts";
import { errorResponse } from "../http.ts";
import { idempotencyKey, readInput, readQuery, userActor } from "./request.ts";

export type ApiDeps = {
  now: () => number;
  chat: ChatEngine;
  limits: { dailyTokens: number };
  userId: string;
  requestId: string;
  ledger: Ledger;
  doc: Y.Doc;
  devices: () => Device[];
  /** Every device the room has met, online or not (P16). */
  knownDevices: () => KnownDevice[];
  execute: (command: Command, ctx: CommandContext) => Result<Applied>;
  issueTicket: () => Promise<{ ticket: string; expiresAt: string }>;
  /** Rate limit on writes; seconds to wait when over. */
  admitWrite: () => number | null;
  /** Web Push subscriptions and the notification actions (N1–N3, N15–N16); a host without it answers them 404. */
  push?: PushApi;
  /** The merged agenda over [from, to) epoch ms, in the user's zone (K20–K23); a host without it answers 404. */
  agenda?: (from: number, to: number) => AgendaItem[];
  /** Calendar sources (K1–K10); a host without it answers them 404. */
  calendar?: Pick<Calendar, "sources" | "add" | "remove" | "requestSync" | "between">;
  /** MCP servers (M1–M14); a host without it answers their routes 404. */
  mcp?: McpHub;
  /** Export, import and the account's deletion (U1–U17); a host without it answers them 404. */
  data?: DataPort;

  /** Full-text search (Q1–Q19); a host without it answers 404. */
  search?: Pick<SearchIndexer, "search">;
  /** Voice jobs, speech and capabilities (V10–V20); a host without it answers 404. */
  voice?: VoiceApi;
};

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** Methods that write; DELETE has no body (N2); PATCH changes part of a resource (M6). */
export type WriteMethod = "POST" | "PUT" | "PATCH" | "DELETE";

/** The `:name` segments of a path pattern. */
export type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** Every path parameter is an id: 1–64 of A-Z a-z 0-9 and `-`. Anything else matches no route (404). */
const PARAM = /^[A-Za-z0-9-]{1,64}$/;

type Call<P extends string> = { deps: ApiDeps; request: Request; url: URL; params: Ids<ParamNames<P>> };
export type ReadCall<P extends string, Q> = Call<P> & { query: Q };
/** `action` is the write's command context: actor (H13), correlation id (H1), merged key (H7). */
export type WriteCall<P extends string, B> = Call<P> & { body: B; action: CommandContext };

type Handled = Response | Promise<Response>;

/** A read; `query` validates the query, and its messages are worded whole, as clients see them. */
export type ReadDecl<P extends string, Q> = { method: Method; path: P; query: z.ZodType<Q>; handle: (call: ReadCall<P, Q>) => Handled };
export type PlainReadDecl<P extends string> = { method: Method; path: P; handle: (call: ReadCall<P, undefined>) => Handled };

/**
 * A write with a JSON body, read with the cap (H5) and checked whole. `emptyBody`, when given,
 * makes the body optional: none (or only whitespace) stands for that value and needs no content-type.
 */
export type WriteDecl<P extends string, B> = { method: "POST" | "PUT" | "PATCH"; path: P; body: z.ZodType<B>; emptyBody?: B; handle: (call: WriteCall<P, B>) => Handled };
/** A write with no body: nothing is read, no content-type is required. */
export type BodilessWriteDecl<P extends string> = { method: WriteMethod; path: P; body: null; handle: (call: WriteCall<P, undefined>) => Handled };

/** One entry of the table, its types erased; made only by `read` and `write`. */
export type Route = {
  readonly method: Method;
  readonly path: string;
  readonly write: boolean;
  /** What it reads (H14): nothing, a JSON body, an optional one (none stands for its `emptyBody`), or a multipart form (V10). */
  readonly body: "none" | "json" | "optional-json" | "multipart";
  readonly serve: (request: Request, url: URL, path: string, deps: ApiDeps) => Promise<Response | null>;
};

/** A route that changes nothing of the user's; not rate-limited, keys and devices ignored. */
export function read<const P extends string, Q>(decl: ReadDecl<P, Q>): Route;
export function read<const P extends string>(decl: PlainReadDecl<P>): Route;
export function read<const P extends string, Q>(decl: ReadDecl<P, Q> | PlainReadDecl<P>): Route {
  return {
    method: decl.method,
    path: decl.path,
    write: false,
    body: "none",
    serve: async (request, url, path, deps) => {
      const params = matchPath(decl.path, path);
      if (params === null) return null;
      if (!("query" in decl)) return decl.handle({ deps, request, url, params, query: undefined });
      const query = readQuery(url, decl.query);
      if (!query.ok) return errorResponse(query.error.code, query.error.message, deps.requestId);
      return decl.handle({ deps, request, url, params, query: query.value });
    },
  };
}

/** A route that changes the user's data: rate limit, idempotency key, device attribution, by construction. */
export function write<const P extends string, B>(decl: WriteDecl<P, B>): Route;
export function write<const P extends string>(decl: BodilessWriteDecl<P>): Route;
export function write<const P extends string, B>(decl: WriteDecl<P, B> | BodilessWriteDecl<P>): Route {
  return {
    method: decl.method,
    path: decl.path,
    write: true,
    body: decl.body === null ? "none" : "emptyBody" in decl && decl.emptyBody !== undefined ? "optional-json" : "json",
    serve: async (request, url, path, deps) => {
      const params = matchPath(decl.path, path);
      if (params === null) return null;
      const retryAfter = deps.admitWrite();
      if (retryAfter !== null) return errorResponse("rate_limited", "too many writes", deps.requestId, retryAfter);
      if (decl.body === null) {
        const action = commandContext(request, deps.requestId, undefined);
        if (!action.ok) return errorResponse(action.error.code, action.error.message, deps.requestId);
        return decl.handle({ deps, request, url, params, body: undefined, action: action.value });
      }
      const body = await readInput(request, decl.body, decl.emptyBody === undefined ? undefined : { value: decl.emptyBody });
      if (!body.ok) return errorResponse(body.error.code, body.error.message, deps.requestId);
      const action = commandContext(request, deps.requestId, splitClientActionId(body.value).clientActionId);
      if (!action.ok) return errorResponse(action.error.code, action.error.message, deps.requestId);
      return decl.handle({ deps, request, url, params, body: body.value, action: action.value });
    },
  };
}

/**
 * A write whose body is a multipart form (V10), read by its handler with its own caps. `refuse`
 * answers after the rate limit (H10) and before a byte of the body is read (a `501`, V10).
 */
export type UploadDecl<P extends string> = {
  method: "POST";
  path: P;
  refuse: (deps: ApiDeps) => Response | null;
  handle: (call: WriteCall<P, undefined>) => Handled;
};

export function upload<const P extends string>(decl: UploadDecl<P>): Route {
  return {
    method: decl.method,
    path: decl.path,
    write: true,
    body: "multipart",
    serve: async (request, url, path, deps) => {
      const params = matchPath(decl.path, path);
      if (params === null) return null;
      const retryAfter = deps.admitWrite();
      if (retryAfter !== null) return errorResponse("rate_limited", "too many writes", deps.requestId, retryAfter);
      const refused = decl.refuse(deps);
      if (refused) return refused;
      const action = commandContext(request, deps.requestId, undefined);
      if (!action.ok) return errorResponse(action.error.code, action.error.message, deps.requestId);
      return decl.handle({ deps, request, url, params, body: undefined, action: action.value });
    },
  };
}

/** H1, H7, H13: the request that writes, under which key, from which device. */
function commandContext(request: Request, requestId: string, bodyKey: string | undefined): Result<CommandContext> {
  const key = idempotencyKey(request, bodyKey);
  if (!key.ok) return key;
  return ok({ actor: userActor(request), correlationId: requestId, clientActionId: key.value });
}

/**
 * Serves a request from the table. Paths compare without trailing slashes;
 * an unknown method or path is `404 no route METHOD path` (E2: no 405).
 */
export async function dispatch(routes: readonly Route[], request: Request, deps: ApiDeps): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.replace(/\/+$/, "");
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const response = await route.serve(request, url, path, deps);
    if (response !== null) return response;
  }
  return errorResponse("not_found", `no route ${request.method} ${path}`, deps.requestId);
}

/** The ids a path names, when it matches the pattern; null when it does not. */
export function matchPath<P extends string>(pattern: P, path: string): Ids<ParamNames<P>> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? "";
    if (segment.startsWith(":")) {
      if (!PARAM.test(actual)) return null;
      params[segment.slice(1)] = actual;
    } else if (segment !== actual) {
      return null;
    }
  }
  return hasParams(pattern, params) ? params : null;
}

function hasParams<P extends string>(pattern: P, params: Record<string, string>): params is Record<string, string> & Ids<ParamNames<P>> {
  return pattern.split("/").every((segment) => !segment.startsWith(":") || Object.hasOwn(params, segment.slice(1)));
}
