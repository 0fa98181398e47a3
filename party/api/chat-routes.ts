/**
 * Chat over HTTP (docs/PROTOCOL.md C1, C7, C8, C11, C12): send a message,
 * read a turn's stream as server-sent events, stop a turn, settle a proposal,
 * page through history.
 */
import { z } from "zod";
import { cardsAt } from "../../shared/action-card.ts";
import type { HistoryPage } from "../../shared/api.ts";
import type { LlmFrame } from "../../shared/chat.ts";
import type { Message } from "../../shared/domain.ts";
import { isEndFrame } from "../chat/turn-feed.ts";
import { INPUTS } from "../core/inputs.ts";
import { errorResponse, json } from "../http.ts";
import { inputRoute, respond } from "./input-route.ts";
import { type ApiDeps, read, type Route, write } from "./route-table.ts";
import { applySpec } from "../core/inputs.ts";
import { ConfirmSelectionSchema } from "../../shared/goals.ts";

const HISTORY_MAX = 200;
const HISTORY_LIMIT_MESSAGE = `limit must be an integer from 1 to ${HISTORY_MAX}`;

/** C12: `before` is the cursor `createdAt|id`, so that messages of the same millisecond are not lost at a page edge. */
export const HistoryQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, HISTORY_LIMIT_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, HISTORY_LIMIT_MESSAGE).max(HISTORY_MAX, HISTORY_LIMIT_MESSAGE))
    .default(50),
  before: z
    .string()
    .default("")
    .transform((cursor) => {
      const [before = "9999-12-31T23:59:59.999Z", beforeId = "\uffff"] = cursor.split("|").filter(Boolean);
      return { before, beforeId };
    })
    .refine((cursor) => !Number.isNaN(Date.parse(cursor.before)), "before must be an ISO date-time"),
});
type HistoryQuery = z.output<typeof HistoryQuerySchema>;

export const CHAT_ROUTES: readonly Route[] = [
  inputRoute("POST", "/api/v1/message", INPUTS["message.send"], { accepted: true }),
  read({ method: "GET", path: "/api/v1/stream/:turnId", handle: ({ deps, params }) => stream(params.turnId, deps) }),
  inputRoute("POST", "/api/v1/turns/:turnId/stop", INPUTS["turn.stop"]),
  write({
    method: "POST",
    path: "/api/v1/proposals/:proposalId/confirm",
    // B11: the body is optional — none (or empty) accepts everything; a body is `{"items"?, "edits"?}`, checked whole.
    body: ConfirmSelectionSchema,
    emptyBody: {},
    handle: ({ deps, params, body, action }) => respond("chat", applySpec(deps, INPUTS["proposal.confirm"], { ...params, ...body }, action), deps.requestId, 200),
  }),
  inputRoute("POST", "/api/v1/proposals/:proposalId/reject", INPUTS["proposal.reject"]),
  read({ method: "GET", path: "/api/v1/messages", query: HistoryQuerySchema, handle: ({ deps, query }) => history(query, deps) }),
];

/** C11: `text/event-stream` of one turn: the tokens so far, then live ones, then its end. */
function stream(turnId: string, deps: ApiDeps): Response {
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
    if (isEndFrame(frame)) end();
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

/** C12: messages before the cursor, newest first — the hot ones, then the archive; each with its action cards (C16). */
function history({ limit, before: { before, beforeId } }: HistoryQuery, deps: ApiDeps): Response {
  const older = (msg: Message) => msg.createdAt < before || (msg.createdAt === before && msg.id < beforeId);
  const hot = deps.ledger.state.recentMessages.filter(older);
  const seen = new Set(hot.map((msg) => msg.id));
  const archived = deps.chat.store.history(before, beforeId, limit + hot.length).filter((msg) => !seen.has(msg.id));
  const messages: Message[] = [...hot, ...archived]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, limit)
    .map((msg) => cardsAt(msg, deps.now())); // C16: with their cards as they stand now
  const oldest = messages.at(-1);
  return json({ messages, nextBefore: messages.length === limit && oldest ? `${oldest.createdAt}|${oldest.id}` : null } satisfies HistoryPage, 200, deps.requestId);
}
