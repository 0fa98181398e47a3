/**
 * Conversations over HTTP (docs/PROTOCOL.md T1–T9, T12): list, create,
 * rename or archive, delete (a proposal when big), page one conversation's
 * history, and regenerate a reply. The writes are the same inputs as the
 * socket's frames (party/core/inputs.ts).
 */
import { z } from "zod";
import { ClientActionIdSchema } from "../../shared/commands.ts";
import { listConversations } from "../../shared/conversations.ts";
import { findConversation } from "../core/conversation-commands.ts";
import { applySpec, INPUTS } from "../core/inputs.ts";
import { errorResponse, json } from "../http.ts";
import { HistoryQuerySchema } from "./chat-routes.ts";
import { inputRoute, respond } from "./input-route.ts";
import { read, type Route, write } from "./route-table.ts";

/** T1: `?archived=true` lists only the archived ones, `false` only the others; absent, all. */
const ListQuerySchema = z.object({ archived: z.enum(["true", "false"], "archived must be true or false").optional() });
const RegenerateBodySchema = z.strictObject({ clientActionId: ClientActionIdSchema.optional() });

export const CONVERSATION_ROUTES: readonly Route[] = [
  read({
    method: "GET",
    path: "/api/v1/conversations",
    query: ListQuerySchema,
    handle: ({ deps, query }) => {
      const all = listConversations(deps.ledger.state.conversations);
      const conversations = query.archived === undefined ? all : all.filter((c) => c.archived === (query.archived === "true"));
      return json({ conversations }, 200, deps.requestId);
    },
  }),
  inputRoute("POST", "/api/v1/conversations", INPUTS["conversation.create"], { created: () => true }),
  write({
    method: "PATCH",
    path: "/api/v1/conversations/:conversationId",
    body: INPUTS["conversation.update"].body,
    handle: ({ deps, params, body, action }) => respond("command", applySpec(deps, INPUTS["conversation.update"], { ...params, command: body }, action), deps.requestId, 200),
  }),
  write({
    method: "DELETE",
    path: "/api/v1/conversations/:conversationId",
    body: null,
    handle: ({ deps, params, action }) => {
      const deleted = deps.chat.deleteConversation(params.conversationId, action);
      if (!deleted.ok) return errorResponse(deleted.error.code, deleted.error.message, deps.requestId, deleted.error.retryAfter);
      return json(deleted.value.value, deleted.value.status, deps.requestId, deleted.value.duplicate ? { "idempotent-replayed": "true" } : {});
    },
  }),
  read({
    method: "GET",
    path: "/api/v1/conversations/:conversationId/messages",
    query: HistoryQuerySchema,
    handle: ({ deps, params, query }) => {
      if (!findConversation(deps.ledger.state, params.conversationId)) return errorResponse("not_found", `conversation ${params.conversationId} does not exist`, deps.requestId);
      return json(deps.chat.conversations.page(params.conversationId, query.before, query.limit, deps.now()), 200, deps.requestId);
    },
  }),
  write({
    method: "POST",
    path: "/api/v1/messages/:messageId/regenerate",
    body: RegenerateBodySchema,
    emptyBody: {},
    handle: ({ deps, params, body, action }) =>
      respond("chat", applySpec(deps, INPUTS["message.regenerate"], { command: { messageId: params.messageId, ...body } }, action), deps.requestId, 202),
  }),
];
