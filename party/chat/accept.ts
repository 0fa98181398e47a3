/**
 * Accepting a user's message (docs/PROTOCOL.md C1, C2, C13): idempotent by
 * client action id, rate limited per minute, and stored — the message as a
 * `message.added` event and its turn as queued — before any model is called.
 */
import { type Accepted, AcceptedSchema, type MessageSend } from "../../shared/chat.ts";
import type { Actor, Message } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { Ledger } from "../core/ledger.ts";
import type { SqlStore } from "../core/sql.ts";
import type { ChatStore } from "./store.ts";
import { DEFAULT_CONVERSATION_ID } from "../../shared/conversations.ts";
import { autoTitle, findConversation } from "../core/conversation-commands.ts";
import type { ConversationIndex } from "./conversations.ts";

export type AcceptDeps = {
  sql: SqlStore;
  ledger: Ledger;
  store: ChatStore;
  now: () => number;
  newId: () => string;
  limits: { messagesPerMinute: number };
  /** T8–T13: where the message goes on its conversation's branches; indexed in the transaction that stores it. */
  index?: ConversationIndex;
};

export function acceptMessage(deps: AcceptDeps, input: MessageSend, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
  const { clientActionId, ...rest } = input;
  const request = JSON.stringify({ kind: "message.send", ...rest });
  if (clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(clientActionId, request);
    if (prior.status === "conflict") return fail("conflict", `clientActionId ${clientActionId} was already used for a different request`);
    if (prior.status === "duplicate") return ok({ ...AcceptedSchema.parse(prior.recorded.result), duplicate: true });
  }
  const now = deps.now();
  const recent = deps.store.recentUserMessages(now);
  if (recent.count >= deps.limits.messagesPerMinute) {
    return fail("rate_limited", `at most ${deps.limits.messagesPerMinute} messages a minute`, recent.retryAfter);
  }
  const placed = deps.index ? place(deps.ledger, deps.index, input, now) : ok({});
  if (!placed.ok) return placed;
  const turnId = deps.newId();
  const messageId = deps.newId();
  const message: Message = {
    id: messageId,
    role: "user",
    text: input.text,
    channel: input.channel,
    turnId,
    status: "complete",
    createdAt: new Date(now).toISOString(),
    ...placed.value,
  };
  const accepted: Accepted = { status: "accepted", messageId, turnId, streamUrl: `/api/v1/stream/${turnId}` };
  deps.ledger.transaction(() => {
    deps.store.createTurn(turnId, messageId, now, input.contextIds ?? []);
    deps.ledger.append({
      type: "message.added",
      actor,
      correlationId: requestId,
      payload: { message, contextIds: input.contextIds ?? [] },
      clientActionId,
      request: clientActionId === undefined ? undefined : request,
      result: accepted,
    });
    deps.index?.sync();
    // T19: the thread's first words name a "New chat".
    const titled = autoTitle(deps.ledger.state, message.conversationId ?? DEFAULT_CONVERSATION_ID, message.text, message.createdAt);
    if (titled) deps.ledger.append({ ...titled, actor: { kind: "system" }, correlationId: requestId });
  });
  return ok({ ...accepted, duplicate: false });
}

/**
 * T10, T11, T13: the conversation (it must exist; `main` always does), and the
 * message it follows: `parentId` as sent (a message of that conversation), the
 * edited message's own parent for an edit, else the conversation's newest.
 */
function place(ledger: Ledger, index: ConversationIndex, input: MessageSend, now: number): Result<Pick<Message, "conversationId" | "parentId" | "editOf">> {
  const conversationId = input.conversationId ?? DEFAULT_CONVERSATION_ID;
  if (!findConversation(ledger.state, conversationId)) return fail("not_found", `conversation ${conversationId} does not exist`);
  const named = input.conversationId !== undefined ? { conversationId } : {};
  if (input.editOf !== undefined) {
    if (input.parentId !== undefined) return fail("invalid_request", "send editOf or parentId, not both");
    const edited = index.entry(input.editOf);
    if (!edited || edited.conversationId !== conversationId) return fail("not_found", `message ${input.editOf} is not in conversation ${conversationId}`);
    if (index.message(edited.id, now)?.role !== "user") return fail("invalid_request", "only your own messages can be edited");
    return ok({ ...named, parentId: edited.parentId, editOf: edited.id });
  }
  if (input.parentId !== undefined) {
    const parent = index.entry(input.parentId);
    if (!parent || parent.conversationId !== conversationId) return fail("not_found", `message ${input.parentId} is not in conversation ${conversationId}`);
    return ok({ ...named, parentId: parent.id });
  }
  index.sync();
  return ok({ ...named, parentId: index.newest(conversationId) });
}
