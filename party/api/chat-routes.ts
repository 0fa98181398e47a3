/**
 * Chat over HTTP (docs/PROTOCOL.md C1, C7, C8, C11, C12): send a message,
 * read a turn's stream as server-sent events, stop a turn, settle a proposal,
 * page through history.
 */
import type { HistoryPage } from "../../shared/api.ts";
import type { LlmFrame } from "../../shared/chat.ts";
import { MessageSendSchema } from "../../shared/chat.ts";
import type { Message } from "../../shared/domain.ts";
import type { Result } from "../../shared/errors.ts";
import type { ChatEngine } from "../chat/engine.ts";
import { errorResponse, json } from "../http.ts";
import type { Ledger } from "../core/ledger.ts";
import { readInput, userActor } from "./routes.ts";

export type ChatApiDeps = {
  requestId: string;
  chat: ChatEngine;
  ledger: Ledger;
  idempotencyKey: (request: Request, bodyKey: string | undefined) => Result<string | undefined>;
};

const HISTORY_MAX = 200;

/** Handles the chat routes; null when the path is not one of them. */
export async function handleChatApi(request: Request, url: URL, deps: ChatApiDeps): Promise<Response | null> {
  const path = url.pathname.replace(/\/+$/, "");
  const { requestId, chat } = deps;
  if (request.method === "POST" && path === "/api/v1/message") {
    const input = await readInput(request, MessageSendSchema);
    if (!input.ok) return errorResponse(input.error.code, input.error.message, requestId);
    const key = deps.idempotencyKey(request, input.value.clientActionId);
    if (!key.ok) return errorResponse(key.error.code, key.error.message, requestId);
    const result = chat.submit({ ...input.value, clientActionId: key.value }, userActor(request), requestId);
    if (!result.ok) return errorResponse(result.error.code, result.error.message, requestId, result.error.retryAfter);
    const { duplicate, ...accepted } = result.value;
    return json(accepted, 202, requestId, duplicate ? { "idempotent-replayed": "true" } : {});
  }
  let m = /^\/api\/v1\/stream\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (request.method === "GET" && m) return stream(m[1]!, deps);
  m = /^\/api\/v1\/turns\/([A-Za-z0-9-]{1,64})\/stop$/.exec(path);
  if (request.method === "POST" && m) {
    const result = chat.stop(m[1]!);
    return result.ok ? json(result.value, 200, requestId) : errorResponse(result.error.code, result.error.message, requestId);
  }
  m = /^\/api\/v1\/proposals\/([A-Za-z0-9-]{1,64})\/(confirm|reject)$/.exec(path);
  if (request.method === "POST" && m) {
    const result = m[2] === "confirm" ? chat.confirm(m[1]!, { kind: "user" }, requestId) : chat.reject(m[1]!);
    return result.ok ? json(result.value, 200, requestId) : errorResponse(result.error.code, result.error.message, requestId);
  }
  if (request.method === "GET" && path === "/api/v1/messages") return history(url, deps);
  return null;
}

/** C11: `text/event-stream` of one turn: the tokens so far, then live ones, then its end. */
function stream(turnId: string, deps: ChatApiDeps): Response {
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  const end = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    writer.close().catch(() => {});
  };
  const sink = (frame: LlmFrame) => {
    if (closed) return;
    writer.write(encoder.encode(`event: ${frame.type}\ndata: ${JSON.stringify(frame)}\n\n`)).catch(end);
    if (frame.type === "llm.completed" || frame.type === "llm.interrupted" || frame.type === "llm.failed") end();
  };
  unsubscribe = deps.chat.subscribe(turnId, sink);
  if (unsubscribe === null) {
    closed = true;
    writer.close().catch(() => {});
    return errorResponse("not_found", `turn ${turnId} does not exist`, deps.requestId);
  }
  if (closed) unsubscribe();
  return new Response(readable, {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-request-id": deps.requestId },
  });
}

/** C12: messages before `before` (ISO time), newest first — the hot ones, then the archive. */
function history(url: URL, deps: ChatApiDeps): Response {
  // The cursor is `createdAt|id`: messages of the same millisecond are not lost at a page edge.
  const [before = "9999-12-31T23:59:59.999Z", beforeId = "\uffff"] = (url.searchParams.get("before") ?? "").split("|").filter(Boolean);
  const limitRaw = url.searchParams.get("limit") ?? "50";
  if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > HISTORY_MAX) {
    return errorResponse("invalid_request", `limit must be an integer from 1 to ${HISTORY_MAX}`, deps.requestId);
  }
  if (Number.isNaN(Date.parse(before))) return errorResponse("invalid_request", "before must be an ISO date-time", deps.requestId);
  const limit = Number(limitRaw);
  const older = (msg: Message) => msg.createdAt < before || (msg.createdAt === before && msg.id < beforeId);
  const hot = deps.ledger.state.recentMessages.filter(older);
  const seen = new Set(hot.map((msg) => msg.id));
  const archived = deps.chat.store.history(before, beforeId, limit + hot.length).filter((msg) => !seen.has(msg.id));
  const messages: Message[] = [...hot, ...archived].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, limit);
  const oldest = messages.at(-1);
  return json({ messages, nextBefore: messages.length === limit && oldest ? `${oldest.createdAt}|${oldest.id}` : null } satisfies HistoryPage, 200, deps.requestId);
}
