/**
 * Branches of a conversation (docs/PROTOCOL.md T11–T15): the path a message
 * sits on, which is a turn's context, and regenerating a reply — a new turn
 * for the same user message, whose reply becomes a sibling of the earlier
 * ones. Nothing is replaced: the ledger keeps every branch.
 */
import { type Accepted, AcceptedSchema } from "../../shared/chat.ts";
import { conversationOf, DEFAULT_CONVERSATION_ID, type MessageRegenerate } from "../../shared/conversations.ts";
import type { Actor, Message } from "../../shared/domain.ts";
import { fail, ok, type Result } from "../../shared/errors.ts";
import type { AcceptDeps } from "./accept.ts";
import type { ConversationIndex } from "./conversations.ts";

/** T14: the most messages a path holds — the context's token budget keeps fewer; a bound on the walk (R33). */
export const PATH_MAX_MESSAGES = 40;

/** Messages beyond the hot ones, by index lookups (chat_message_index, the archive, the ledger): one row each. */
export type OlderMessages = {
  /** The message as stored; null when gone (deleted, pruned after 90 days). */
  message(id: string): Message | null;
  /** Its parent as the index resolved it (a message stored before branches follows the previous one). */
  parentOf(id: string): string | null;
};

/**
 * T14: the messages from the start of the branch down to `messageId`, oldest
 * first: each one's parent, up to the first message of its conversation.
 * A message stored before branches (no `parentId`) follows the previous
 * message of its conversation in `messages` (oldest first). Read from
 * `messages` (the hot ones) and, where the path leaves them (a thread pushed
 * out of the hot 100 by another), from `older`, at most PATH_MAX_MESSAGES.
 * T11: a question sent while the one before it was still being answered
 * names that question as its parent; the earlier question's own reply (its
 * turn's) is on the path too, between them.
 */
export function branchPath(messages: readonly Message[], messageId: string, older?: OlderMessages, max = PATH_MAX_MESSAGES): Message[] {
  const byId = new Map<string, Message>();
  const previous = new Map<string, string | null>();
  const lastOf = new Map<string, string>();
  const replyOfTurn = new Map<string, Message>();
  for (const m of messages) {
    byId.set(m.id, m);
    const conversation = conversationOf(m);
    previous.set(m.id, lastOf.get(conversation) ?? null);
    lastOf.set(conversation, m.id);
    if (m.role === "assistant" && m.turnId && !replyOfTurn.has(m.turnId)) replyOfTurn.set(m.turnId, m);
  }
  const find = (id: string): Message | undefined => byId.get(id) ?? older?.message(id) ?? undefined;
  const parentOf = (m: Message): string | null => {
    if (m.parentId !== undefined) return m.parentId;
    const before = previous.get(m.id);
    // The oldest hot message stored before branches: the index knows what it followed.
    return before ?? (older ? older.parentOf(m.id) : null);
  };
  const path: Message[] = [];
  const seen = new Set<string>();
  let at = find(messageId);
  const conversation = at ? conversationOf(at) : DEFAULT_CONVERSATION_ID;
  while (at && !seen.has(at.id) && conversationOf(at) === conversation && path.length < max) {
    seen.add(at.id);
    path.push(at);
    const parentId = parentOf(at);
    const parent = parentId === null ? undefined : find(parentId);
    if (at.role === "user" && parent?.role === "user" && parent.turnId) {
      const reply = replyOfTurn.get(parent.turnId);
      if (reply && reply.parentId === parent.id && !seen.has(reply.id) && path.length < max) (seen.add(reply.id), path.push(reply));
    }
    at = parent;
  }
  return path.reverse();
}

export type RegenerateDeps = AcceptDeps & { index: ConversationIndex; turnQuestion: (turnId: string) => string | null };

/**
 * T12: accepts a regenerate like a message (C1, C2, C13): idempotent by client
 * action id, counted by the per-minute limit, stored (`turn.regenerated` and
 * a queued turn) before any model call. `messageId` names the user's message,
 * or a reply (its question is answered again).
 */
export function acceptRegenerate(deps: RegenerateDeps, input: MessageRegenerate, actor: Actor, requestId: string): Result<Accepted & { duplicate: boolean }> {
  const { clientActionId, messageId } = input;
  const request = JSON.stringify({ kind: "message.regenerate", messageId });
  if (clientActionId !== undefined) {
    const prior = deps.ledger.checkAction(clientActionId, request);
    if (prior.status === "conflict") return fail("conflict", `clientActionId ${clientActionId} was already used for a different request`);
    if (prior.status === "duplicate") return ok({ ...AcceptedSchema.parse(prior.recorded.result), duplicate: true });
  }
  const now = deps.now();
  const named = deps.index.message(messageId, now);
  if (!named) return fail("not_found", `message ${messageId} does not exist`);
  const questionId = named.role === "user" ? named.id : named.turnId ? deps.turnQuestion(named.turnId) : null;
  const question = questionId === null ? null : deps.index.entry(questionId);
  if (!question) return fail("invalid_request", `message ${messageId} answers no message of yours`);
  const recent = deps.store.recentUserMessages(now);
  if (recent.count >= deps.limits.messagesPerMinute) {
    return fail("rate_limited", `at most ${deps.limits.messagesPerMinute} messages a minute`, recent.retryAfter);
  }
  const turnId = deps.newId();
  const accepted: Accepted = { status: "accepted", messageId: question.id, turnId, streamUrl: `/api/v1/stream/${turnId}` };
  const conversation = question.conversationId === DEFAULT_CONVERSATION_ID ? {} : { conversationId: question.conversationId };
  deps.ledger.transaction(() => {
    deps.store.createTurn(turnId, question.id, now, deps.store.contextIds(named.turnId ?? ""));
    deps.ledger.append({
      type: "turn.regenerated",
      actor,
      correlationId: requestId,
      payload: { turnId, messageId: question.id, ...conversation },
      clientActionId,
      request: clientActionId === undefined ? undefined : request,
      result: accepted,
    });
  });
  return ok({ ...accepted, duplicate: false });
}
